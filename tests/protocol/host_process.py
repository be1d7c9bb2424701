"""Runs the real bccshield-host and speaks native messaging to it (shared by the protocol tests)."""
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
# BCCSHIELD_HOST_RUNNER=wine: HOST is bccshield-host.exe, run by wine in $WINEPREFIX (prepared by
# scripts/test-windows.sh). The host then gets Windows paths only: under Wine a path starting
# with "/" is a Unix path and would reach the build machine's files.
WINE = os.environ.get("BCCSHIELD_HOST_RUNNER", "") == "wine"
_WINE_ENV = ("WINEPREFIX", "WINEDEBUG", "WINEDLLOVERRIDES", "WINEARCH", "WINESERVER")
if WINE:
    _DRIVE_C = os.path.join(os.environ["WINEPREFIX"], "drive_c")
    tempfile.tempdir = os.path.join(_DRIVE_C, "bccshield-tests")  # scratch files on C:
    os.makedirs(tempfile.tempdir, exist_ok=True)


def host_path(path):
    """`path` as the host sees it. Under Wine: a file inside the prefix as C:\..., /dev/null as
    NUL, any other absolute path as the same path on C: (so it never reaches the build machine)."""
    if not WINE:
        return path
    if path == "/dev/null":
        return "NUL"
    full = os.path.abspath(path)
    inside = full.startswith(_DRIVE_C + os.sep)
    relative = full[len(_DRIVE_C) + 1 :] if inside else full.lstrip("/")
    return "C:\\" + relative.replace("/", "\\")


def host_file(path):
    """A file the host may read: itself, or under Wine a copy inside the prefix."""
    if not WINE:
        return path
    copy = os.path.join(tempfile.mkdtemp(prefix="bccshield-file-"), os.path.basename(path))
    shutil.copyfile(path, copy)
    return host_path(copy)


def host_command(args):
    """The argv that runs the host with `args`."""
    return (["wine", HOST] if WINE else [HOST]) + list(args)


def host_env(env):
    """`env` for the host process, plus what wine needs: its prefix, and a UTF-8 locale (Wine turns
    the Unix argv and environment into the UTF-16 ones Windows has with the Unix locale's charset)."""
    environment = dict(env)
    if WINE:
        environment.update({name: os.environ[name] for name in _WINE_ENV if name in os.environ})
        environment["LANG"] = "C.UTF-8"
    return environment
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
    def __init__(self, returncode, replies, stderr, audit_log=None, raw_stdout=b""):
        self.returncode = returncode
        self.replies = replies
        self.stderr = stderr
        self.raw_stdout = raw_stdout
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
    args = args if args is not None else [host_path("/tmp/org.bccshield.host.json"), "bccshield@bccshield.org"]
    audit_log = os.path.join(scratch, ".local", "state", "bccshield", "audit.jsonl")
    if WINE:
        # Windows ignores HOME: the per-user log is %LOCALAPPDATA%\BccShield of the prefix's user,
        # shared by every run, so it is emptied first (the tests run one host at a time).
        audit_log = os.path.join(_DRIVE_C, "users", os.environ.get("USER", "root"), "AppData", "Local",
                                 "BccShield", "audit.jsonl")
        if os.path.exists(audit_log):
            os.remove(audit_log)
    proc = subprocess.run(machine.command(host_command(args)), input=stdin_bytes, capture_output=True,
                          timeout=timeout, env=host_env(environment))
    return HostRun(proc.returncode, unframe_all(proc.stdout), proc.stderr.decode("utf-8", "replace"),
                   audit_log, proc.stdout)
