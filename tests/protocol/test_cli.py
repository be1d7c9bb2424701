"""The command line on good and bad input: verdicts, exit codes, one-line errors."""
import json
import os
import re
import subprocess
import tempfile
import unittest

from host_process import WINE, PrivateMachine, frame, host_command, host_env, host_path, run_host

ENV = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "BCCSHIELD_POLICY_KEY": host_path("/nonexistent/key.pub")}
# A name with a letter of the ANSI code page (é) and one outside it (Ω): on Windows the first
# would name another file through a char API and the second would not convert at all.
UTF8_FOLDER = "Politique été Ωμέγα"


def cli(*args, stdin=b"", env=None):
    proc = subprocess.run(host_command(args), input=stdin, capture_output=True, timeout=60,
                          env=host_env({**ENV, **(env or {})}))
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def draft(count):
    return {"from": "me@corp.example", "to": [f"p{i}@gmail.com" for i in range(count)]}


class Cli(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="bccshield-cli-")

    def overriding_machine(self):
        """Serve mode honours these tests' BCCSHIELD_* only where a root-owned host.conf says so."""
        machine = PrivateMachine()
        self.addCleanup(machine.cleanup)
        machine.allow_environment_overrides()
        return machine

    def write(self, name, content):
        """Writes a scratch file; returns its path as the host sees it."""
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(content if isinstance(content, bytes) else content.encode("utf-8"))
        return host_path(path)

    def path(self, name):
        return host_path(os.path.join(self.dir, name))

    def test_version_and_help(self):
        code, out, _ = cli("--version")
        self.assertEqual(code, 0)
        # (\r\n under Wine: the Windows build's stdout is in text mode)
        self.assertRegex(out, r"^bccshield-host \d+\.\d+\.\d+ \(protocol 2\)\r?\n"
                              r"public suffix list of (\d{4})-\d{2}-\d{2} \(built in\)\r?\n$")
        # The list is frozen at build: a date before 2020 would mean libpsl was built without it.
        self.assertGreaterEqual(int(re.search(r"list of (\d{4})", out).group(1)), 2020)
        code, out, _ = cli("--help")
        self.assertEqual(code, 0)
        self.assertIn("check [--policy FILE] [--eml] [FILE|-]", out)

    def test_check_allow_exits_zero(self):
        code, out, _ = cli("check", self.write("d.json", json.dumps(draft(3))))
        self.assertEqual(code, 0)
        self.assertEqual(json.loads(out)["decision"], "allow")

    def test_check_warn_exits_one_from_stdin(self):
        code, out, _ = cli("check", "-", stdin=json.dumps(draft(12)).encode())
        self.assertEqual(code, 1)
        verdict = json.loads(out)
        self.assertEqual(verdict["decision"], "warn")
        self.assertEqual(verdict["policy"]["status"], "default")

    def test_check_accepts_a_protocol_request(self):
        code, out, _ = cli("check", self.write("r.json", json.dumps({"type": "check", "draft": draft(12)})))
        self.assertEqual(code, 1)

    def test_check_with_policy(self):
        policy = self.write("p.json", json.dumps({"minExposedParties": 20, "rules": {"exposed-parties": {"action": "block"}}}))
        code, out, _ = cli("check", "--policy", policy, self.write("d.json", json.dumps(draft(12))))
        self.assertEqual((code, json.loads(out)["decision"]), (0, "allow"))
        code, out, _ = cli("check", "--policy", policy, self.write("d2.json", json.dumps(draft(25))))
        self.assertEqual((code, json.loads(out)["decision"]), (1, "block"))

    def test_check_eml_with_folded_encoded_headers(self):
        to = ",\r\n ".join(f"=?UTF-8?Q?Cl=C3=A9ment_{i}?= <c{i}@orange.fr>" for i in range(10))
        eml = f"From: Mairie <contact@mairie.example>\r\nTo: {to}\r\nCc: \"Doe, John\" <john@acme.example>\r\nSubject: x\r\n\r\nTo: body@not.header\r\n"
        code, out, _ = cli("check", "--eml", self.write("m.eml", eml))
        self.assertEqual(code, 1)
        verdict = json.loads(out)
        self.assertEqual(verdict["summary"]["visibleRecipients"], 11)
        self.assertIn("Clément 0 <c0@orange.fr>", verdict["rewrite"]["bcc"])

    def test_bad_inputs_exit_two_with_one_line(self):
        cases = [
            ("check", self.write("bad.json", "{oops")),
            ("check", self.path("missing.json")),
            ("check", self.write("wrong.json", json.dumps({"to": "x", "cc": [3]}))),
            ("check", "--eml", self.write("empty.eml", "\r\n\r\nbody only")),
            ("check", "--frobnicate"),
            ("frobnicate",),
            ("policy",),
            ("manifest", "--host-path", "relative/path"),
        ]
        for args in cases:
            with self.subTest(args=args):
                code, out, err = cli(*args)
                self.assertEqual(code, 2, err)
                self.assertEqual(out, "")
                self.assertTrue(err.startswith("bccshield-host: "), err)
                self.assertNotIn("@", err.split("\n")[0].replace("bccshield@bccshield.org", ""))

    def test_policy_validate(self):
        code, out, _ = cli("policy", "validate", self.write("ok.json", '{"internalDomains": ["corp.example"]}'))
        self.assertEqual(code, 0)
        self.assertIn("valid policy", out)
        code, _, err = cli("policy", "validate", self.write("typo.json", '{"minExposedParty": 3}'))
        self.assertEqual(code, 1)
        self.assertIn('/minExposedParty: unknown key "minExposedParty" (did you mean "minExposedParties"?)', err)

    def test_broken_policy_falls_back_to_defaults_and_says_so(self):
        policy = self.write("broken.json", '{"minExposedParties": "eight"}')
        code, out, err = cli("check", "--policy", policy, self.write("d.json", json.dumps(draft(12))))
        self.assertEqual(code, 1)
        verdict = json.loads(out)
        self.assertEqual(verdict["policy"]["status"], "error")
        self.assertEqual(verdict["policy"]["error"]["code"], 302)
        self.assertIn("broken.json", verdict["policy"]["error"]["message"] + verdict["policy"]["error"]["file"])
        self.assertIn("policy refused", err)

    def test_manifest(self):
        # An absolute path of the host's own OS: "/usr/bin/..." is not absolute on Windows.
        installed = r"C:\Program Files\BccShield\bccshield-host.exe" if WINE else "/usr/bin/bccshield-host"
        code, out, _ = cli("manifest", "--host-path", installed)
        self.assertEqual(code, 0)
        manifest = json.loads(out)
        self.assertEqual(manifest, {"name": "org.bccshield.host", "description": manifest["description"],
                                    "path": installed, "type": "stdio",
                                    "allowed_extensions": ["bccshield@bccshield.org"]})
        code, out, _ = cli("manifest", "--host-path", host_path("/opt/b"), "--extension-id", "x@y.example")
        self.assertEqual(json.loads(out)["allowed_extensions"], ["x@y.example"])

    def test_policy_sign_verify_and_apply(self):
        code, out, err = cli("policy", "keygen", "--secret-key", self.path("it.key"), "--public-key", self.path("policy.pub"))
        self.assertEqual(code, 0, err)
        policy = self.write("policy.json", json.dumps({"version": 1, "minExposedParties": 3,
                                                       "rules": {"exposed-parties": {"action": "block"}}}))
        code, _, err = cli("policy", "sign", "--secret-key", self.path("it.key"), policy)
        self.assertEqual(code, 0, err)
        code, out, err = cli("policy", "verify", "--public-key", self.path("policy.pub"), policy)
        self.assertEqual(code, 0, err)
        self.assertIn("signature valid", out)
        signed = {"BCCSHIELD_POLICY": policy, "BCCSHIELD_POLICY_KEY": self.path("policy.pub")}
        machine = self.overriding_machine()
        run = run_host(frame({"type": "check", "id": 1, "draft": draft(5)}), env=signed, machine=machine)
        answered = run.replies[0]["policy"]
        self.assertEqual((answered["status"], answered["source"], answered["signed"]), ("ok", policy, True))
        self.assertRegex(answered["keyId"] or "", r"^[0-9a-f]{16}$")
        self.assertEqual(run.replies[0]["result"]["decision"], "block")
        with open(os.path.join(self.dir, "policy.json"), "r+b") as f:  # one byte changed after signing
            data = bytearray(f.read())
            data[data.index(b"3")] = ord("4")
            f.seek(0)
            f.write(data)
        code, _, err = cli("policy", "verify", "--public-key", self.path("policy.pub"), policy)
        self.assertEqual(code, 1)
        self.assertIn("does not match its content", err)
        run = run_host(frame({"type": "check", "id": 2, "draft": draft(5)}), env=signed, machine=machine)
        self.assertEqual(run.replies[0]["policy"]["status"], "strict")  # a key is installed: strict, not defaults

    def test_audit_log_written_then_reported_in_a_utf8_folder(self):
        # The audit log, its key, a policy and a draft in a folder with non-ASCII letters.
        folder = os.path.join(self.dir, UTF8_FOLDER)
        policy = self.write(os.path.join(UTF8_FOLDER, "policy.json"), json.dumps({"minExposedParties": 20}))
        log = self.path(os.path.join(UTF8_FOLDER, "state", "audit.jsonl"))
        env = {"BCCSHIELD_AUDIT_LOG": log, "BCCSHIELD_AUDIT_KEY": self.path(os.path.join(UTF8_FOLDER, "audit.key")),
               "BCCSHIELD_POLICY": policy}
        stream = frame({"type": "check", "id": 1, "draft": draft(25)}) + frame({"type": "check", "id": 2, "draft": draft(12)})
        machine = self.overriding_machine()
        run = run_host(stream, env=env, machine=machine)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual([r["result"]["decision"] for r in run.replies], ["warn", "allow"])
        self.assertEqual(run.replies[0]["policy"]["source"], policy)
        run = run_host(frame({"type": "report", "id": 3, "checkId": run.replies[0]["result"]["checkId"],
                              "choice": "convert"}), env=env, machine=machine)
        self.assertTrue(run.replies[0]["result"]["recorded"], run.stderr)
        with open(os.path.join(folder, "state", "audit.jsonl"), encoding="utf-8") as f:
            lines = [json.loads(line) for line in f]
        self.assertEqual([line["event"] for line in lines], ["check", "check", "report"])
        code, out, err = cli("audit", "report", "--log", log)
        self.assertEqual(code, 0, err)
        self.assertIn("Messages checked: 2", out)
        self.assertRegex(out, r"converted to Bcc\s+1")
        code, out, err = cli("check", "--policy", policy, self.write(os.path.join(UTF8_FOLDER, "d.json"), json.dumps(draft(12))))
        self.assertEqual((code, json.loads(out)["policy"]["source"]), (0, policy), err)


if __name__ == "__main__":
    unittest.main()
