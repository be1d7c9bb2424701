"""Per-user install without root: installer/unix/install-user.sh and uninstall-user.sh with a
scratch HOME. Thunderbird's way of starting the host is replayed through the manifest."""
import json
import os
import subprocess
import unittest

from install_support import HOST, SOURCE_DIR, XPI, Scratch, ensure_built, frame, unframe_all

SCRIPTS = os.path.join(SOURCE_DIR, "installer", "unix")
SYSTEM_MANIFEST_DIRS = ("/usr/lib/mozilla/native-messaging-hosts", "/usr/lib64/mozilla/native-messaging-hosts")


class UserInstall(unittest.TestCase):
    def setUp(self):
        ensure_built()
        self.s = Scratch("bccshield-user-")
        self.env = {"PATH": "/usr/bin:/bin", "HOME": self.s.home, "LANG": "C.UTF-8"}
        self.manifest = os.path.join(self.s.home, ".mozilla", "native-messaging-hosts", "org.bccshield.host.json")

    def tearDown(self):
        self.s.cleanup()

    def system_manifest_dirs(self, with_manifest=False):
        """Gecko's system manifest folders, seen by the script as scratch ones (empty, or with the
        package's manifest): private_machine.py binds them, the real /usr is never written."""
        binds = {}
        for index, target in enumerate(SYSTEM_MANIFEST_DIRS):
            source = self.s.path(f"system-manifests-{index}")
            os.makedirs(source, exist_ok=True)
            if with_manifest and index == len(SYSTEM_MANIFEST_DIRS) - 1:
                with open(os.path.join(source, "org.bccshield.host.json"), "w", encoding="utf-8") as handle:
                    handle.write('{"name": "org.bccshield.host", "path": "/usr/bin/bccshield-host"}')
            binds[target] = source
        return binds

    def run_script(self, name, *args, system_manifest=False, expect=0):
        command = ["sh", os.path.join(SCRIPTS, name), *args]
        command = self.s.machine.command(command, binds=self.system_manifest_dirs(system_manifest))
        proc = subprocess.run(command, capture_output=True, text=True, env=self.env, timeout=120)
        self.assertEqual(proc.returncode, expect, proc.stdout + proc.stderr)
        return proc.stdout + proc.stderr

    def test_refuses_when_a_system_manifest_exists(self):
        out = self.run_script("install-user.sh", "--host", HOST, "--xpi", XPI, system_manifest=True, expect=3)
        self.assertIn("refused", out)
        self.assertIn("/usr/lib64/mozilla/native-messaging-hosts/org.bccshield.host.json", out)
        self.assertIn("shadow", out)
        self.assertIn("stale", out)
        self.assertEqual(self.files(), [])  # nothing written under HOME

    def files(self):
        found = []
        for root, _, names in os.walk(self.s.home):
            found += [os.path.relpath(os.path.join(root, n), self.s.home) for n in names]
        return sorted(found)

    def test_install_use_uninstall(self):
        out = self.run_script("install-user.sh", "--host", HOST, "--xpi", XPI)
        self.assertIn("Install Add-on From File", out)
        with open(self.manifest, encoding="utf-8") as handle:
            manifest = json.load(handle)
        host = os.path.join(self.s.home, ".local", "lib", "bccshield", "bccshield-host")
        self.assertEqual(manifest["path"], host)
        self.assertEqual(manifest["allowed_extensions"], ["bccshield@bccshield.org"])
        key = os.path.join(self.s.home, ".config", "bccshield", "audit.key")
        if not os.path.exists("/etc/bccshield/audit.key"):
            self.assertEqual(os.stat(key).st_mode & 0o777, 0o600)
        # What Thunderbird does: start `path` with the manifest path and the extension id.
        proc = subprocess.run([manifest["path"], self.manifest, "bccshield@bccshield.org"],
                              input=frame({"type": "hello", "id": 1}), capture_output=True, env=self.env,
                              cwd=os.path.dirname(host), timeout=60)
        self.assertEqual(unframe_all(proc.stdout)[0]["result"]["hostName"], "org.bccshield.host")
        # Uninstall keeps the audit key and log unless --purge.
        self.run_script("uninstall-user.sh")
        left = self.files()
        self.assertFalse(os.path.exists(self.manifest))
        self.assertFalse(os.path.exists(host))
        self.assertFalse(any("bccshield.xpi" in f for f in left), left)
        if not os.path.exists("/etc/bccshield/audit.key"):
            self.assertEqual(left, [".config/bccshield/audit.key"])
            self.run_script("install-user.sh", "--host", HOST, "--xpi", XPI)
            self.run_script("uninstall-user.sh", "--purge")
            self.assertEqual(self.files(), [])


if __name__ == "__main__":
    unittest.main()
