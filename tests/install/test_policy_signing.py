"""Signed policy: keygen -> sign -> verify passes; one changed byte, a wrong key, a missing or
garbled signature, an unreadable policy -> refused with an error naming the file and the reason;
with a key installed the strict state applies (every rule blocks: issue 11, 7), and the check
reply says so. The host serves with the test's own /etc/bccshield (private_machine.py): the
policy and key are machine files, not environment overrides (serve mode ignores those)."""
import base64
import json
import os
import subprocess
import unittest

from install_support import HOST, Scratch, check_request

POLICY = {"version": 1, "internalDomains": ["tourism.example"], "minExposedParties": 3,
          "rules": {"exposed-parties": {"action": "block"}}}
PEOPLE = [f"Person {i} <person{i}@gmail.com>" for i in range(5)]  # 5 parties: block under the policy
CROWD = [f"Person {i} <person{i}@gmail.com>" for i in range(9)]  # 9 parties: warn by default


class PolicySigning(unittest.TestCase):
    def setUp(self):
        self.s = Scratch("bccshield-sign-", allow_overrides=False)
        code, out, err = self.s.host("policy", "keygen", "--secret-key", self.s.path("it.key"),
                                     "--public-key", self.s.path("policy.pub"))
        self.assertEqual(code, 0, err)
        self.assertIn("key id", out.decode())
        self.key_id = out.decode().rsplit("key id ", 1)[1].strip()
        self.machine = self.s.machine
        with open(self.s.path("policy.pub"), "rb") as handle:
            self.machine.write("policy.pub", handle.read())
        # Its real path; the host sees it as /etc/bccshield/policy.json.
        self.real_policy = self.machine.write("policy.json", json.dumps(POLICY, indent=2) + "\n")
        self.policy = "/etc/bccshield/policy.json"
        code, out, err = self.s.host("policy", "sign", "--secret-key", self.s.path("it.key"), self.real_policy)
        self.assertEqual(code, 0, err)
        self.env = {"BCCSHIELD_POLICY": self.real_policy, "BCCSHIELD_POLICY_KEY": self.s.path("policy.pub")}

    def tearDown(self):
        self.s.cleanup()

    def reply(self, people=PEOPLE):
        code, replies, err = self.s.serve(check_request(people))
        self.assertEqual(code, 0, err)
        return replies[0], err

    def assert_refused(self, reason_part):
        reply, err = self.reply(CROWD)
        policy = reply["policy"]
        self.assertEqual(policy["status"], "strict", policy)
        self.assertEqual(policy["error"]["file"], self.policy)
        self.assertIn(reason_part, policy["error"]["message"])
        self.assertIn(self.policy, policy["error"]["message"] + policy["error"]["file"])
        self.assertFalse(policy["signed"])
        self.assertIsNone(policy["keyId"])
        self.assertEqual(policy["strictestAction"], "block")
        # A key is installed: the strict state, not the built-in defaults (which only warn about
        # 9 parties): removing or spoiling the signature never weakens the guard.
        self.assertEqual(reply["result"]["decision"], "block")
        self.assertIn("policy refused, every rule blocks (strict state)", err)
        return policy

    def test_key_files_modes(self):
        self.assertEqual(os.stat(self.s.path("it.key")).st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(self.s.path("policy.pub")).st_mode & 0o777, 0o644)
        code, _, err = self.s.host("policy", "keygen", "--secret-key", self.s.path("it.key"),
                                   "--public-key", self.s.path("other.pub"))
        self.assertEqual(code, 2)
        self.assertIn("never overwrites", err)

    def test_signed_policy_verifies_and_applies(self):
        code, out, err = self.s.host("policy", "verify", "--public-key", self.s.path("policy.pub"),
                                     self.real_policy)
        self.assertEqual(code, 0, err)
        self.assertIn("signature valid", out.decode())
        code, _, err = self.s.host("policy", "verify", self.real_policy, env=self.env)  # the CLI keeps the env
        self.assertEqual(code, 0, err)
        reply, _ = self.reply()
        self.assertEqual(reply["policy"], {"status": "ok", "source": self.policy, "signed": True,
                                           "keyId": self.key_id, "serial": None, "notAfter": None,
                                           "strictestAction": "block"})
        self.assertEqual(reply["result"]["decision"], "block")
        code, out, _ = self.s.host("policy", "status", env=self.env)
        self.assertEqual(json.loads(out)["signed"], True)
        self.assertEqual(json.loads(out)["keyId"], self.key_id)

    def test_one_changed_byte_is_refused(self):
        with open(self.real_policy, "rb") as handle:
            data = bytearray(handle.read())
        data[data.index(b"3")] = ord("4")  # minExposedParties 3 -> 4: still valid JSON
        self.machine.write("policy.json", bytes(data))
        code, _, err = self.s.host("policy", "verify", "--public-key", self.s.path("policy.pub"), self.real_policy)
        self.assertEqual(code, 1)
        self.assertIn("REFUSED", err)
        self.assertIn("does not match its content", err)
        self.assert_refused("does not match its content")

    def test_wrong_key_is_refused(self):
        self.s.host("policy", "keygen", "--secret-key", self.s.path("other.key"), "--public-key", self.s.path("other.pub"))
        self.env["BCCSHIELD_POLICY_KEY"] = self.s.path("other.pub")
        code, _, err = self.s.host("policy", "verify", self.real_policy, env=self.env)
        self.assertEqual(code, 1)
        with open(self.s.path("other.pub"), "rb") as handle:
            self.machine.write("policy.pub", handle.read())
        policy = self.assert_refused("signed with another key")
        self.assertEqual(policy["error"]["code"], 303)

    def test_missing_signature_is_refused(self):
        os.remove(self.real_policy + ".sig")
        policy = self.assert_refused("is not signed")
        self.assertEqual(policy["error"]["code"], 303)
        self.assertIn(".sig is missing", policy["error"]["message"])

    def test_garbled_signature_is_refused(self):
        self.machine.write("policy.json.sig", "# comment\nnot base64!\n")
        self.assert_refused("not a valid Ed25519 signature")

    def test_unreadable_policy_is_refused(self):
        if os.geteuid() == 0:
            os.remove(self.real_policy)  # root reads any file: a missing one, and a folder, cannot be read
            policy = self.assert_refused("does not exist")
            self.assertEqual(policy["error"]["code"], 301)
            os.mkdir(self.real_policy)
            policy = self.assert_refused("cannot read the policy file")
        else:
            os.chmod(self.real_policy, 0)
            policy = self.assert_refused("cannot")
        self.assertEqual(policy["error"]["code"], 301)

    def test_sign_refuses_an_invalid_policy(self):
        bad = self.s.write("bad.json", '{"minExposedParty": 3}')
        code, _, err = self.s.host("policy", "sign", "--secret-key", self.s.path("it.key"), bad)
        self.assertEqual(code, 1)
        self.assertIn("invalid", err)
        self.assertFalse(os.path.exists(bad + ".sig"))

    # ----- issue 11: domain separation (8), rollback and expiry (6), policy install ----------
    def sign_in_python(self, message):
        """An Ed25519 signature of `message` with it.key, outside the host (cryptography)."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        with open(self.s.path("it.key"), encoding="ascii") as handle:
            line = [x for x in handle.read().splitlines() if x and not x.startswith("#")][0]
        secret = Ed25519PrivateKey.from_private_bytes(base64.b64decode(line)[:32])
        return "# test signature\n" + base64.b64encode(secret.sign(message)).decode() + "\n"

    def test_signature_covers_the_context_then_the_exact_bytes(self):
        with open(self.real_policy, "rb") as handle:
            content = handle.read()
        self.machine.write("policy.json.sig", self.sign_in_python(b"bccshield policy v1\0" + content))
        reply, _ = self.reply()
        self.assertEqual(reply["policy"]["status"], "ok", reply["policy"])
        self.assertEqual(reply["policy"]["keyId"], self.key_id)

    def test_a_signature_over_the_bare_bytes_is_refused(self):
        with open(self.real_policy, "rb") as handle:
            content = handle.read()
        self.machine.write("policy.json.sig", self.sign_in_python(content))  # 0.x signatures
        policy = self.assert_refused("without the policy context")
        self.assertEqual(policy["error"]["code"], 303)
        code, _, err = self.s.host("policy", "verify", "--public-key", self.s.path("policy.pub"), self.real_policy)
        self.assertEqual(code, 1)
        self.assertIn("sign it again", err)

    def signed_policy(self, **extra):
        self.machine.write("policy.json", json.dumps({**POLICY, **extra}) + "\n")
        code, _, err = self.s.host("policy", "sign", "--secret-key", self.s.path("it.key"), self.real_policy)
        self.assertEqual(code, 0, err)

    def test_a_serial_below_the_recorded_one_is_refused(self):
        self.machine.write("policy-serial", "5\n", folder=self.machine.state)
        self.signed_policy(serial=4)
        policy = self.assert_refused("below 5")
        self.assertEqual(policy["error"]["code"], 304)
        self.assertEqual(policy["error"]["name"], "policy-rolled-back")
        self.signed_policy()  # no serial at all: older than any recorded one
        self.assertEqual(self.assert_refused("serial (none)")["error"]["code"], 304)
        self.signed_policy(serial=5)
        reply, _ = self.reply()
        self.assertEqual((reply["policy"]["status"], reply["policy"]["serial"]), ("ok", 5))

    def test_a_serial_record_a_user_could_write_is_ignored(self):
        self.machine.write("policy-serial", "9\n", mode=0o666, folder=self.machine.state)
        self.signed_policy(serial=4)
        reply, err = self.reply()
        self.assertEqual(reply["policy"]["status"], "ok")
        self.assertIn("writable by users other than root", err)

    def test_an_expired_policy_is_refused(self):
        self.signed_policy(notAfter="2001-02-03T04:05:06Z")
        policy = self.assert_refused("expired at 2001-02-03T04:05:06Z")
        self.assertEqual((policy["error"]["code"], policy["error"]["name"]), (305, "policy-expired"))
        self.signed_policy(notAfter="2999-12-31T23:59:59Z", serial=2)
        reply, _ = self.reply()
        self.assertEqual(reply["policy"]["notAfter"], "2999-12-31T23:59:59Z")
        self.assertEqual(reply["policy"]["status"], "ok")

    def test_policy_install_verifies_copies_and_records_the_serial(self):
        staged = self.s.write("staged/policy.json", json.dumps({**POLICY, "serial": 7}) + "\n")
        self.assertEqual(self.s.host("policy", "sign", "--secret-key", self.s.path("it.key"), staged)[0], 0)
        code, out, err = self.s.host("policy", "install", staged, in_machine=True)
        self.assertEqual(code, 0, err)
        self.assertIn("highest accepted serial 7", out.decode())
        with open(os.path.join(self.machine.state, "policy-serial"), encoding="ascii") as handle:
            self.assertEqual(handle.read(), "7\n")
        with open(self.real_policy, "rb") as a, open(staged, "rb") as b:
            self.assertEqual(a.read(), b.read())
        reply, _ = self.reply()
        self.assertEqual((reply["policy"]["status"], reply["policy"]["serial"]), ("ok", 7))
        # An older one is refused by install, and by serve mode if copied by hand.
        older = self.s.write("staged/older.json", json.dumps({**POLICY, "serial": 6}) + "\n")
        self.s.host("policy", "sign", "--secret-key", self.s.path("it.key"), older)
        code, _, err = self.s.host("policy", "install", older, in_machine=True)
        self.assertEqual(code, 1)
        self.assertIn("below 7", err)
        # An unsigned one is refused while a key is installed.
        os.remove(staged + ".sig")
        code, _, err = self.s.host("policy", "install", staged, in_machine=True)
        self.assertEqual(code, 1)
        self.assertIn("is not signed", err)

    def test_policy_install_follows_no_planted_link(self):
        # Links at the old fixed temporary name and at the serial record, aimed at a victim file:
        # install (as root) must neither write through them nor leave the victim changed.
        victim = self.s.write("victim.txt", "keep me\n")
        os.symlink(victim, os.path.join(self.machine.etc, "policy.json.new"))
        os.makedirs(self.machine.state, exist_ok=True)
        os.symlink(victim, os.path.join(self.machine.state, "policy-serial"))
        staged = self.s.write("staged/policy.json", json.dumps({**POLICY, "serial": 9}) + "\n")
        self.assertEqual(self.s.host("policy", "sign", "--secret-key", self.s.path("it.key"), staged)[0], 0)
        code, _, err = self.s.host("policy", "install", staged, in_machine=True)
        self.assertEqual(code, 1, "a link at the serial record is refused")
        self.assertIn("policy-serial", err)
        with open(victim, encoding="utf-8") as handle:
            self.assertEqual(handle.read(), "keep me\n")
        with open(self.real_policy, "rb") as a, open(staged, "rb") as b:
            self.assertEqual(a.read(), b.read(), "the policy itself went in through its own temporary")

    def test_policy_install_needs_root(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to drop to another user")  # CI runs as root
        staged = self.s.write("staged/policy.json", json.dumps({**POLICY, "serial": 7}) + "\n")
        os.chmod(self.s.root, 0o755)
        os.chmod(staged, 0o644)
        proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                               HOST, "policy", "install", staged],
                              capture_output=True, env={"PATH": "/usr/bin:/bin"}, timeout=60)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(b"must run as root", proc.stderr)

    def test_validate_still_works(self):
        code, out, _ = self.s.host("policy", "validate", self.real_policy)
        self.assertEqual(code, 0)
        self.assertIn("valid policy", out.decode())


if __name__ == "__main__":
    unittest.main()
