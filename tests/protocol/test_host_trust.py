"""Issue 11 through the real binary: serve mode ignores the user's BCCSHIELD_* environment unless
a root-owned host.conf allows it; every reply says which host answered, which key verified the
policy and the policy's strictest action; a large draft still gets a complete reply."""
import json
import os
import subprocess
import tempfile
import unittest

from host_process import HOST, WINE, PrivateMachine, frame, host_command, host_env, host_path, run_host

ALLOW_ALL = {"version": 1, "rules": {rule: {"action": "allow"} for rule in
                                     ("exposed-parties", "reply-exposure", "large-alias", "unparsable-recipient")}}
SYSTEM = {"version": 1, "internalDomains": ["tourism.example"], "minExposedParties": 3,
          "rules": {"exposed-parties": {"action": "block"}}}
MANIFEST_ARGS = [host_path("/usr/lib/mozilla/native-messaging-hosts/org.bccshield.host.json"), "bccshield@bccshield.org"]


def draft(count, name=lambda i: f"Person {i}"):
    return {"from": "Clerk <clerk@tourism.example>", "to": [f"{name(i)} <p{i}@gmail.com>" for i in range(count)],
            "cc": [], "bcc": [], "type": "new"}


def cli(*args):
    proc = subprocess.run(host_command(args), capture_output=True, timeout=60, env=host_env({"PATH": "/usr/bin:/bin"}))
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


class Keys:
    """A key pair and a signed policy in a scratch folder (what IT, or a user, can make)."""

    def __init__(self, folder, policy):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)
        code, out, err = cli("policy", "keygen", "--secret-key", host_path(self.path("k.key")),
                             "--public-key", host_path(self.path("k.pub")))
        assert code == 0, err
        self.key_id = out.rsplit("key id ", 1)[1].strip()
        self.policy = self.path("policy.json")
        with open(self.policy, "w", encoding="utf-8") as handle:
            json.dump(policy, handle)
        code, _, err = cli("policy", "sign", "--secret-key", host_path(self.path("k.key")), host_path(self.policy))
        assert code == 0, err

    def path(self, name):
        return os.path.join(self.folder, name)

    def read(self, name):
        with open(self.path(name), "rb") as handle:
            return handle.read()


class HostTrust(unittest.TestCase):
    def setUp(self):
        self.scratch = tempfile.mkdtemp(prefix="bccshield-trust-")
        self.machine = PrivateMachine(os.path.join(self.scratch, "machine"))
        self.it = Keys(os.path.join(self.scratch, "it"), SYSTEM)        # the organisation's
        self.user = Keys(os.path.join(self.scratch, "user"), ALLOW_ALL)  # a user's own
        for name in ("policy.json", "policy.json.sig"):
            self.machine.write(name, self.it.read(name))
        self.machine.write("policy.pub", self.it.read("k.pub"))
        self.user_env = {"BCCSHIELD_POLICY": host_path(self.user.policy),
                         "BCCSHIELD_POLICY_KEY": host_path(self.user.path("k.pub")),
                         "BCCSHIELD_AUDIT_LOG": host_path("/dev/null"), "BCCSHIELD_AUDIT_SYSLOG": "0"}

    def tearDown(self):
        self.machine.cleanup()

    def serve(self, *messages, env=None, args=MANIFEST_ARGS):
        run = run_host(b"".join(frame(m) for m in messages), args=args, env=env, machine=self.machine)
        self.assertEqual(run.returncode, 0, run.stderr)
        return run

    # ----- 1. environment overrides -----------------------------------------------------------
    def test_a_user_environment_is_ignored_in_serve_mode(self):
        run = self.serve({"type": "check", "id": 1, "draft": draft(5)}, env=self.user_env)
        reply = run.replies[0]
        self.assertEqual(reply["policy"]["source"], self.machine.seen("policy.json"))
        self.assertEqual(reply["policy"]["keyId"], self.it.key_id)
        self.assertFalse(reply["host"]["overridden"])
        self.assertEqual(reply["result"]["decision"], "block")  # the system policy, not allow-all
        self.assertIn("serve mode ignores", run.stderr)
        self.assertIn("BCCSHIELD_POLICY", run.stderr)
        self.assertNotIn("@", run.stderr)
        entries = run.audit_entries()  # not /dev/null: the per-user log under HOME
        self.assertEqual([e["event"] for e in entries], ["check"])
        self.assertEqual((entries[0]["overridden"], entries[0]["policyKeyId"]), (False, self.it.key_id))

    def test_a_root_owned_host_conf_lets_the_overrides_through_and_says_so(self):
        self.machine.allow_environment_overrides()
        env = dict(self.user_env)
        del env["BCCSHIELD_AUDIT_LOG"]
        run = self.serve({"type": "hello", "id": 1}, {"type": "check", "id": 2, "draft": draft(5)}, env=env)
        for reply in run.replies:
            self.assertTrue(reply["host"]["overridden"])
            self.assertEqual(reply["policy"]["source"], host_path(self.user.policy))
            self.assertEqual(reply["policy"]["keyId"], self.user.key_id)
        self.assertEqual(run.replies[1]["result"]["decision"], "allow")
        self.assertTrue(run.audit_entries()[0]["overridden"])
        self.assertNotIn("serve mode ignores", run.stderr)

    def test_a_host_conf_others_can_write_or_not_owned_by_root_is_ignored(self):
        cases = [(lambda path: os.chmod(path, 0o666), "writable by users other than root"),
                 (lambda path: os.chown(path, 65534, 65534), "not owned by root")]
        if WINE:
            # Wine shows mode 0666 as an Everyone entry in the access list, but any uid other
            # than its own as Anonymous Logon (server/token.c): "owned by a user" has no Wine form.
            cases = [(cases[0][0], "may be changed by users who are not administrators (S-1-1-0)")]
        for prepare, why in cases:
            with self.subTest(why=why):
                prepare(self.machine.allow_environment_overrides())
                run = self.serve({"type": "hello", "id": 1}, env=self.user_env)
                self.assertFalse(run.replies[0]["host"]["overridden"])
                self.assertEqual(run.replies[0]["policy"]["source"], self.machine.seen("policy.json"))
                self.assertIn(why, run.stderr)
                self.assertIn("serve mode ignores", run.stderr)
                self.assertNotIn("@", run.stderr)
                self.machine.remove("host.conf")

    def test_host_conf_saying_false_honours_nothing(self):
        self.machine.write("host.conf", "# IT\nallow-environment-overrides = false\n")
        run = self.serve({"type": "hello", "id": 1}, env=self.user_env)
        self.assertFalse(run.replies[0]["host"]["overridden"])
        self.assertEqual(run.replies[0]["policy"]["keyId"], self.it.key_id)

    # ----- 2. which host answered -------------------------------------------------------------
    def test_every_reply_says_which_host_and_manifest_answered(self):
        if WINE:
            self.skipTest("Windows finds the manifest through the registry, not a folder: "
                          "tests/install/windows/test_msi.py checks host/systemManifest after an install")
        user_dir = os.path.join(self.scratch, "home", ".mozilla", "native-messaging-hosts")
        os.makedirs(user_dir)
        user_manifest = os.path.join(user_dir, "org.bccshield.host.json")
        with open(user_manifest, "w", encoding="utf-8") as handle:
            handle.write("{}")
        os.chown(user_manifest, 65534, 65534)  # a file the user owns
        system_dir = os.path.join(self.machine.etc, "native-messaging-hosts")
        os.makedirs(system_dir)
        system_manifest = self.machine.write("native-messaging-hosts/org.bccshield.host.json", "{}")
        seen_system = "/etc/bccshield/native-messaging-hosts/org.bccshield.host.json"
        cases = ((user_manifest, False), (seen_system, True))
        self.assertTrue(os.path.exists(system_manifest))
        for manifest, is_system in cases:
            with self.subTest(manifest=manifest):
                run = self.serve({"type": "hello", "id": 1}, {"type": "check", "id": 2, "draft": draft(2)},
                                 {"type": "nonsense", "id": 3}, args=[manifest, "bccshield@bccshield.org"])
                for reply in run.replies:  # hello, check and an error reply alike
                    host = reply["host"]
                    self.assertEqual(host["path"], os.path.realpath(HOST))
                    self.assertEqual(host["manifest"], manifest)
                    self.assertEqual(host["systemManifest"], is_system)
                    self.assertIs(host["systemHost"], True)  # the build tree is root's here
                    self.assertFalse(host["overridden"])
                entry = run.audit_entries()[-1]
                self.assertEqual(entry["systemManifest"], is_system)
                self.assertNotIn(manifest, json.dumps(entry))  # facts, never the paths
                self.assertNotIn(HOST, json.dumps(entry))
        run = self.serve({"type": "hello", "id": 1}, args=["serve"])
        self.assertIsNone(run.replies[0]["host"]["manifest"])
        self.assertFalse(run.replies[0]["host"]["systemManifest"])

    # ----- 3. strictest action; big drafts ------------------------------------------------------
    def test_every_reply_carries_the_strictest_action_of_the_policy_in_force(self):
        self.assertEqual(self.serve({"type": "hello"}).replies[0]["policy"]["strictestAction"], "block")
        for name in ("policy.json", "policy.json.sig", "policy.pub"):
            self.machine.remove(name)
        self.assertEqual(self.serve({"type": "hello"}).replies[0]["policy"]["strictestAction"], "warn")  # defaults
        self.machine.write("policy.json", json.dumps(ALLOW_ALL))
        reply = self.serve({"type": "nonsense"}).replies[0]
        self.assertEqual(reply["error"]["code"], 203)
        self.assertEqual(reply["policy"]["strictestAction"], "allow")
        self.assertIsNone(reply["policy"]["keyId"])

    def test_missing_signature_with_a_key_installed_is_the_strict_state(self):
        self.machine.remove("policy.json.sig")
        run = self.serve({"type": "hello"}, {"type": "check", "draft": draft(9)})
        policy = run.replies[0]["policy"]
        self.assertEqual((policy["status"], policy["error"]["code"], policy["strictestAction"]), ("strict", 303, "block"))
        self.assertIsNone(policy["keyId"])
        self.assertEqual(run.replies[1]["result"]["decision"], "block")  # the defaults would only warn

    def test_six_long_display_names_get_a_complete_reply_under_one_mebibyte(self):
        run = self.serve({"type": "check", "id": 6, "draft": draft(6, name=lambda i: f"N{i}" + "x" * 250_000)})
        reply = run.replies[0]  # unframe_all: every frame at most 1 MiB
        self.assertIn("result", reply, reply.get("error"))
        self.assertEqual(reply["result"]["decision"], "block")
        self.assertEqual(len(reply["result"]["rewrite"]["bcc"]), 6)

    def test_thirty_thousand_recipients_get_a_complete_reply_under_one_mebibyte(self):
        run = self.serve({"type": "check", "id": 7, "draft": draft(30000)})
        self.assertEqual(run.replies[0]["result"]["decision"], "block")
        self.assertEqual(run.replies[0]["result"]["rewrite"]["bcc"], list(range(30000)))


if __name__ == "__main__":
    unittest.main()
