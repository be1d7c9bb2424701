"""Signed policy: keygen -> sign -> verify passes; one changed byte, a wrong key, a missing or
garbled signature, an unreadable policy -> refused with an error naming the file and the reason,
the built-in default policy applies, and the check reply says so."""
import json
import os
import unittest

from install_support import Scratch, check_request

POLICY = {"version": 1, "internalDomains": ["tourism.example"], "minExposedParties": 3,
          "rules": {"exposed-parties": {"action": "block"}}}
PEOPLE = [f"Person {i} <person{i}@gmail.com>" for i in range(5)]  # 5 parties: block under the policy


class PolicySigning(unittest.TestCase):
    def setUp(self):
        self.s = Scratch("bccshield-sign-")
        code, out, err = self.s.host("policy", "keygen", "--secret-key", self.s.path("it.key"),
                                     "--public-key", self.s.path("policy.pub"))
        self.assertEqual(code, 0, err)
        self.assertIn("key id", out.decode())
        self.policy = self.s.write("etc/policy.json", json.dumps(POLICY, indent=2) + "\n")
        code, out, err = self.s.host("policy", "sign", "--secret-key", self.s.path("it.key"), self.policy)
        self.assertEqual(code, 0, err)
        self.env = {"BCCSHIELD_POLICY": self.policy, "BCCSHIELD_POLICY_KEY": self.s.path("policy.pub")}

    def tearDown(self):
        self.s.cleanup()

    def reply(self):
        code, replies, err = self.s.serve(check_request(PEOPLE), env=self.env)
        self.assertEqual(code, 0, err)
        return replies[0], err

    def assert_refused(self, reason_part):
        reply, err = self.reply()
        policy = reply["policy"]
        self.assertEqual(policy["status"], "error", policy)
        self.assertEqual(policy["error"]["file"], self.policy)
        self.assertIn(reason_part, policy["error"]["message"])
        self.assertIn(self.policy, policy["error"]["message"] + policy["error"]["file"])
        self.assertFalse(policy["signed"])
        # The built-in default applies: 5 parties < 8 -> allow (the signed policy would block).
        self.assertEqual(reply["result"]["decision"], "allow")
        self.assertIn("policy refused, built-in defaults apply", err)
        return policy

    def test_key_files_modes(self):
        self.assertEqual(os.stat(self.s.path("it.key")).st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(self.s.path("policy.pub")).st_mode & 0o777, 0o644)
        code, _, err = self.s.host("policy", "keygen", "--secret-key", self.s.path("it.key"),
                                   "--public-key", self.s.path("other.pub"))
        self.assertEqual(code, 2)
        self.assertIn("never overwrites", err)

    def test_signed_policy_verifies_and_applies(self):
        code, out, err = self.s.host("policy", "verify", "--public-key", self.s.path("policy.pub"), self.policy)
        self.assertEqual(code, 0, err)
        self.assertIn("signature valid", out.decode())
        code, _, err = self.s.host("policy", "verify", self.policy, env=self.env)  # key from the environment
        self.assertEqual(code, 0, err)
        reply, _ = self.reply()
        self.assertEqual(reply["policy"], {"status": "ok", "source": self.policy, "signed": True})
        self.assertEqual(reply["result"]["decision"], "block")
        code, out, _ = self.s.host("policy", "status", env=self.env)
        self.assertEqual(json.loads(out)["signed"], True)

    def test_one_changed_byte_is_refused(self):
        data = bytearray(self.s.read("etc/policy.json"))
        data[data.index(b"3")] = ord("4")  # minExposedParties 3 -> 4: still valid JSON
        self.s.write("etc/policy.json", bytes(data))
        code, _, err = self.s.host("policy", "verify", "--public-key", self.s.path("policy.pub"), self.policy)
        self.assertEqual(code, 1)
        self.assertIn("REFUSED", err)
        self.assertIn("does not match its content", err)
        self.assert_refused("does not match its content")

    def test_wrong_key_is_refused(self):
        self.s.host("policy", "keygen", "--secret-key", self.s.path("other.key"), "--public-key", self.s.path("other.pub"))
        self.env["BCCSHIELD_POLICY_KEY"] = self.s.path("other.pub")
        code, _, err = self.s.host("policy", "verify", self.policy, env=self.env)
        self.assertEqual(code, 1)
        policy = self.assert_refused("signed with another key")
        self.assertEqual(policy["error"]["code"], 303)

    def test_missing_signature_is_refused(self):
        os.remove(self.policy + ".sig")
        policy = self.assert_refused("is not signed")
        self.assertEqual(policy["error"]["code"], 303)
        self.assertIn(".sig is missing", policy["error"]["message"])

    def test_garbled_signature_is_refused(self):
        self.s.write("etc/policy.json.sig", "# comment\nnot base64!\n")
        self.assert_refused("not a valid Ed25519 signature")

    def test_unreadable_policy_is_refused(self):
        if os.geteuid() == 0:
            os.remove(self.policy)  # root reads any file: a missing one, and a folder, cannot be read
            policy = self.assert_refused("does not exist")
            self.assertEqual(policy["error"]["code"], 301)
            os.mkdir(self.policy)
            policy = self.assert_refused("cannot read the policy file")
        else:
            os.chmod(self.policy, 0)
            policy = self.assert_refused("cannot")
        self.assertEqual(policy["error"]["code"], 301)

    def test_sign_refuses_an_invalid_policy(self):
        bad = self.s.write("bad.json", '{"minExposedParty": 3}')
        code, _, err = self.s.host("policy", "sign", "--secret-key", self.s.path("it.key"), bad)
        self.assertEqual(code, 1)
        self.assertIn("invalid", err)
        self.assertFalse(os.path.exists(bad + ".sig"))

    def test_validate_still_works(self):
        code, out, _ = self.s.host("policy", "validate", self.policy)
        self.assertEqual(code, 0)
        self.assertIn("valid policy", out.decode())


if __name__ == "__main__":
    unittest.main()
