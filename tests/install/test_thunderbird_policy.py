"""`bccshield-host policy thunderbird add|remove`: BccShield's force-install entry goes into
Thunderbird's policies.json and exactly that entry comes back out; every other policy keeps its
meaning (and its key order)."""
import json
import os
import subprocess
import unittest

from install_support import HOST, Scratch

URL = "file:///usr/share/bccshield/bccshield.xpi"
ENTRY = {"installation_mode": "force_installed", "install_url": URL}
OTHER = {"policies": {
    "DisableTelemetry": True,
    "ExtensionSettings": {"*": {"blocked_install_message": "Ask IT"},
                          "other@example.org": {"installation_mode": "normal_installed",
                                                "install_url": "https://example.org/o.xpi"}},
    "Preferences": {"mail.compose.warn_public_recipients.threshold": {"Value": 10, "Status": "locked"}},
    "3rdparty": {"Extensions": {"bccshield@bccshield.org": {"onHostError": "block"}}}}}


class ThunderbirdPolicy(unittest.TestCase):
    def setUp(self):
        self.s = Scratch("bccshield-tbpolicy-")
        self.file = self.s.path("etc", "thunderbird", "policies", "policies.json")
        self.state = self.s.path("var", "lib", "bccshield", "thunderbird-policy.json")

    def tearDown(self):
        self.s.cleanup()

    def tool(self, action, *extra, state=True):
        args = ["policy", "thunderbird", action, "--file", self.file]
        if action == "add":
            args += ["--xpi-url", URL]
        if state:
            args += ["--state", self.state]
        code, out, err = self.s.host(*args, *extra)
        return code, out.decode() + err

    def write_policies(self, document, raw=None):
        os.makedirs(os.path.dirname(self.file), exist_ok=True)
        with open(self.file, "w", encoding="utf-8") as handle:
            handle.write(raw if raw is not None else json.dumps(document, indent=4))
        os.chmod(self.file, 0o640)

    def load(self):
        with open(self.file, encoding="utf-8") as handle:
            return json.load(handle)

    def assert_same_meaning_and_order(self, expected):
        actual = self.load()
        self.assertEqual(actual, expected)
        self.assertEqual(json.dumps(actual), json.dumps(expected))  # same key order too

    def test_merge_keeps_every_other_policy_and_remove_restores_it(self):
        self.write_policies(OTHER)
        code, out = self.tool("add")
        self.assertEqual(code, 0, out)
        merged = self.load()
        self.assertEqual(merged["policies"]["ExtensionSettings"]["bccshield@bccshield.org"], ENTRY)
        del merged["policies"]["ExtensionSettings"]["bccshield@bccshield.org"]
        managed = merged["policies"]["3rdparty"]["Extensions"]["bccshield@bccshield.org"]
        self.assertEqual(managed.pop("engine"), "host", "the packaged host is locked in (issue 9)")
        self.assertEqual(merged, OTHER)
        self.assertEqual(os.stat(self.file).st_mode & 0o777, 0o640, "the file's mode is kept")
        code, out = self.tool("add")  # an upgrade runs postinst again
        self.assertEqual(code, 0, out)
        code, out = self.tool("remove")
        self.assertEqual(code, 0, out)
        self.assert_same_meaning_and_order(OTHER)
        self.assertFalse(os.path.exists(self.state))

    def test_without_extension_settings_remove_leaves_none(self):
        document = {"policies": {"DisableAppUpdate": True}}
        self.write_policies(document)
        self.assertEqual(self.tool("add")[0], 0)
        self.assertIn("ExtensionSettings", self.load()["policies"])
        self.assertEqual(self.tool("remove")[0], 0)
        self.assert_same_meaning_and_order(document)

    def test_no_file_no_folder_created_then_removed(self):
        self.assertEqual(self.tool("add")[0], 0)
        self.assertEqual(self.load(), {"policies": {"ExtensionSettings": {"bccshield@bccshield.org": ENTRY},
                                                    "3rdparty": {"Extensions": {"bccshield@bccshield.org": {"engine": "host"}}}}})
        self.assertEqual(self.tool("remove")[0], 0)
        self.assertFalse(os.path.exists(self.file))
        self.assertFalse(os.path.exists(os.path.dirname(self.file)))

    def test_admins_own_entry_comes_back(self):
        own = {"policies": {"ExtensionSettings": {"bccshield@bccshield.org": {"installation_mode": "blocked"}}}}
        self.write_policies(own)
        self.assertEqual(self.tool("add")[0], 0)
        self.assertEqual(self.load()["policies"]["ExtensionSettings"]["bccshield@bccshield.org"], ENTRY)
        self.assertEqual(self.tool("remove")[0], 0)
        self.assert_same_meaning_and_order(own)

    def test_invalid_json_is_left_untouched(self):
        raw = '{"policies": {"DisableTelemetry": true,}}'
        self.write_policies(None, raw=raw)
        code, out = self.tool("add")
        self.assertEqual(code, 1)
        self.assertIn(self.file, out)
        self.assertIn("not valid JSON", out)
        with open(self.file, encoding="utf-8") as handle:
            self.assertEqual(handle.read(), raw)

    def test_remove_without_state(self):
        self.write_policies(OTHER)
        self.assertEqual(self.tool("add", state=False)[0], 0)
        self.assertEqual(self.tool("remove", state=False)[0], 0)
        self.assert_same_meaning_and_order(OTHER)

    def test_remove_when_absent_is_fine(self):
        self.write_policies(OTHER)
        code, out = self.tool("remove")
        self.assertEqual(code, 0, out)
        self.assertIn("nothing to remove", out)
        self.assert_same_meaning_and_order(OTHER)

    def test_lock_on_host_error_is_set_and_taken_back(self):
        self.write_policies(OTHER)  # the admin already set onHostError: block by hand
        code, out = self.tool("add", "--lock-on-host-error", "ask")
        self.assertEqual(code, 0, out)
        self.assertEqual(self.load()["policies"]["3rdparty"]["Extensions"]["bccshield@bccshield.org"],
                         {"onHostError": "ask", "engine": "host"})
        self.assertEqual(self.tool("remove")[0], 0)
        self.assert_same_meaning_and_order(OTHER)  # the admin's own value is back

    def test_lock_created_then_dropped_when_no_longer_asked(self):
        self.write_policies({"policies": {"DisableAppUpdate": True}})
        self.assertEqual(self.tool("add", "--lock-on-host-error", "block")[0], 0)
        self.assertEqual(self.load()["policies"]["3rdparty"],
                         {"Extensions": {"bccshield@bccshield.org": {"engine": "host", "onHostError": "block"}}})
        self.assertEqual(self.tool("add")[0], 0)  # an upgrade after the admin removed the setting
        self.assertEqual(self.load()["policies"]["3rdparty"],
                         {"Extensions": {"bccshield@bccshield.org": {"engine": "host"}}})
        self.assertEqual(self.tool("add", "--lock-on-host-error", "block")[0], 0)
        self.assertEqual(self.tool("remove")[0], 0)
        self.assert_same_meaning_and_order({"policies": {"DisableAppUpdate": True}})
        code, out = self.tool("add", "--lock-on-host-error", "allow")
        self.assertEqual(code, 2, out)
        self.assertIn("block or ask", out)


@unittest.skipUnless(os.geteuid() == 0, "the root-only refusals need root")
class ThunderbirdPolicyAsRoot(unittest.TestCase):
    """Run as root on a folder a user can reach: no file outside policies.json is ever written
    or chmod-ed, and a folder or file a user can write is refused."""

    def setUp(self):
        self.s = Scratch("bccshield-tbroot-")
        self.folder = self.s.path("policies")
        os.makedirs(self.folder, mode=0o755)
        os.chmod(self.folder, 0o755)
        self.file = os.path.join(self.folder, "policies.json")
        with open(self.file, "w", encoding="utf-8") as handle:
            json.dump({"policies": {"DisableTelemetry": True}}, handle)
        os.chmod(self.file, 0o644)

    def tearDown(self):
        self.s.cleanup()

    def add(self, *extra):
        code, out, err = self.s.host("policy", "thunderbird", "add", "--file", self.file, "--xpi-url", URL, *extra)
        return code, out.decode() + err

    def test_symlink_at_the_old_temporary_name_is_not_followed(self):
        victim = self.s.write("victim", "root's secret\n", mode=0o600)
        os.symlink(victim, self.file + ".bccshield-tmp")  # the fixed name the old code wrote through
        os.chmod(self.file, 0o644)
        code, out = self.add()
        self.assertEqual(code, 0, out)
        self.assertEqual(self.s.read("victim"), b"root's secret\n")
        self.assertEqual(os.stat(victim).st_mode & 0o777, 0o600)
        self.assertFalse(os.path.islink(self.file))
        with open(self.file, encoding="utf-8") as handle:
            self.assertIn("bccshield@bccshield.org", json.load(handle)["policies"]["ExtensionSettings"])
        self.assertEqual(sorted(os.listdir(self.folder)), ["policies.json", "policies.json.bccshield-tmp"])

    def test_user_writable_folder_or_file_is_refused(self):
        before = self.s.read("policies/policies.json")
        os.chmod(self.folder, 0o777)
        code, out = self.add()
        self.assertEqual(code, 1, out)
        self.assertIn("refusing to edit", out)
        self.assertIn("writable by users other than root", out)
        os.chmod(self.folder, 0o755)
        os.chown(self.file, 65534, 65534)  # nobody
        code, out = self.add()
        self.assertEqual(code, 1, out)
        self.assertIn("is not owned by root", out)
        self.assertEqual(self.s.read("policies/policies.json"), before)

    def test_policies_file_as_symlink_is_refused(self):
        real = self.s.write("real.json", '{"policies": {}}', mode=0o644)
        os.unlink(self.file)
        os.symlink(real, self.file)
        code, out = self.add()
        self.assertEqual(code, 1, out)
        self.assertIn("symbolic link", out)
        self.assertEqual(self.s.read("real.json"), b'{"policies": {}}')

    def test_mode_and_group_are_kept(self):
        os.chown(self.file, 0, 4)
        os.chmod(self.file, 0o640)
        self.assertEqual(self.add()[0], 0)
        info = os.stat(self.file)
        self.assertEqual((info.st_mode & 0o777, info.st_uid, info.st_gid), (0o640, 0, 4))

    def test_concurrent_runs_lose_no_entry(self):
        ids = [f"other{i}@example.org" for i in range(12)]
        procs = [subprocess.Popen([HOST, "policy", "thunderbird", "add", "--file", self.file, "--xpi-url", URL,
                                   "--extension-id", ext], env=self.s.env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for ext in ids]
        for proc in procs:
            proc.communicate(timeout=120)
            self.assertEqual(proc.returncode, 0)
        with open(self.file, encoding="utf-8") as handle:
            settings = json.load(handle)["policies"]["ExtensionSettings"]
        self.assertEqual(sorted(settings), sorted(ids))
        self.assertEqual(os.listdir(self.folder), ["policies.json"], "no temporary file left behind")


if __name__ == "__main__":
    unittest.main()
