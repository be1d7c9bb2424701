"""Loopback-only SMTP sink (aiosmtpd): keeps every message and its envelope."""
import email
import email.policy
import json
import os
import socket
import threading
import time

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Handler:
    def __init__(self, sink):
        self._sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # A provider's per-message recipient limit (large mailings, issue 14): refuses the
        # (N+1)th RCPT of a transaction the way submission servers do (RFC 5321 section 4.5.3.1.10).
        limit = self._sink.max_recipients
        if limit is not None and len(envelope.rcpt_tos) >= limit:
            return "452 4.5.3 Too many recipients"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._sink._lock:
            self._sink.transactions += 1
            number = self._sink.transactions
        if self._sink.refuse_transaction and self._sink.refuse_transaction(number):
            # The whole message refused (a provider's policy or quota): nothing is stored.
            self._sink.refused.append({"transaction": number, "rcptTos": list(envelope.rcpt_tos)})
            return "554 5.7.1 Message refused by the test sink"
        self._sink._store(envelope)
        return "250 OK stored"


class SmtpSink:
    """Listens on 127.0.0.1 only; ``messages`` grows as Thunderbird sends."""

    def __init__(self, folder):
        self.folder = folder
        os.makedirs(folder, exist_ok=True)
        self.port = free_port()
        self.messages = []
        # Large mailings (issue 14): the provider's limit of recipients per message (None:
        # none), and a predicate on the DATA transaction number (1, 2, ...) that refuses it.
        self.max_recipients = None
        self.refuse_transaction = None
        self.transactions = 0
        self.refused = []
        self._lock = threading.Lock()
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def start(self):
        self._controller.start()
        return self

    def stop(self):
        try:
            self._controller.stop()
        except Exception:  # noqa: BLE001 - best effort at teardown
            pass

    def _store(self, envelope):
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self._lock:
            index = len(self.messages) + 1
            base = os.path.join(self.folder, f"message-{index:03d}")
            with open(base + ".eml", "wb") as handle:
                handle.write(raw)
            record = {"mailFrom": envelope.mail_from, "rcptTos": list(envelope.rcpt_tos),
                      "subject": str(message.get("Subject", "")), "file": base + ".eml",
                      "receivedAt": time.time()}
            with open(base + ".envelope.json", "w", encoding="utf-8") as handle:
                json.dump(record, handle, indent=1)
            record["message"] = message
            self.messages.append(record)

    def find(self, subject):
        with self._lock:
            return [m for m in self.messages if m["subject"] == subject]

    def wait_for(self, subject, timeout_s=90.0):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = self.find(subject)
            if found:
                return found[0]
            time.sleep(0.2)
        return None
