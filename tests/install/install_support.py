"""Shared by the install tests: run the built host, frame native messages, scratch folders."""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from private_machine import PrivateMachine  # noqa: E402  (the serve-mode test switch)

HOST = os.environ.get("BCCSHIELD_HOST", "")
BUILD_DIR = os.environ.get("BCCSHIELD_BUILD_DIR", "")
SOURCE_DIR = os.environ.get("BCCSHIELD_SOURCE_DIR", "")
XPI = os.environ.get("BCCSHIELD_XPI", "")


def ensure_built():
    """The host and the XPI this build packages (ctest may run before a full build finished)."""
    if not (os.path.isfile(HOST) and os.path.isfile(XPI)) and BUILD_DIR:
        subprocess.run(["cmake", "--build", BUILD_DIR, "--target", "bccshield_host", "bccshield_xpi"], check=True,
                       capture_output=True, timeout=1200)


PROTOCOL_VERSION = 2  # PROTOCOL.md: one version at a time


def frame(body):
    """A framed request, with the current protocolVersion unless it names one."""
    data = json.dumps({"protocolVersion": PROTOCOL_VERSION, **body}).encode("utf-8")
    return struct.pack("=I", len(data)) + data


def unframe_all(data):
    replies = []
    while data:
        (length,) = struct.unpack("=I", data[:4])
        replies.append(json.loads(data[4:4 + length].decode("utf-8")))
        data = data[4 + length:]
    return replies


class Scratch:
    """A private HOME with the host's environment pointing into it. serve() runs the host with
    `machine`'s /etc/bccshield (private_machine.py), whose host.conf allows the environment
    overrides unless allow_overrides=False (then the machine files are what the host reads)."""

    def __init__(self, prefix="bccshield-install-", allow_overrides=True):
        self.root = tempfile.mkdtemp(prefix=prefix)
        self.machine = PrivateMachine(os.path.join(self.root, "machine"))
        if allow_overrides:
            self.machine.allow_environment_overrides()
        self.home = os.path.join(self.root, "home")
        os.makedirs(self.home)
        self.env = {"PATH": "/usr/bin:/bin", "HOME": self.home, "LANG": "C.UTF-8",
                    "BCCSHIELD_AUDIT_LOG": self.path("audit.jsonl"),
                    "BCCSHIELD_AUDIT_KEY": self.path("audit.key"),
                    "BCCSHIELD_AUDIT_CONF": self.path("no-audit.conf"),
                    "BCCSHIELD_POLICY_KEY": self.path("no-policy.pub")}

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def write(self, name, content, mode=None):
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(content if isinstance(content, bytes) else content.encode("utf-8"))
        if mode is not None:
            os.chmod(path, mode)
        return path

    def read(self, name):
        with open(self.path(name), "rb") as handle:
            return handle.read()

    def host(self, *args, stdin=b"", env=None, binary=None, in_machine=False):
        environment = dict(self.env)
        environment.update(env or {})
        command = [binary or HOST, *args]
        proc = subprocess.run(self.machine.command(command) if in_machine else command, input=stdin,
                              capture_output=True, timeout=120, env=environment)
        return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")

    def serve(self, *messages, env=None, binary=None, args=("/x/org.bccshield.host.json", "bccshield@bccshield.org")):
        code, out, err = self.host(*args, stdin=b"".join(frame(m) for m in messages), env=env, binary=binary,
                                   in_machine=True)
        return code, unframe_all(out), err

    def audit_entries(self, name="audit.jsonl"):
        try:
            with open(self.path(name), encoding="utf-8") as handle:
                return [json.loads(line) for line in handle if line.strip()]
        except FileNotFoundError:
            return []

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


def check_request(to, sender="Clerk <clerk@tourism.example>", cc=(), bcc=(), request_id=1):
    return {"type": "check", "id": request_id, "client": "thunderbird/153.7.0",
            "draft": {"from": sender, "to": list(to), "cc": list(cc), "bcc": list(bcc), "type": "new"}}
