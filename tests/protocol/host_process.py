"""Runs the real bccshield-host and speaks native messaging to it (shared by the protocol tests)."""
import json
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from private_machine import PrivateMachine  # noqa: E402  (the serve-mode test switch)

HOST = os.environ.get("BCCSHIELD_HOST", "")
PROTOCOL_VERSION = 2  # PROTOCOL.md: one version at a time


def frame(body):
    """A framed request; a dict gets the current protocolVersion unless it names one."""
    if isinstance(body, dict) and "protocolVersion" not in body:
        body = {"protocolVersion": PROTOCOL_VERSION, **body}
    data = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    return struct.pack("=I", len(data)) + data


def unframe_all(data):
    """Splits stdout into JSON replies; fails on any byte that is not part of a frame."""
    replies = []
    while data:
        assert len(data) >= 4, f"stray bytes on stdout: {data!r}"
        (length,) = struct.unpack("=I", data[:4])
        assert len(data) >= 4 + length, "frame cut short on stdout"
        assert length <= 1024 * 1024, "host wrote a frame over 1 MiB"
        replies.append(json.loads(data[4 : 4 + length].decode("utf-8")))
        data = data[4 + length :]
    return replies


class HostRun:
    def __init__(self, returncode, replies, stderr, audit_log=None):
        self.returncode = returncode
        self.replies = replies
        self.stderr = stderr
        self.audit_log = audit_log  # where serve mode wrote its audit lines (the scratch HOME)

    def audit_entries(self):
        try:
            with open(self.audit_log, encoding="utf-8") as handle:
                return [json.loads(line) for line in handle if line.strip()]
        except FileNotFoundError:
            return []


def run_host(stdin_bytes, args=None, env=None, timeout=60, machine=None):
    """One process: writes stdin_bytes, closes stdin (like sendNativeMessage), reads every reply.
    The host runs with `machine`'s /etc/bccshield and /var/lib/bccshield (an empty one by
    default: no policy, no key), never the real machine's; its HOME is a scratch folder."""
    scratch = tempfile.mkdtemp(prefix="bccshield-proto-")
    machine = machine or PrivateMachine(os.path.join(scratch, "machine"))
    environment = {"PATH": "/usr/bin:/bin", "HOME": scratch}
    environment.update(env or {})
    args = args if args is not None else ["/tmp/org.bccshield.host.json", "bccshield@bccshield.org"]
    proc = subprocess.run(machine.command([HOST, *args]), input=stdin_bytes, capture_output=True, timeout=timeout,
                          env=environment)
    return HostRun(proc.returncode, unframe_all(proc.stdout), proc.stderr.decode("utf-8", "replace"),
                   os.path.join(scratch, ".local", "state", "bccshield", "audit.jsonl"))
