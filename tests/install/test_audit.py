"""The audit log: one JSON line per decision and per user choice, no address in any form
(plain, lower-cased, IDNA-encoded, JSON-escaped), keyed BLAKE2b pseudonyms that `audit lookup`
finds again, and an `audit report` for the DPO."""
import hashlib
import base64
import json
import os
import datetime
import socket
import subprocess
import unittest

from install_support import HOST, Scratch, check_request, frame

SENDER = "Office de Tourisme <Accueil@Tourisme-Lac.example>"
PEOPLE = ([f"Randonneur {i} <Rando.{i}@Gmail.com>" for i in range(9)]
          + ["Jörg Müller <jörg.müller@bücher.example>", "Ann <ann@xn--caf-dma.example>",
             '"Lee, Kim" <kim.lee@orange.fr>', "not an address at all"])
EXTRA_CC = ["Partner <contact@partner.example>"]
BCC = ["secret.person@secret.example"]
REASON = "Asked by Rando.3@gmail.com and jörg.müller@bücher.example on the phone."


def forms(address):
    """Every spelling of an address that must never appear in the log."""
    local, domain = address.rsplit("@", 1)
    spellings = {address, address.lower(), address.upper()}
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
        spellings |= {f"{local}@{ascii_domain}", f"{local}@{ascii_domain}".lower()}
    except UnicodeError:
        pass
    try:
        unicode_domain = domain.encode("ascii").decode("idna")
        spellings |= {f"{local}@{unicode_domain}", f"{local}@{unicode_domain}".lower()}
    except UnicodeError:
        pass
    escaped = set()
    for spelling in spellings:
        escaped.add(json.dumps(spelling)[1:-1])                      # \u00f6 form
        escaped.add(json.dumps(spelling, ensure_ascii=False)[1:-1])  # raw UTF-8 form
    return spellings | escaped | {local, local.lower()} if len(local) > 4 else spellings | escaped


ALL_ADDRESSES = ["Accueil@Tourisme-Lac.example", "jörg.müller@bücher.example", "ann@xn--caf-dma.example",
                 "kim.lee@orange.fr", "contact@partner.example", "secret.person@secret.example"] + \
                [f"Rando.{i}@Gmail.com" for i in range(9)]


class AuditLog(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = Scratch("bccshield-audit-")
        code, replies, err = cls.s.serve(check_request(PEOPLE, sender=SENDER, cc=EXTRA_CC, bcc=BCC))
        assert code == 0, err
        cls.check_id = replies[0]["result"]["checkId"]
        cls.decision = replies[0]["result"]["decision"]
        reports = [{"type": "report", "checkId": cls.check_id, "choice": "send-anyway", "reason": REASON,
                    "client": "thunderbird/153.7.0"}]
        code, replies2, err = cls.s.serve(*reports)
        assert code == 0, err
        # A second message, converted; and a small one (allow).
        code, replies3, err = cls.s.serve(check_request(PEOPLE[:9], sender=SENDER, request_id=2))
        cls.s.serve({"type": "report", "checkId": replies3[0]["result"]["checkId"], "choice": "convert"})
        cls.s.serve(check_request(["colleague@tourisme-lac.example"], sender=SENDER, request_id=3))
        cls.log_bytes = cls.s.read("audit.jsonl")
        cls.entries = cls.s.audit_entries()

    @classmethod
    def tearDownClass(cls):
        cls.s.cleanup()

    def test_events_written(self):
        events = [(e["event"], e.get("decision"), e.get("choice")) for e in self.entries]
        self.assertEqual(events, [("check", self.decision, None), ("report", None, "send-anyway"),
                                  ("check", "warn", None), ("report", None, "convert"), ("check", "allow", None)])
        first = self.entries[0]
        self.assertEqual(first["checkId"], self.check_id)
        self.assertIn("exposed-parties", first["rules"])
        self.assertEqual(first["client"], "thunderbird/153.7.0")
        self.assertRegex(first["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(set(first["addresses"]), {"from", "to", "cc", "bcc"})
        self.assertEqual(len(first["addresses"]["to"]), len(PEOPLE))  # unparsable text hashed too
        self.assertEqual(len(first["addresses"]["cc"]), 1)
        self.assertEqual(len(first["addresses"]["bcc"]), 1)
        for hashes in first["addresses"].values():
            for value in hashes:
                self.assertRegex(value, r"^[0-9a-f]{32}$")
        self.assertNotIn("draft", first)
        self.assertEqual(self.entries[1]["reason"].count("[address "), 2)

    def test_no_address_in_any_form(self):
        text = self.log_bytes.decode("utf-8")
        self.assertNotIn("@", text)
        for address in ALL_ADDRESSES:
            for spelling in forms(address):
                self.assertNotIn(spelling, text, f"{spelling!r} appears in the audit log")
        for name in ("Randonneur", "Jörg", "Müller", "Lee, Kim", "Tourisme"):
            self.assertNotIn(name, text)

    def test_hash_is_keyed_blake2b_of_the_normalised_key(self):
        key_text = self.s.read("audit.key").decode()
        key = base64.b64decode([line for line in key_text.splitlines() if line and not line.startswith("#")][0])
        expected = hashlib.blake2b("rando.0@gmail.com".encode(), key=key, digest_size=16).hexdigest()
        self.assertIn(expected, self.entries[0]["addresses"]["to"])
        idn = hashlib.blake2b("jörg.müller@xn--bcher-kva.example".encode(), key=key, digest_size=16).hexdigest()
        self.assertIn(idn, self.entries[0]["addresses"]["to"])
        sender = hashlib.blake2b(b"accueil@tourisme-lac.example", key=key, digest_size=16).hexdigest()
        self.assertEqual(self.entries[0]["addresses"]["from"], [sender])

    def test_files_are_private(self):
        self.assertEqual(os.stat(self.s.path("audit.key")).st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(self.s.path("audit.jsonl")).st_mode & 0o777, 0o600)

    def lookup(self, address):
        code, out, err = self.s.host("audit", "lookup", address, "--log", self.s.path("audit.jsonl"))
        self.assertEqual(code, 0, err)
        lines = out.decode().splitlines()
        return lines[0], [json.loads(line) for line in lines if line.startswith("{")]

    def test_lookup_finds_one_address_whatever_its_spelling(self):
        for spelling in ("rando.3@gmail.com", "RANDO.3@GMAIL.COM", "Someone <Rando.3@gmail.com>"):
            header, found = self.lookup(spelling)
            self.assertIn("2 check(s) and 2 user choice(s)", header)
            self.assertEqual([e["event"] for e in found], ["check", "report", "check", "report"])
            self.assertEqual(found[0]["matchedAs"], ["to"])
        for spelling in ("jörg.müller@bücher.example", "jörg.müller@xn--bcher-kva.example"):
            header, found = self.lookup(spelling)
            self.assertIn("1 check(s) and 1 user choice(s)", header)
        header, found = self.lookup("secret.person@secret.example")
        self.assertEqual(found[0]["matchedAs"], ["bcc"])
        header, found = self.lookup("accueil@tourisme-lac.example")
        self.assertEqual(found[0]["matchedAs"], ["from"])
        self.assertIn("2 check(s)", header)  # the allowed third check names nobody
        header, found = self.lookup("nobody@gmail.com")
        self.assertIn("0 check(s) and 0 user choice(s)", header)
        self.assertEqual(found, [])

    def test_lookup_output_holds_no_address(self):
        _, out, _ = self.s.host("audit", "lookup", "rando.3@gmail.com", "--log", self.s.path("audit.jsonl"))
        body = "\n".join(line for line in out.decode().splitlines() if not line.startswith("#"))
        self.assertNotIn("@", body)

    def test_report(self):
        code, out, err = self.s.host("audit", "report", "--log", self.s.path("audit.jsonl"))
        self.assertEqual(code, 0, err)
        text = out.decode()
        self.assertIn("Messages checked: 3", text)
        self.assertIn("Warnings shown (a bulk send with addresses visible): 2", text)
        self.assertRegex(text, r"converted to Bcc\s+1")
        self.assertRegex(text, r"sent anyway\s+1")
        self.assertIn("exposed-parties", text)
        self.assertIn("1 x \"Asked by [address ", text)
        self.assertRegex(text, r"\d{4}-W\d\d\s+3\s+2\s+1\s+1\s+0\s+0")
        self.assertNotIn("@", text)
        code, out, _ = self.s.host("audit", "report", "--json", "--log", self.s.path("audit.jsonl"))
        summary = json.loads(out)
        self.assertEqual(summary["choices"], {"convert": 1, "send-anyway": 1})
        code, out, _ = self.s.host("audit", "report", "--since", "2999-01-01", "--log", self.s.path("audit.jsonl"))
        self.assertIn("Messages checked: 0", out.decode())

    def test_report_reads_syslog_lines(self):
        lines = [f"Nov 27 08:00:00 pc bccshield-host[42]: {line}" for line in
                 self.log_bytes.decode().splitlines()]
        code, out, _ = self.s.host("audit", "report", "--log", "-", stdin="\n".join(lines).encode())
        self.assertIn("Messages checked: 3", out.decode())

    def test_lookup_with_another_key_says_so(self):
        other = Scratch("bccshield-audit-other-")
        try:
            code, out, err = other.host("audit", "lookup", "rando.3@gmail.com", "--log", self.s.path("audit.jsonl"))
            self.assertEqual(code, 2, "no key: lookup refuses")  # BCCSHIELD_AUDIT_KEY names a missing file
            other.host("audit", "keygen", "--output", other.path("audit.key"))
            code, out, err = other.host("audit", "lookup", "rando.3@gmail.com", "--log", self.s.path("audit.jsonl"))
            self.assertIn("written under another audit key", out.decode())
        finally:
            other.cleanup()


def audit_key(scratch):
    key_text = scratch.read("audit.key").decode()
    return base64.b64decode([line for line in key_text.splitlines() if line and not line.startswith("#")][0])


def host_error_report(*entries, dropped=0):
    return {"type": "report", "kind": "host-error", "client": "thunderbird/153.7.0", "dropped": dropped,
            "entries": [{"choice": choice, "at": "2026-12-02T01:02:03Z", "error": error, "visibleRecipients": n}
                        for choice, error, n in entries]}


class AuditHostErrors(unittest.TestCase):
    """Choices made after a host error (no checkId) arrive as one report and are counted."""

    def test_host_error_choices_reach_the_report(self):
        s = Scratch("bccshield-audit-hosterr-")
        try:
            code, replies, err = s.serve(host_error_report(("host-error-send", "timeout", 12),
                                                           ("host-error-send", "crashed", 3),
                                                           ("host-error-cancel", "not-installed", 40),
                                                           ("host-error-convert", "reply-too-large", 9),
                                                           dropped=5))
            self.assertEqual(code, 0, err)
            self.assertEqual(replies[0]["result"], {"recorded": True, "entries": 4})
            entries = s.audit_entries()
            self.assertEqual([(e["event"], e["kind"], e.get("choice")) for e in entries],
                             [("report", "host-error", "host-error-send"), ("report", "host-error", "host-error-send"),
                              ("report", "host-error", "host-error-cancel"),
                              ("report", "host-error", "host-error-convert"),
                              ("report", "host-error-dropped", None)])
            self.assertEqual(entries[0]["error"], "timeout")
            self.assertEqual(entries[0]["visibleRecipients"], 12)
            self.assertEqual(entries[0]["at"], "2026-12-02T01:02:03Z")
            self.assertEqual(entries[4]["dropped"], 5)
            code, out, err = s.host("audit", "report", "--log", s.path("audit.jsonl"))
            text = out.decode()
            self.assertRegex(text, r"host error, sent\s+2\n")
            self.assertRegex(text, r"host error, cancelled\s+1\n")
            self.assertRegex(text, r"host error, converted\s+1\n")
            self.assertRegex(text, r"not recorded \(the extension's queue was full\) 5")
            self.assertRegex(text, r"\d{4}-W\d\d\s+0\s+0\s+0\s+0\s+0\s+4")
            # Invalid: nothing recorded, 204 naming the field.
            code, replies, err = s.serve(host_error_report(("host-error-send", "time\u001bout", 1)))
            self.assertEqual(replies[0]["error"]["code"], 204)
            self.assertEqual(replies[0]["error"]["params"]["field"], "entries.0.error")
            too_many = host_error_report(*[("host-error-send", "timeout", 1)] * 201)
            code, replies, err = s.serve(too_many)
            self.assertEqual(replies[0]["error"]["params"]["field"], "entries")
            self.assertEqual(len(s.audit_entries()), 5)
        finally:
            s.cleanup()


class AuditOutputIsEscaped(unittest.TestCase):
    """A reason (or anything else in the log) cannot draw on the DPO's terminal."""

    FORGED = "ok\nUser choices:\n  sent anyway           0\x1b[2J\x1b]0;owned\x07\u009b31m\u202edone\x7f"

    def test_report_lookup_and_verify_escape_control_characters(self):
        s = Scratch("bccshield-audit-escape-")
        try:
            code, replies, err = s.serve(check_request(PEOPLE, sender=SENDER))
            check_id = replies[0]["result"]["checkId"]
            s.serve({"type": "report", "checkId": check_id, "choice": "send-anyway", "reason": self.FORGED})
            # And a hand-made line with a forged policySource, as anyone who can write the file could.
            forged = {"event": "check", "decision": "warn", "rules": ["x\x1b[31m"], "time": "2026-12-01T10:00:00Z",
                      "policySource": "/etc/p\n  9 x ok\x1b[2J", "policyStatus": "ok", "checkId": check_id,
                      "keyId": "\x1b[2J", "addresses": {"to": []}}
            with open(s.path("audit.jsonl"), "a", encoding="utf-8") as handle:
                handle.write(json.dumps(forged, ensure_ascii=False) + "\n")
            code, out, err = s.host("audit", "report", "--log", s.path("audit.jsonl"))
            self.assertEqual(code, 0, err)
            text = out.decode("utf-8")
            for raw in ("\x1b", "\x07", "\x7f", "\u009b", "\u202e"):
                self.assertNotIn(raw, text)
            self.assertIn("ok\\nUser choices:\\n  sent anyway           0\\x1b[2J", text)
            self.assertEqual(text.count("User choices:"), 2)  # the real heading, and the escaped forgery
            self.assertEqual(len([line for line in text.splitlines() if line.startswith("User choices:")]), 1)
            self.assertIn("/etc/p\\n  9 x ok\\x1b[2J", text)
            code, out, err = s.host("audit", "report", "--json", "--log", s.path("audit.jsonl"))
            self.assertNotIn("\x1b", out.decode())
            self.assertNotIn("\x7f", out.decode())
            json.loads(out)
            code, out, err = s.host("audit", "lookup", "rando.3@gmail.com", "--log", s.path("audit.jsonl"))
            text = out.decode("utf-8")
            for raw in ("\x1b", "\x07", "\x7f", "\u009b", "\u202e"):
                self.assertNotIn(raw, text)
            code, out, err = s.host("audit", "verify", "--log", s.path("audit.jsonl"))
            self.assertNotIn("\x1b", out.decode())
        finally:
            s.cleanup()


class AuditReasonScrubbing(unittest.TestCase):
    """Every address form the parser accepts is hashed in a typed reason, as its recipient key."""

    def test_quoted_literal_encoded_and_commented_forms(self):
        s = Scratch("bccshield-audit-scrub-")
        try:
            code, replies, err = s.serve(check_request(PEOPLE, sender=SENDER))
            check_id = replies[0]["result"]["checkId"]
            reason = ('sent to "anne martin"@example.org, "Martin, Anne" <anne.m@example.org>; '
                      '=?utf-8?q?Zo=C3=A9_Durand?= <zoe.durand@example.org> and jo@[192.0.2.7] and '
                      'kim(office)@example.org or "o\\"neil"@example.org. Thanks!')
            s.serve({"type": "report", "checkId": check_id, "choice": "send-anyway", "reason": reason})
            written = s.audit_entries()[-1]["reason"]
            for secret in ("anne", "martin", "Martin", "zoe", "Zo=C3", "durand", "192.0.2.7", "kim", "office",
                           "neil", "@"):
                self.assertNotIn(secret, written)
            self.assertEqual(written.count("[address "), 6, written)
            self.assertTrue(written.startswith("sent to [address "), written)
            self.assertTrue(written.endswith(". Thanks!"), written)
            key = audit_key(s)
            quoted = hashlib.blake2b(b'"anne martin"@example.org', key=key, digest_size=16).hexdigest()
            self.assertIn(f"[address {quoted}]", written)
            named = hashlib.blake2b(b"anne.m@example.org", key=key, digest_size=16).hexdigest()
            self.assertIn(f"[address {named}]", written)
        finally:
            s.cleanup()


class AuditMinimisationAndRetention(unittest.TestCase):
    def test_allowed_checks_are_counts_unless_the_policy_asks(self):
        s = Scratch("bccshield-audit-min-")
        try:
            s.serve(check_request(["colleague@tourism.example"]))
            line = s.audit_entries()[-1]
            self.assertEqual(line["decision"], "allow")
            self.assertNotIn("addresses", line)
            self.assertEqual(line["summary"]["visibleRecipients"], 1)
            policy = s.write("policy.json", json.dumps({"auditAllowedRecipients": True}))
            s.serve(check_request(["colleague@tourism.example"]), env={"BCCSHIELD_POLICY": policy})
            line = s.audit_entries()[-1]
            self.assertEqual(line["decision"], "allow")
            self.assertEqual(len(line["addresses"]["to"]), 1)
            code, out, err = s.host("policy", "validate", s.write("bad.json", '{"auditRetentionDays": 0}'))
            self.assertNotEqual(code, 0)
            self.assertIn("auditRetentionDays", err)
        finally:
            s.cleanup()

    def test_rotation_by_day_and_retention(self):
        s = Scratch("bccshield-audit-rot-")
        try:
            today = datetime.datetime.now(datetime.timezone.utc).date()
            def day(delta):
                return (today - datetime.timedelta(days=delta)).strftime("%Y%m%d")
            old_line = json.dumps({"event": "check", "decision": "allow", "time": "2020-01-01T08:00:00Z"})
            s.write("audit.jsonl", old_line + "\n", mode=0o600)
            s.write("audit-20200101.jsonl", old_line + "\n", mode=0o600)
            s.write(f"audit-{day(2)}.jsonl", "{}\n", mode=0o600)
            s.write(f"audit-{day(1)}.jsonl", "{}\n", mode=0o600)
            s.write("audit-notes.jsonl", "{}\n", mode=0o600)  # not a rotated name: never touched
            policy = s.write("policy.json", json.dumps({"auditRetentionDays": 1}))
            code, replies, err = s.serve(check_request(["colleague@tourism.example"]),
                                         env={"BCCSHIELD_POLICY": policy})
            self.assertEqual(code, 0, err)
            names = sorted(name for name in os.listdir(s.root) if name.startswith("audit") and name.endswith(".jsonl"))
            # The 2020 log was renamed (audit-20200101-2: its name was taken), then both 2020 files and
            # the one from two days ago went: older than one day.
            self.assertEqual(names, sorted(["audit.jsonl", f"audit-{day(1)}.jsonl", "audit-notes.jsonl"]))
            entries = s.audit_entries()
            self.assertEqual(len(entries), 1)
            self.assertEqual(entries[0]["decision"], "allow")
            # Today's log is appended to, not rotated again.
            s.serve(check_request(["colleague@tourism.example"]), env={"BCCSHIELD_POLICY": policy})
            self.assertEqual(len(s.audit_entries()), 2)
            code, out, err = s.host("audit", "report", "--log", s.path("audit.jsonl"))
            self.assertIn("Messages checked: 2", out.decode())
        finally:
            s.cleanup()

    def test_log_refuses_a_symlink_and_is_kept_private(self):
        s = Scratch("bccshield-audit-link-")
        try:
            target = s.write("elsewhere.txt", "untouched\n", mode=0o644)
            os.symlink(target, s.path("audit.jsonl"))
            code, replies, err = s.serve(check_request(PEOPLE, sender=SENDER))
            self.assertEqual(code, 0, err)
            self.assertIn("cannot write the audit log", err)
            self.assertEqual(s.read("elsewhere.txt"), b"untouched\n")
            self.assertEqual(os.stat(target).st_mode & 0o777, 0o644)
            os.unlink(s.path("audit.jsonl"))
            s.serve(check_request(PEOPLE, sender=SENDER))
            os.chmod(s.path("audit.jsonl"), 0o666)
            s.serve(check_request(PEOPLE, sender=SENDER))
            self.assertEqual(os.stat(s.path("audit.jsonl")).st_mode & 0o777, 0o600)
            self.assertEqual(len(s.audit_entries()), 2)
        finally:
            s.cleanup()


class AuditChain(unittest.TestCase):
    """Each line carries a keyed hash chained to the previous one: `audit verify` finds edits,
    removals and reorderings, and says which line."""

    @classmethod
    def setUpClass(cls):
        cls.s = Scratch("bccshield-audit-chain-")
        # No key yet: the six processes race to create it, and all must use the one that won.
        # Concurrent host processes append to one log: the chain stays one chain.
        procs = []
        for i in range(6):
            procs.append(subprocess.Popen(cls.s.machine.command([HOST, "/x/org.bccshield.host.json",
                                                                 "bccshield@bccshield.org"]),
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          env=cls.s.env))
        for i, proc in enumerate(procs):
            proc.stdin.write(frame(check_request(PEOPLE, sender=SENDER, request_id=i)))
            proc.stdin.write(frame(host_error_report(("host-error-send", "timeout", i))))
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err.decode("utf-8", "replace")
        with open(cls.s.path("audit.jsonl"), "rb") as handle:
            cls.lines = handle.read().splitlines(keepends=True)

    @classmethod
    def tearDownClass(cls):
        cls.s.cleanup()

    def verify(self, lines):
        path = self.s.write("copy.jsonl", b"".join(lines))
        code, out, err = self.s.host("audit", "verify", "--log", path)
        return code, out.decode()

    def test_intact_log_verifies(self):
        self.assertEqual(len(self.lines), 12)
        self.assertEqual(len({json.loads(line)["keyId"] for line in self.lines}), 1)
        self.assertEqual([name for name in os.listdir(self.s.root) if name.startswith("audit.key")], ["audit.key"])
        for line in self.lines:
            self.assertRegex(line.decode(), r',"chain":"[0-9a-f]{64}"\}\n$')
        code, out = self.verify(self.lines)
        self.assertEqual(code, 0, out)
        self.assertIn("12 line(s), chain intact", out)
        self.assertIn("syslog", out)  # says what it cannot prove

    def test_edited_line_is_named(self):
        lines = list(self.lines)
        lines[4] = lines[4].replace(b'"choice":"host-error-send"', b'"choice":"host-error-cancel"').replace(
            b'"decision":"block"', b'"decision":"allow"').replace(b'"decision":"warn"', b'"decision":"allow"')
        self.assertNotEqual(lines[4], self.lines[4])
        code, out = self.verify(lines)
        self.assertEqual(code, 1, out)
        self.assertIn("line 5: was edited", out)
        self.assertEqual(out.count(": line "), 1, out)

    def test_removed_middle_line_is_named(self):
        code, out = self.verify(self.lines[:6] + self.lines[7:])
        self.assertEqual(code, 1)
        self.assertIn("line 7: was edited, or the line before it was removed or moved", out)
        self.assertEqual(out.count(": line "), 1, out)

    def test_reordered_lines_are_named(self):
        lines = list(self.lines)
        lines[3], lines[8] = lines[8], lines[3]
        code, out = self.verify(lines)
        self.assertEqual(code, 1)
        self.assertIn("line 9: follows line 3, not line 8", out)
        self.assertIn("line 10: follows line 4, not line 9", out)

    def test_removed_first_lines_are_seen(self):
        code, out = self.verify(self.lines[2:])
        self.assertEqual(code, 1)
        self.assertIn("line 1: was edited, or lines before it were removed", out)

    def test_another_key_cannot_vouch(self):
        other = Scratch("bccshield-audit-chain-other-")
        try:
            other.host("audit", "keygen", "--output", other.path("audit.key"))
            path = other.write("copy.jsonl", b"".join(self.lines))
            code, out, err = other.host("audit", "verify", "--log", path)
            self.assertEqual(code, 1)
            self.assertIn("written under another audit key", out.decode())
        finally:
            other.cleanup()


class AuditSyslog(unittest.TestCase):
    """With `syslog = true`, each line also goes to syslog; proven with a private /dev/log."""

    @unittest.skipUnless(os.geteuid() == 0 and not os.path.exists("/dev/log"), "needs root and no syslog daemon")
    def test_syslog_copy(self):
        s = Scratch("bccshield-syslog-")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            sock.bind("/dev/log")
            sock.settimeout(10)
            s.write("no-audit.conf", "syslog = true\nsyslog-facility = local3\n")
            s.serve(check_request(PEOPLE, sender=SENDER))
            message = sock.recv(65536).decode("utf-8")
            self.assertIn("bccshield-host[", message)
            self.assertTrue(message.startswith(f"<{19 * 8 + 6}>"), message[:8])  # local3.info
            self.assertIn('"event":"check"', message)
            self.assertNotIn("@", message)
            self.assertIn('"addresses"', message)
            # 300 recipients: too long for a syslog relay, sent without the hash lists.
            s.serve(check_request([f"p{i}@gmail.com" for i in range(300)], sender=SENDER))
            message = sock.recv(65536).decode("utf-8")
            self.assertLess(len(message), 8192)
            self.assertIn('"addressesOmitted":true', message)
            self.assertIn('"visibleRecipients":300', message)
            self.assertEqual(len(s.audit_entries()[-1]["addresses"]["to"]), 300, "the file keeps them")
        finally:
            sock.close()
            os.unlink("/dev/log")
            s.cleanup()


if __name__ == "__main__":
    unittest.main()
