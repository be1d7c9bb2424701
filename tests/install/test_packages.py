"""The .deb (and .rpm where rpmbuild exists): built with cpack from this build, inspected with
dpkg-deb / rpm, checked by lintian where it runs."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from install_support import BUILD_DIR

MANIFEST = "usr/lib/mozilla/native-messaging-hosts/org.bccshield.host.json"
EXPECTED_DEB = {"./usr/bin/bccshield-host", "./" + MANIFEST, "./usr/share/bccshield/bccshield.xpi",
                "./etc/bccshield/policy.json", "./etc/bccshield/audit.conf",
                "./usr/share/doc/bccshield/copyright", "./usr/share/doc/bccshield/ADMIN.md",
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


class DebPackage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = tempfile.mkdtemp(prefix="bccshield-pkg-")
        cls.deb = build_package("DEB", cls.out)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.out, ignore_errors=True)

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
        self.assertIn("libsodium", control)
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
class RpmPackage(unittest.TestCase):
    def test_contents_and_scripts(self):
        out = tempfile.mkdtemp(prefix="bccshield-rpm-")
        try:
            rpm = build_package("RPM", out)
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
        finally:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
