"""The Windows MSI under Wine (issue 10, "How it is proven"): installed silently, found the way
Thunderbird finds a native host, its optional Thunderbird policy, its properties, an upgrade
that keeps the admin's policy file, and an uninstall that removes exactly what it added.

Inputs (environment; run_msi_tests.sh sets them):
  BCCSHIELD_MSI   the MSI under test (build/windows/BccShield-<version>-x64.msi)
  BCCSHIELD_EXE   the exe it was built from (to build the older MSI of the upgrade test)
  BCCSHIELD_XPI   the XPI it was built from
  BCCSHIELD_WINE_DIR  a scratch folder for the private Wine prefix (wiped at start)
Only Windows paths (C:\\...) reach the Windows programs: under Wine a path starting with / is
the build machine's own file system."""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wine_prefix import WinePrefix  # noqa: E402

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
MSI = os.environ.get("BCCSHIELD_MSI", "")
EXE = os.environ.get("BCCSHIELD_EXE", "")
XPI = os.environ.get("BCCSHIELD_XPI", "")
WINE_DIR = os.environ.get("BCCSHIELD_WINE_DIR", "")


def identity(name):
    """A value of cmake/identity.cmake (the one place it is written)."""
    with open(os.path.join(SOURCE_DIR, "cmake", "identity.cmake"), encoding="utf-8") as handle:
        match = re.search(r"^set\(%s \"?([^\")]*)\"?\)" % name, handle.read(), re.M)
    assert match, name
    return match.group(1)


VERSION = identity("BCCSHIELD_VERSION")
HOST_NAME = identity("BCCSHIELD_HOST_NAME")
EXTENSION_ID = identity("BCCSHIELD_EXTENSION_ID")
INSTALL_DIR = r"C:\Program Files\BccShield"
POLICY_DIR = INSTALL_DIR + r"\policy"
NM_KEY = r"HKLM\SOFTWARE\Mozilla\NativeMessagingHosts" + "\\" + HOST_NAME
TB_POLICIES = r"HKLM\SOFTWARE\Policies\Mozilla\Thunderbird"
OUR_EXTENSION_SETTINGS = TB_POLICIES + r"\ExtensionSettings" + "\\" + EXTENSION_ID
OUR_3RDPARTY = TB_POLICIES + r"\3rdparty\Extensions" + "\\" + EXTENSION_ID
BCCSHIELD_POLICIES = r"HKLM\SOFTWARE\Policies\BccShield"
STALE_MANIFEST = r"C:\Old BccShield\org.bccshield.host.json"
# Keys Wine itself fills in lazily, whenever one of its services first enumerates the network
# adapters: no installer writes there.
WINE_OWN_KEYS = ("[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\NetworkCards",
                 "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Wow6432Node\\Microsoft\\Windows NT\\CurrentVersion\\NetworkCards")
# An Ed25519 public key's base64 line (the form of policy.pub's last line); any 32 bytes do here.
INTRANET_XPI = "https://intranet.example/bccshield.xpi"
POLICY_KEY = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA="

# What an organisation already has before BccShield arrives: another Thunderbird policy, its own
# ExtensionSettings entry (as subkeys), another extension's managed settings, and a stale 32-bit
# registration of our host from an earlier manual install.
PRE_EXISTING = [
    (TB_POLICIES, "DisableTelemetry", "REG_DWORD", "1"),
    (TB_POLICIES + r"\ExtensionSettings\other@example.org", "installation_mode", "REG_SZ", "blocked"),
    (TB_POLICIES + r"\3rdparty\Extensions\other@example.org", "setting", "REG_SZ", "theirs"),
]


class MsiUnderWine(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        for name, path in (("BCCSHIELD_MSI", MSI), ("BCCSHIELD_EXE", EXE), ("BCCSHIELD_XPI", XPI)):
            if not os.path.isfile(path):
                raise RuntimeError(f"{name}={path!r}: no such file (run tests/install/windows/run_msi_tests.sh)")
        if not WINE_DIR:
            raise RuntimeError("BCCSHIELD_WINE_DIR is not set")
        cls.wine = WinePrefix(os.path.join(WINE_DIR, "wine"))
        cls.wine.start()
        # The MSIs are copied into the prefix: msiexec gets a Windows path.
        cls.msi = cls.stage_file(MSI, "BccShield-x64.msi")
        older = os.path.join(WINE_DIR, "BccShield-0.0.1-x64.msi")
        subprocess.run([os.path.join(SOURCE_DIR, "installer", "windows", "build-msi.sh"), EXE, XPI, older, "0.0.1"],
                       check=True, capture_output=True, timeout=300)
        cls.older_msi = cls.stage_file(older, "BccShield-older-x64.msi")
        # Wine adds keys of its own (network cards, Windows Installer's empty bookkeeping keys) the
        # first time a product is installed: one install and uninstall before the baseline.
        for action in ("/i", "/x"):
            cls.wine.run("msiexec", action, cls.older_msi, "/qn", timeout=600)
        for key, name, kind, data in PRE_EXISTING:
            cls.reg("add", key, "/v", name, "/t", kind, "/d", data, "/f")
        cls.reg("add", NM_KEY, "/ve", "/d", STALE_MANIFEST, "/f", view=32)
        cls.baseline = cls.registry()

    @classmethod
    def tearDownClass(cls):
        cls.wine.stop()

    # --- helpers -----------------------------------------------------------------------------

    @classmethod
    def stage_file(cls, source, name):
        windows = "C:\\staging\\" + name
        os.makedirs(os.path.dirname(cls.wine.unix_path(windows)), exist_ok=True)
        shutil.copyfile(source, cls.wine.unix_path(windows))
        return windows

    @classmethod
    def reg(cls, *args, view=64, check=True):
        done = cls.wine.run("reg", *args, f"/reg:{view}")
        if check and done.returncode != 0:
            raise AssertionError(f"reg {args}: {done.returncode} {done.stdout!r} {done.stderr!r}")
        return done

    @classmethod
    def values(cls, key, view=64):
        """{name: (type, data)} of one key; None when the key does not exist."""
        done = cls.reg("query", key, view=view, check=False)
        if done.returncode != 0:
            return None
        found, in_key = {}, False
        root, rest = key.split("\\", 1)
        full_key = ({"HKLM": "HKEY_LOCAL_MACHINE", "HKCU": "HKEY_CURRENT_USER"}[root] + "\\" + rest).upper()
        for line in done.stdout.decode("utf-8", "replace").splitlines():
            if line.strip().upper() == full_key:
                in_key = True
                continue
            match = re.match(r"^    (.*?)    (REG_[A-Z_]+)    ?(.*)$", line.rstrip("\r"))
            if in_key and match:
                name = "" if match.group(1) == "(Default)" else match.group(1)
                found[name] = (match.group(2), match.group(3))
            elif in_key and line.startswith("HKEY_"):
                break
        return found

    @classmethod
    def registry(cls):
        """HKLM\\SOFTWARE, both views (the 64-bit export holds Wow6432Node), as a set of
        "[key]" and "[key] value" lines."""
        export = r"C:\staging\registry.reg"
        cls.reg("export", r"HKLM\SOFTWARE", export, "/y")
        with open(cls.wine.unix_path(export), "rb") as handle:
            text = handle.read().decode("utf-16")
        os.remove(cls.wine.unix_path(export))
        lines, key = set(), None
        for line in text.replace("\\\r\n  ", "").splitlines():
            if line.startswith("["):
                key = line
                lines.add(key)
            elif line.strip() and key:
                lines.add(key + " " + line)
        return {line for line in lines if not line.startswith(WINE_OWN_KEYS)}

    def stage_policy(self, policy, signature=None):
        """C:\\staging\\policy.json (the POLICYFILE of the tests), with or without a .sig."""
        with open(self.wine.unix_path(r"C:\staging\policy.json"), "wb") as handle:
            handle.write(policy)
        sig = self.wine.unix_path(r"C:\staging\policy.json.sig")
        if signature is None:
            if os.path.exists(sig):
                os.remove(sig)
        else:
            with open(sig, "wb") as handle:
                handle.write(signature)
        return r"C:\staging\policy.json"

    def msiexec(self, *args):
        return self.wine.run("msiexec", *args, "/qn", timeout=600)

    def install(self, msi=None, **properties):
        done = self.msiexec("/i", msi or self.msi, *[f"{k}={v}" for k, v in properties.items()])
        self.assertEqual(done.returncode, 0, done.stderr)

    def uninstall(self):
        done = self.msiexec("/x", self.msi)
        self.assertEqual(done.returncode, 0, done.stderr)

    def installed(self, *parts):
        return self.wine.unix_path("\\".join((INSTALL_DIR,) + parts))

    def assert_removed_exactly_what_it_added(self):
        """After an uninstall: HKLM\\SOFTWARE as before the first install, but for our own stale
        32-bit registration (and its then empty parent keys), which the MSI wrote over and then
        removed with the product."""
        now = self.registry()
        stale_key = "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Wow6432Node\\" + NM_KEY.split("\\", 2)[2] + "]"
        stale = {line for line in self.baseline - now
                 if line.startswith(stale_key) or (line.endswith("]") and stale_key.startswith(line[:-1] + "\\"))}
        self.assertEqual(sorted(now - self.baseline), [], "left behind")
        self.assertEqual(sorted(self.baseline - now - stale), [], "removed although not ours")
        self.assertIsNone(self.values(NM_KEY, view=32))
        for key, name, kind, data in PRE_EXISTING:
            self.assertEqual(self.values(key).get(name), (kind, "0x1" if kind == "REG_DWORD" else data), key)

    def lookup_like_thunderbird(self):
        """Gecko's _winLookup (NativeManifests.sys.mjs): HKCU 64-bit view, then HKLM 32-bit, then
        HKLM 64-bit; the first default value names the manifest."""
        for root, view in (("HKCU", 64), ("HKLM", 32), ("HKLM", 64)):
            found = self.values(NM_KEY.replace("HKLM", root, 1), view=view)
            if found and found.get("", (None, ""))[1]:
                return found[""][1]
        return None

    def launch_like_thunderbird(self, request):
        """NativeMessaging.sys.mjs: the manifest's path (relative: joined to the manifest's
        folder, Windows only), argv = [manifest path, extension id], cwd = the exe's folder."""
        manifest_path = self.lookup_like_thunderbird()
        self.assertIsNotNone(manifest_path)
        with open(self.wine.unix_path(manifest_path), encoding="utf-8") as handle:
            manifest = json.load(handle)
        command = manifest["path"].replace("/", "\\")
        if not re.match(r"^[A-Za-z]:\\", command):
            command = manifest_path.rsplit("\\", 1)[0] + "\\" + command
        body = json.dumps(request).encode("utf-8")
        done = self.wine.run(command, manifest_path, EXTENSION_ID, input=struct.pack("<I", len(body)) + body,
                             cwd=os.path.dirname(self.wine.unix_path(command)))
        self.assertEqual(done.returncode, 0, done.stderr)
        (length,) = struct.unpack("<I", done.stdout[:4])
        self.assertEqual(len(done.stdout), 4 + length)
        return manifest_path, manifest, command, json.loads(done.stdout[4:])

    # --- tests ---------------------------------------------------------------------------------

    def test_default_install_registers_the_host_and_nothing_of_thunderbirds_policy(self):
        self.install()
        try:
            for name in ("bccshield-host.exe", HOST_NAME + ".json", "bccshield.xpi", "THIRD-PARTY-NOTICES.txt"):
                self.assertTrue(os.path.isfile(self.installed(name)), name)
            self.assertEqual(os.listdir(self.installed("policy")), [])
            with open(self.installed("bccshield.xpi"), "rb") as installed, open(XPI, "rb") as built:
                self.assertEqual(installed.read(), built.read())

            manifest_file = INSTALL_DIR + "\\" + HOST_NAME + ".json"
            self.assertEqual(self.values(NM_KEY), {"": ("REG_SZ", manifest_file)})
            # The stale 32-bit entry, which Thunderbird would read before the 64-bit one, is ours now.
            self.assertEqual(self.values(NM_KEY, view=32), {"": ("REG_SZ", manifest_file)})
            manifest_path, manifest, command, reply = self.launch_like_thunderbird(
                {"protocolVersion": 2, "id": 1, "type": "hello"})
            self.assertEqual(manifest_path, manifest_file)
            self.assertEqual(manifest, {"name": HOST_NAME, "description": identity("BCCSHIELD_HOST_DESCRIPTION"),
                                        "path": "bccshield-host.exe", "type": "stdio",
                                        "allowed_extensions": [EXTENSION_ID]})
            self.assertEqual(command, INSTALL_DIR + r"\bccshield-host.exe")
            self.assertEqual(reply["id"], 1)
            self.assertEqual(reply["result"]["hostName"], HOST_NAME)
            self.assertEqual(reply["hostVersion"], VERSION)

            # Thunderbird's policy is left alone unless TBPOLICY=1 asks.
            self.assertIsNone(self.values(OUR_EXTENSION_SETTINGS))
            self.assertIsNone(self.values(OUR_3RDPARTY))
            self.assertIsNone(self.values(BCCSHIELD_POLICIES))
        finally:
            self.uninstall()
        self.assert_removed_exactly_what_it_added()
        self.assertFalse(os.path.exists(self.installed()))

    def test_properties_set_thunderbirds_policy_the_key_and_the_policy_file(self):
        policy = b'{"version": 1, "minExposedParties": 5}\n'
        signature = b"# a signature file\nc2lnbmF0dXJl\n"
        self.install(TBPOLICY="1", ONHOSTERROR="block", POLICYKEY=POLICY_KEY,
                     POLICYFILE=self.stage_policy(policy, signature))
        try:
            settings = self.values(OUR_EXTENSION_SETTINGS)
            self.assertEqual(settings["installation_mode"], ("REG_SZ", "force_installed"))
            url = urllib.parse.urlparse(settings["install_url"][1])
            self.assertEqual(url.scheme, "file")
            xpi_path = urllib.parse.unquote(url.path).lstrip("/").replace("/", "\\")
            self.assertEqual(xpi_path, INSTALL_DIR + r"\bccshield.xpi")
            self.assertTrue(os.path.isfile(self.wine.unix_path(xpi_path)))
            self.assertEqual(self.values(OUR_3RDPARTY), {"engine": ("REG_SZ", "host"),
                                                         "onHostError": ("REG_SZ", "block")})
            self.assertIsNone(self.values(BCCSHIELD_POLICIES))
            with open(self.installed("policy", "policy.pub"), "rb") as handle:
                self.assertEqual(handle.read().decode("ascii").strip(), POLICY_KEY)
            # The organisation's own policies are still there, next to ours.
            for key, name, kind, data in PRE_EXISTING:
                self.assertEqual(self.values(key)[name][0], kind, key)
            with open(self.installed("policy", "policy.json"), "rb") as handle:
                self.assertEqual(handle.read(), policy)
            with open(self.installed("policy", "policy.json.sig"), "rb") as handle:
                self.assertEqual(handle.read(), signature)
        finally:
            self.uninstall()
        self.assert_removed_exactly_what_it_added()
        # The admin's policy files are theirs: the uninstall leaves them (ADMIN.md says so).
        self.assertEqual(sorted(os.listdir(self.installed("policy"))), ["policy.json", "policy.json.sig", "policy.pub"])
        shutil.rmtree(self.installed())

    def test_the_installed_host_reads_the_policy_file_the_msi_copied(self):
        self.install(POLICYFILE=self.stage_policy(b'{"version": 1}\n'))
        try:
            reply = self.launch_like_thunderbird({"protocolVersion": 2, "id": 2, "type": "hello"})[3]
            self.assertEqual(reply["policy"]["status"], "ok", reply)
            self.assertEqual(reply["policy"]["source"].lower(), (POLICY_DIR + r"\policy.json").lower())
        finally:
            self.uninstall()
            shutil.rmtree(self.installed(), ignore_errors=True)
        self.assert_removed_exactly_what_it_added()

    def test_a_policy_key_given_to_the_msi_makes_the_host_require_a_signature(self):
        self.install(POLICYKEY=POLICY_KEY, POLICYFILE=self.stage_policy(b'{"version": 1}\n'))
        try:
            reply = self.launch_like_thunderbird({"protocolVersion": 2, "id": 3, "type": "hello"})[3]
            # policy.pub is installed, the policy is not signed: the strict state (PROTOCOL.md,
            # `status`), every rule blocks.
            self.assertEqual(reply["policy"]["status"], "strict", reply)
            self.assertEqual(reply["policy"]["strictestAction"], "block", reply)
            self.assertEqual(reply["policy"]["error"]["code"], 303, reply)
            # ... because the signature is missing, not because the key file is unreadable.
            self.assertIn("not signed", reply["policy"]["error"]["message"], reply)
        finally:
            self.uninstall()
            shutil.rmtree(self.installed(), ignore_errors=True)
        self.assert_removed_exactly_what_it_added()

    def test_upgrade_keeps_the_admins_policy_files_and_the_settings(self):
        self.install(self.older_msi, TBPOLICY="1", ONHOSTERROR="allow", POLICYKEY=POLICY_KEY,
                     XPIURL=INTRANET_XPI, POLICYFILE=self.stage_policy(b'{"version": 1}\n'))
        # The admin then edits the policy in place and adds an audit secret.
        edited = b'{"version": 1, "internalDomains": ["ville-exemple.fr"]}\n'
        with open(self.installed("policy", "policy.json"), "wb") as handle:
            handle.write(edited)
        with open(self.installed("policy", "audit.key"), "wb") as handle:
            handle.write(b"# audit secret\n" + POLICY_KEY.encode() + b"\n")
        self.install()  # the current version, no properties: a plain upgrade
        try:
            with open(self.installed("policy", "policy.json"), "rb") as handle:
                self.assertEqual(handle.read(), edited)
            self.assertTrue(os.path.isfile(self.installed("policy", "audit.key")))
            with open(self.installed("policy", "policy.pub"), "rb") as handle:
                self.assertEqual(handle.read().decode("ascii").strip(), POLICY_KEY)
            # What the first install was given is remembered.
            self.assertEqual(self.values(OUR_EXTENSION_SETTINGS), {"installation_mode": ("REG_SZ", "force_installed"),
                                                                   "install_url": ("REG_SZ", INTRANET_XPI)})
            self.assertEqual(self.values(OUR_3RDPARTY), {"engine": ("REG_SZ", "host"),
                                                         "onHostError": ("REG_SZ", "allow")})
            # One product, the new one.
            products = self.reg("query", r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall",
                                "/s").stdout.decode("utf-8", "replace").replace("\r", "")
            entries = [entry for entry in products.split("\n\n") if re.search(r"DisplayName\s+REG_SZ\s+BccShield$", entry, re.M)]
            self.assertEqual(len(entries), 1, products)
            self.assertRegex(entries[0], re.compile(r"DisplayVersion\s+REG_SZ\s+%s$" % re.escape(VERSION), re.M))
            # A downgrade is refused and changes nothing.
            done = self.msiexec("/i", self.older_msi)
            self.assertNotEqual(done.returncode, 0)
            self.assertTrue(os.path.isfile(self.installed("bccshield-host.exe")))
        finally:
            self.uninstall()
        self.assert_removed_exactly_what_it_added()
        self.assertEqual(sorted(os.listdir(self.installed("policy"))), ["audit.key", "policy.json", "policy.pub"])
        shutil.rmtree(self.installed())

    def test_tbpolicy_0_on_an_upgrade_turns_thunderbirds_policy_off(self):
        self.install(self.older_msi, TBPOLICY="1", POLICYKEY=POLICY_KEY)
        self.assertIsNotNone(self.values(OUR_EXTENSION_SETTINGS))
        self.install(TBPOLICY="0")
        try:
            self.assertIsNone(self.values(OUR_EXTENSION_SETTINGS))
            self.assertIsNone(self.values(OUR_3RDPARTY))
            self.assertTrue(os.path.isfile(self.installed("policy", "policy.pub")))
            for key, name, kind, data in PRE_EXISTING:
                self.assertEqual(self.values(key)[name][0], kind, key)
        finally:
            self.uninstall()
        self.assert_removed_exactly_what_it_added()
        self.assertEqual(os.listdir(self.installed("policy")), ["policy.pub"])
        shutil.rmtree(self.installed())

    def test_a_mistyped_property_installs_nothing(self):
        # A POLICYFILE that does not exist fails the copy, and the install is rolled back.
        for properties in ({"ONHOSTERROR": "blok"}, {"TBPOLICY": "yes"}, {"POLICYFILE": r"C:\staging\missing.json"}):
            done = self.msiexec("/i", self.msi, *[f"{k}={v}" for k, v in properties.items()])
            # ERROR_INSTALL_FAILURE (Wine's msi says ERROR_FUNCTION_FAILED for the failed copy);
            # through Wine, a Unix exit status keeps its low 8 bits.
            self.assertIn(done.returncode, (1603, 1627, 1603 & 0xFF, 1627 & 0xFF), properties)
            self.assertFalse(os.path.exists(self.installed()), properties)
        self.assertEqual(sorted(self.registry() ^ self.baseline), [])


if __name__ == "__main__":
    unittest.main()
