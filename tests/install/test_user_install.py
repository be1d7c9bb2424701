"""Per-user install without root: installer/unix/install-user.sh and uninstall-user.sh with a
scratch HOME. Thunderbird's way of starting the host is replayed through the manifest."""
import json
import os
import subprocess
import unittest

from install_support import HOST, SOURCE_DIR, XPI, Scratch, ensure_built, frame, unframe_all

SCRIPTS = os.path.join(SOURCE_DIR, "installer", "unix")


class UserInstall(unittest.TestCase):
    def setUp(self):
        ensure_built()
        self.s = Scratch("bccshield-user-")
        self.env = {"PATH": "/usr/bin:/bin", "HOME": self.s.home, "LANG": "C.UTF-8"}
        self.manifest = os.path.join(self.s.home, ".mozilla", "native-messaging-hosts", "org.bccshield.host.json")

    def tearDown(self):
        self.s.cleanup()

    def run_script(self, name, *args):
        proc = subprocess.run(["sh", os.path.join(SCRIPTS, name), *args], capture_output=True, text=True,
                              env=self.env, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        return proc.stdout

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
