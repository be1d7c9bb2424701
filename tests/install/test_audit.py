"""The audit log: one JSON line per decision and per user choice, no address in any form
(plain, lower-cased, IDNA-encoded, JSON-escaped), keyed BLAKE2b pseudonyms that `audit lookup`
finds again, and an `audit report` for the DPO."""
import hashlib
import base64
import json
import os
import socket
import unittest

from install_support import Scratch, check_request

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
        self.assertIn("3 check(s)", header)
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
