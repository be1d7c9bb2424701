"""Fault hosts: tiny native-messaging "hosts" that misbehave on purpose (crash, hang, garbage,
oversize frame, exit at once). Written at run time into a scratch folder and registered in
the throwaway HOME's native manifest in place of the real host. They simulate what the real
host cannot be made to do; everything else uses the real host.
"""
import json
import os
import signal
import time

from .thunderbird import native_manifest

PYTHON = "/usr/bin/python3"

# Common prologue: read one native-messaging frame from stdin (None at EOF).
_PROLOGUE = """#!@PYTHON@ -S
import os, signal, struct, sys, time
def note(what):
    # One line per step in fault.log (next to the script), so the test knows what happened.
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "fault.log"), "a") as log:
        log.write(os.path.basename(__file__).replace("bccshield-host-", "") + " " + what + "\\n")
def read_frame():
    header = sys.stdin.buffer.read(4)
    if len(header) < 4:
        return None
    length = struct.unpack("<I", header)[0]
    body = sys.stdin.buffer.read(length)
    try:
        import json
        kind = json.loads(body).get("type")
    except Exception:
        kind = "unreadable"
    note(f"read {kind}")
    return body
note("started")
def idle_until_eof(limit_s=300):
    # Keep the pipe open (so the failure is the bytes written, not an exit), stop when
    # Thunderbird closes stdin, and never outlive the test by long.
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if read_frame() is None:
            return
""".replace("@PYTHON@", PYTHON)

SCRIPTS = {
    # Reads the request, then dies by SIGKILL without replying.
    "crash": _PROLOGUE + """
read_frame()
os.kill(os.getpid(), signal.SIGKILL)
""",
    # Reads the request, then exits with status 3 without replying.
    "crash-exit": _PROLOGUE + """
read_frame()
sys.exit(3)
""",
    # Reads every request and never answers (until stdin closes).
    "hang": _PROLOGUE + """
idle_until_eof()
""",
    # Reads the request, answers with a frame whose body is not JSON.
    "garbage": _PROLOGUE + """
read_frame()
body = b"\\x00\\xffthis is not JSON {{{ <html>"
sys.stdout.buffer.write(struct.pack("<I", len(body)) + body)
sys.stdout.buffer.flush()
note("wrote")
idle_until_eof()
""",
    # Reads the request, announces a 2 MiB frame (over Thunderbird's 1 MiB limit).
    "oversize": _PROLOGUE + """
read_frame()
sys.stdout.buffer.write(struct.pack("<I", 2 * 1024 * 1024) + b"{" + b" " * 65536)
sys.stdout.buffer.flush()
note("wrote")
idle_until_eof()
""",
    # Exits at once, before reading anything.
    "exit-at-once": _PROLOGUE + """
sys.exit(1)
""",
}


class FaultHosts:
    """Writes the fault hosts under ``root`` and swaps them into ``tb``'s native manifest."""

    def __init__(self, tb, root):
        self.tb = tb
        self.dir = os.path.join(root, "fault-hosts")
        os.makedirs(self.dir, exist_ok=True)
        self.paths = {}
        for name, text in SCRIPTS.items():
            path = os.path.join(self.dir, f"bccshield-host-{name}")
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.chmod(path, 0o755)
            self.paths[name] = path

    @property
    def log_path(self):
        return os.path.join(self.dir, "fault.log")

    def log(self):
        """What the fault hosts did so far: ["crash started", "crash read check", ...]."""
        try:
            with open(self.log_path, encoding="utf-8") as handle:
                return handle.read().splitlines()
        except FileNotFoundError:
            return []

    def clear_log(self):
        try:
            os.remove(self.log_path)
        except FileNotFoundError:
            pass

    def install(self, name):
        """Register fault host ``name`` as org.bccshield.host for this HOME."""
        path = self.tb.host_manifest_path
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(native_manifest(self.paths[name]), handle, indent=2)

    def restore(self):
        """Register the real host again."""
        self.tb.install_host_manifest()

    def pids(self):
        """Running fault-host processes (their command line names a script in our folder)."""
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    if self.dir.encode() in handle.read():
                        found.append(int(entry))
            except OSError:
                continue
        return found

    def wait_stopped(self, timeout_s=30):
        deadline = time.monotonic() + timeout_s
        while self.pids():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.2)
        return True

    def kill_leftovers(self):
        """SIGKILL, one by one by pid, any fault host still running (they are ours)."""
        for pid in self.pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
