"""The command line on good and bad input: verdicts, exit codes, one-line errors."""
import json
import os
import subprocess
import tempfile
import unittest

from host_process import HOST

ENV = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "BCCSHIELD_POLICY_KEY": "/nonexistent/key.pub"}


def cli(*args, stdin=b""):
    proc = subprocess.run([HOST, *args], input=stdin, capture_output=True, timeout=60, env=ENV)
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def draft(count):
    return {"from": "me@corp.example", "to": [f"p{i}@gmail.com" for i in range(count)]}


class Cli(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="bccshield-cli-")

    def write(self, name, content):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path

    def test_version_and_help(self):
        code, out, _ = cli("--version")
        self.assertEqual(code, 0)
        self.assertRegex(out, r"^bccshield-host \d+\.\d+\.\d+ \(protocol 2\)")
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
            ("check", os.path.join(self.dir, "missing.json")),
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
        code, out, _ = cli("manifest", "--host-path", "/usr/bin/bccshield-host")
        self.assertEqual(code, 0)
        manifest = json.loads(out)
        self.assertEqual(manifest, {"name": "org.bccshield.host", "description": manifest["description"],
                                    "path": "/usr/bin/bccshield-host", "type": "stdio",
                                    "allowed_extensions": ["bccshield@bccshield.org"]})
        code, out, _ = cli("manifest", "--host-path", "/opt/b", "--extension-id", "x@y.example")
        self.assertEqual(json.loads(out)["allowed_extensions"], ["x@y.example"])


if __name__ == "__main__":
    unittest.main()
