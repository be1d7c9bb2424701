"""The .deb (and .rpm where rpmbuild exists): built with cpack from this build, inspected with
dpkg-deb / rpm, checked by lintian where it runs."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from install_support import BUILD_DIR, HOST

MANIFEST = "usr/lib/mozilla/native-messaging-hosts/org.bccshield.host.json"
EXPECTED_DEB = {"./usr/bin/bccshield-host", "./" + MANIFEST, "./usr/share/bccshield/bccshield.xpi",
                "./etc/bccshield/policy.json", "./etc/bccshield/audit.conf",
                "./usr/share/doc/bccshield/copyright", "./usr/share/doc/bccshield/ADMIN.md",
                "./usr/share/doc/bccshield/THIRD-PARTY-NOTICES.txt",
                "./usr/share/doc/bccshield/changelog.gz",
                "./usr/share/man/man1/bccshield-host.1.gz", "./usr/share/bccshield/install-user.sh",
                "./usr/share/bccshield/uninstall-user.sh"}


def build_package(generator, out_dir):
    """cpack into out_dir; returns the package path. cpack packages what is built (it does not
    rebuild the whole tree), so the two things packaged are brought up to date first."""
    subprocess.run(["cmake", "--build", BUILD_DIR, "--target", "bccshield_host", "bccshield_xpi"], check=True,
                   capture_output=True, timeout=1200)
    subprocess.run(["cpack", "-G", generator, "--config", os.path.join(BUILD_DIR, "CPackConfig.cmake"),
                    "-B", out_dir], check=True, capture_output=True, timeout=600)
    suffix = ".deb" if generator == "DEB" else ".rpm"
    return next(os.path.join(out_dir, name) for name in os.listdir(out_dir) if name.endswith(suffix))


def run_configure(script, scratch, policies=None, packaging_conf=None, argument="configure"):
    """Runs a maintainer script against a scratch tree: the package's fixed paths (the variables
    maintainer-common.sh sets) are pointed into `scratch`, the host is this build's."""
    paths = {"BCCSHIELD_HOST": HOST, "BCCSHIELD_ETC": os.path.join(scratch, "etc"),
             "BCCSHIELD_STATE_DIR": os.path.join(scratch, "var"),
             "BCCSHIELD_STATE": os.path.join(scratch, "var", "thunderbird-policy.json"),
             "BCCSHIELD_TB_POLICIES": os.path.join(scratch, "tb", "policies.json")}
    for name, value in paths.items():
        script, count = re.subn(rf"^{name}=.*$", f"{name}={value}", script, count=1, flags=re.M)
        assert count == 1, name
    os.makedirs(os.path.join(scratch, "tb"), exist_ok=True)
    os.makedirs(os.path.join(scratch, "etc"), exist_ok=True)
    if policies is not None:
        with open(paths["BCCSHIELD_TB_POLICIES"], "w", encoding="utf-8") as handle:
            handle.write(policies)
    if packaging_conf is not None:
        with open(os.path.join(scratch, "etc", "packaging.conf"), "w", encoding="utf-8") as handle:
            handle.write(packaging_conf)
    path = os.path.join(scratch, "script")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(script)
    result = subprocess.run(["sh", path, argument], capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout + result.stderr, paths["BCCSHIELD_TB_POLICIES"]


class ConfigureScriptChecks:
    """A failed policy merge fails the configure step loudly (deb postinst, rpm %post), and
    packaging.conf's lock-on-host-error reaches policies.json. Mixed into the deb and rpm tests."""

    def configure_script(self):
        raise NotImplementedError

    def test_failed_merge_fails_loudly(self):
        scratch = tempfile.mkdtemp(prefix="bccshield-script-")
        try:
            code, out, policies = run_configure(self.configure_script(), scratch, policies='{"policies": {,}}')
            self.assertNotEqual(code, 0, out)
            self.assertIn("not valid JSON", out)
            self.assertIn("Thunderbird will NOT install the BccShield extension", out)
            with open(policies, encoding="utf-8") as handle:
                self.assertEqual(handle.read(), '{"policies": {,}}')
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def test_packaging_conf_locks_on_host_error(self):
        scratch = tempfile.mkdtemp(prefix="bccshield-script-")
        try:
            code, out, policies = run_configure(self.configure_script(), scratch, policies='{"policies": {}}',
                                                packaging_conf="# IT\nlock-on-host-error = block\n")
            self.assertEqual(code, 0, out)
            with open(policies, encoding="utf-8") as handle:
                merged = json.load(handle)["policies"]
            self.assertEqual(merged["3rdparty"],
                             {"Extensions": {"bccshield@bccshield.org": {"engine": "host", "onHostError": "block"}}})
            self.assertIn("bccshield@bccshield.org", merged["ExtensionSettings"])
            code, out, _ = run_configure(self.configure_script(), scratch, packaging_conf="lock-on-host-error = off\n")
            self.assertNotEqual(code, 0, out)
            self.assertIn("lock-on-host-error must be block or ask", out)
            code, out, _ = run_configure(self.configure_script(), scratch, packaging_conf="")  # no lock any more
            self.assertEqual(code, 0, out)
            with open(policies, encoding="utf-8") as handle:  # the engine lock stays, onHostError goes
                self.assertEqual(json.load(handle)["policies"]["3rdparty"],
                                 {"Extensions": {"bccshield@bccshield.org": {"engine": "host"}}})
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


class DebPackage(ConfigureScriptChecks, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.mkdtemp(prefix="bccshield-pkg-")
        cls.deb = build_package("DEB", cls.out)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.out, ignore_errors=True)

    def configure_script(self):
        scratch = tempfile.mkdtemp(prefix="bccshield-ctl-")
        try:
            subprocess.run(["dpkg-deb", "-e", self.deb, scratch], check=True)
            with open(os.path.join(scratch, "postinst"), encoding="utf-8") as handle:
                return handle.read()
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    @unittest.skipUnless(os.environ.get("BCCSHIELD_SYSTEM_TESTS") == "1" and os.geteuid() == 0,
                         "installs the .deb for real: root and BCCSHIELD_SYSTEM_TESTS=1")
    def test_dpkg_install_over_a_broken_policies_json_fails_loudly(self):
        status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "bccshield"], capture_output=True, text=True)
        if status.stdout.startswith("install"):
            self.skipTest("bccshield is installed on this machine: not touching it")
        folder = "/etc/thunderbird/policies"
        backup = tempfile.mkdtemp(prefix="bccshield-tbpolicies-")
        had_folder = os.path.isdir(folder)
        if had_folder:
            shutil.copytree(folder, os.path.join(backup, "policies"), symlinks=True)
        try:
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, "policies.json"), "w", encoding="utf-8") as handle:
                handle.write('{"policies": {"DisableTelemetry": true,}}')
            result = subprocess.run(["dpkg", "-i", self.deb], capture_output=True, text=True, timeout=600)
            self.assertNotEqual(result.returncode, 0, result.stdout + result.stderr)
            self.assertIn("Thunderbird will NOT install the BccShield extension", result.stderr)
            state = subprocess.run(["dpkg-query", "-W", "-f=${Status}", "bccshield"], capture_output=True, text=True)
            self.assertIn("half-configured", state.stdout)
            with open(os.path.join(folder, "policies.json"), "w", encoding="utf-8") as handle:
                handle.write('{"policies": {"DisableTelemetry": true}}')
            result = subprocess.run(["dpkg", "--configure", "bccshield"], capture_output=True, text=True, timeout=600)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            with open(os.path.join(folder, "policies.json"), encoding="utf-8") as handle:
                self.assertIn("bccshield@bccshield.org", json.load(handle)["policies"]["ExtensionSettings"])
        finally:
            subprocess.run(["dpkg", "-P", "bccshield"], capture_output=True, timeout=600)
            shutil.rmtree(folder, ignore_errors=True)
            if had_folder:
                shutil.copytree(os.path.join(backup, "policies"), folder, symlinks=True)
            shutil.rmtree(backup, ignore_errors=True)

    def test_contents(self):
        listing = subprocess.run(["dpkg-deb", "-c", self.deb], check=True, capture_output=True, text=True).stdout
        print(listing)
        files = {line.split()[-1] for line in listing.splitlines() if not line.startswith("d")}
        self.assertEqual(files, EXPECTED_DEB)
        modes = {line.split()[-1]: line.split()[0] for line in listing.splitlines()}
        self.assertEqual(modes["./usr/bin/bccshield-host"], "-rwxr-xr-x")
        self.assertEqual(modes["./" + MANIFEST], "-rw-r--r--")

    def test_manifest_points_at_the_installed_host(self):
        scratch = tempfile.mkdtemp(prefix="bccshield-x-")
        try:
            subprocess.run(["dpkg-deb", "-x", self.deb, scratch], check=True)
            with open(os.path.join(scratch, MANIFEST), encoding="utf-8") as handle:
                manifest = json.load(handle)
            self.assertEqual(manifest, {"name": "org.bccshield.host", "description": manifest["description"],
                                        "path": "/usr/bin/bccshield-host", "type": "stdio",
                                        "allowed_extensions": ["bccshield@bccshield.org"]})
            with open(os.path.join(scratch, "etc/bccshield/policy.json"), encoding="utf-8") as handle:
                self.assertEqual(json.load(handle)["minExposedParties"], 8)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def test_control(self):
        control = subprocess.run(["dpkg-deb", "-f", self.deb], check=True, capture_output=True, text=True).stdout
        self.assertIn("Package: bccshield", control)
        # libsodium, libidn2, libpsl and libunistring are linked in (BCCSHIELD_STATIC_DEPS): the
        # host loads only the C library, and the package must not pull in the others.
        depends = next(line for line in control.splitlines() if line.startswith("Depends:"))
        self.assertIn("libc6", depends)
        for library in ("libsodium", "libidn2", "libpsl", "libunistring"):
            self.assertNotIn(library, depends)
        scratch = tempfile.mkdtemp(prefix="bccshield-ctl-")
        try:
            subprocess.run(["dpkg-deb", "-e", self.deb, scratch], check=True)
            with open(os.path.join(scratch, "conffiles"), encoding="utf-8") as handle:
                self.assertEqual(handle.read().split(), ["/etc/bccshield/policy.json", "/etc/bccshield/audit.conf"])
            for script in ("postinst", "prerm", "postrm"):
                path = os.path.join(scratch, script)
                self.assertTrue(os.access(path, os.X_OK), script)
                subprocess.run(["sh", "-n", path], check=True)  # POSIX sh syntax
            with open(os.path.join(scratch, "postinst"), encoding="utf-8") as handle:
                self.assertIn("policy thunderbird add", handle.read())
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    @unittest.skipUnless(shutil.which("lintian"), "lintian not installed")
    def test_lintian_has_no_errors_or_warnings(self):
        result = subprocess.run(["lintian", "--tag-display-limit", "0", self.deb], capture_output=True, text=True,
                                timeout=600)
        print(result.stdout + result.stderr)
        bad = [line for line in result.stdout.splitlines() if line.startswith(("E:", "W:"))]
        self.assertEqual(bad, [], "lintian errors or warnings")


@unittest.skipUnless(shutil.which("rpmbuild"), "rpmbuild not installed")
class RpmPackage(ConfigureScriptChecks, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.mkdtemp(prefix="bccshield-rpm-scripts-")
        cls.rpm = build_package("RPM", cls.out)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.out, ignore_errors=True)

    def configure_script(self):
        """The %post scriptlet, as rpm runs it (/bin/sh; rpm passes the install count)."""
        scripts = subprocess.run(["rpm", "-qp", "--scripts", self.rpm], check=True, capture_output=True,
                                 text=True).stdout
        match = re.search(r"^postinstall scriptlet \(using /bin/sh\):\n(.*?)(?=^\S[^\n]* scriptlet \(|\Z)", scripts,
                          re.S | re.M)
        self.assertIsNotNone(match, scripts)
        return match.group(1)

    def test_contents_and_scripts(self):
        rpm = self.rpm
        files = subprocess.run(["rpm", "-qp", "--qf", "[%{FILEFLAGS:fflags} %{FILENAMES}\n]", rpm],
                               check=True, capture_output=True, text=True).stdout
        print(files)
        self.assertIn(" /usr/bin/bccshield-host", files)
        self.assertIn(" /usr/lib/mozilla/native-messaging-hosts/org.bccshield.host.json", files)
        self.assertIn(" /usr/lib64/mozilla/native-messaging-hosts/org.bccshield.host.json", files)
        self.assertIn(" /usr/share/bccshield/bccshield.xpi", files)
        self.assertIn("cn /etc/bccshield/policy.json", files)  # %config(noreplace)
        self.assertIn("cn /etc/bccshield/audit.conf", files)
        scripts = subprocess.run(["rpm", "-qp", "--scripts", rpm], check=True, capture_output=True,
                                 text=True).stdout
        self.assertIn("policy thunderbird add", scripts)
        self.assertIn("policy thunderbird remove", scripts)


if __name__ == "__main__":
    unittest.main()
