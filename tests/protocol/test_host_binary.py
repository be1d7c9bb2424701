"""Framed bytes through the built bccshield-host: the wire contract of PROTOCOL.md."""
import glob
import json
import os
import struct
import subprocess
import unittest

from host_process import HOST, PrivateMachine, frame, run_host, unframe_all

VECTORS = os.environ.get("BCCSHIELD_VECTORS", "")


def tourism_draft(count=30):
    providers = ["gmail.com", "orange.fr", "free.fr", "laposte.net", "hotmail.fr", "yahoo.fr"]
    return {"from": "Accueil <accueil@tourisme-vallee.fr>",
            "to": [f"Visiteur {i} <visiteur{i}@{providers[i % 6]}>" for i in range(count)], "cc": [], "bcc": [],
            "type": "new"}


class HostBinary(unittest.TestCase):
    def test_hello_then_eof_exits_zero(self):
        run = run_host(frame({"type": "hello", "id": 1}))
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(len(run.replies), 1)
        self.assertEqual(run.replies[0]["result"]["hostName"], "org.bccshield.host")
        self.assertEqual(run.replies[0]["id"], 1)

    def test_empty_stdin_exits_zero_without_output(self):
        run = run_host(b"")
        self.assertEqual(run.returncode, 0)
        self.assertEqual(run.replies, [])

    def test_check_warns_on_the_tourism_office_mailing(self):
        run = run_host(frame({"type": "check", "id": "c", "draft": tourism_draft()}))
        result = run.replies[0]["result"]
        self.assertEqual(result["decision"], "warn")
        self.assertEqual(result["rewrite"]["to"], ["Accueil <accueil@tourisme-vallee.fr>"])
        self.assertEqual(len(result["rewrite"]["bcc"]), 30)
        self.assertRegex(result["checkId"], "^[0-9a-f]{24}$")

    def test_several_messages_in_one_stream_like_connect_native(self):
        stream = frame({"type": "hello", "id": 1}) + frame({"type": "check", "id": 2, "draft": tourism_draft(3)}) + \
            frame(b"{broken") + frame({"type": "report", "id": 4, "checkId": "x", "choice": "cancel"})
        run = run_host(stream)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual([r.get("id") for r in run.replies], [1, 2, None, 4])
        self.assertEqual(run.replies[1]["result"]["decision"], "allow")
        self.assertEqual(run.replies[2]["error"]["code"], 201)
        self.assertTrue(run.replies[3]["result"]["recorded"])

    def test_long_lived_process_answers_each_message_before_eof(self):
        machine = PrivateMachine()
        self.addCleanup(machine.cleanup)
        proc = subprocess.Popen(machine.command([HOST, "/x/org.bccshield.host.json", "bccshield@bccshield.org"]),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"})
        try:
            for i in range(3):
                proc.stdin.write(frame({"type": "hello", "id": i}))
                proc.stdin.flush()
                (length,) = struct.unpack("=I", proc.stdout.read(4))
                self.assertEqual(json.loads(proc.stdout.read(length))["id"], i)
        finally:
            proc.stdin.close()
            self.assertEqual(proc.wait(timeout=30), 0)
            proc.stdout.close()
            proc.stderr.close()

    def test_malformed_json_wrong_types_and_unknown_type(self):
        cases = [(b"{nope", 201), (b"[]", 202), (json.dumps({"protocolVersion": 2, "type": "x"}).encode(), 203),
                 (json.dumps({"protocolVersion": 2, "type": "check", "draft": {"to": [1]}}).encode(), 204),
                 (json.dumps({"type": "hello", "protocolVersion": 9}).encode(), 205),
                 (json.dumps({"type": "hello", "protocolVersion": 1}).encode(), 205),
                 (json.dumps({"type": "hello"}).encode(), 205)]
        for body, code in cases:
            with self.subTest(body=body):
                run = run_host(frame(body))
                self.assertEqual(run.returncode, 0)
                self.assertEqual(run.replies[0]["error"]["code"], code)

    def test_truncated_frame_is_answered_then_exit_one(self):
        run = run_host(frame({"type": "hello"})[:-3])
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.replies[0]["error"]["code"], 102)

    def test_truncated_header_is_answered_then_exit_one(self):
        run = run_host(b"\x10\x00")
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.replies[0]["error"]["code"], 102)

    def test_oversize_frame_is_refused_without_reading_it(self):
        run = run_host(struct.pack("=I", 64 * 1024 * 1024) + b"{}")
        self.assertEqual(run.returncode, 1)
        self.assertEqual(run.replies[0]["error"]["code"], 101)
        self.assertEqual(run.replies[0]["error"]["params"]["limit"], 16 * 1024 * 1024)

    def test_thirty_thousand_recipients_get_a_complete_reply_under_one_mebibyte(self):
        draft = tourism_draft(30000)
        run = run_host(frame({"type": "check", "id": 9, "draft": draft}))
        self.assertEqual(run.returncode, 0, run.stderr)
        result = run.replies[0]["result"]  # unframe_all asserts every frame is at most 1 MiB
        self.assertEqual(result["decision"], "warn")
        self.assertEqual(result["rewrite"]["bcc"], list(range(30000)))

    def test_stderr_never_carries_an_address(self):
        machine = PrivateMachine()
        self.addCleanup(machine.cleanup)
        machine.allow_environment_overrides()
        run = run_host(frame({"type": "check", "draft": tourism_draft()}) + frame(b"\xff"),
                       env={"BCCSHIELD_POLICY": "/nonexistent/policy.json"}, machine=machine)
        self.assertNotIn("@", run.stderr)
        self.assertIn("policy refused", run.stderr)
        self.assertEqual(run.replies[0]["policy"]["status"], "error")
        self.assertEqual(run.replies[0]["policy"]["error"]["code"], 301)

    def test_golden_vectors(self):
        requests = sorted(glob.glob(os.path.join(VECTORS, "check-*.request.json")))
        self.assertGreater(len(requests), 5)
        for path in requests:
            with self.subTest(vector=os.path.basename(path)):
                with open(path, encoding="utf-8") as f:
                    request = json.load(f)
                with open(path.replace(".request.json", ".response.json"), encoding="utf-8") as f:
                    expected = json.load(f)
                machine = PrivateMachine()
                self.addCleanup(machine.cleanup)
                policy = path.replace(".request.json", ".policy.json")
                if os.path.exists(policy):
                    with open(policy, "rb") as f:
                        machine.write("policy.json", f.read())
                reply = run_host(frame(request), machine=machine).replies[0]
                reply["result"].pop("checkId", None)
                expected["result"].pop("checkId", None)
                self.assertEqual(reply["result"], expected["result"])


if __name__ == "__main__":
    unittest.main()
