"""`bccshield-host policy thunderbird add|remove`: BccShield's force-install entry goes into
Thunderbird's policies.json and exactly that entry comes back out; every other policy keeps its
meaning (and its key order)."""
import json
import os
import unittest

from install_support import Scratch

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
        self.assertEqual(self.load(), {"policies": {"ExtensionSettings": {"bccshield@bccshield.org": ENTRY}}})
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


if __name__ == "__main__":
    unittest.main()
