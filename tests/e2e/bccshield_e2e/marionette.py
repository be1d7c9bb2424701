"""Minimal Marionette client (protocol 3) speaking to Thunderbird on 127.0.0.1.

Frames are ``<length>:<json>``; commands ``[0, id, name, params]``; replies
``[1, id, error, result]``. Thunderbird only supports the chrome context.
"""
import json
import socket
import time


class MarionetteError(RuntimeError):
    pass


class Marionette:
    def __init__(self, port, connect_timeout=120.0):
        deadline = time.monotonic() + connect_timeout
        while True:
            try:
                self._sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.25)
        self._sock.settimeout(600)
        self._buffer = b""
        self._next_id = 0
        self.hello = self._receive()

    def close(self):
        try:
            self._sock.close()
        except OSError:
            pass

    def _read_more(self):
        chunk = self._sock.recv(1 << 16)
        if not chunk:
            raise MarionetteError("Marionette connection closed")
        self._buffer += chunk

    def _receive(self):
        while b":" not in self._buffer:
            self._read_more()
        length, rest = self._buffer.split(b":", 1)
        length = int(length)
        self._buffer = rest
        while len(self._buffer) < length:
            self._read_more()
        body, self._buffer = self._buffer[:length], self._buffer[length:]
        return json.loads(body.decode("utf-8"))

    def command(self, name, params=None):
        self._next_id += 1
        data = json.dumps([0, self._next_id, name, params or {}]).encode("utf-8")
        self._sock.sendall(str(len(data)).encode("ascii") + b":" + data)
        while True:
            reply = self._receive()
            if reply[0] == 1 and reply[1] == self._next_id:
                if reply[2]:
                    raise MarionetteError(f"{name}: {reply[2]}")
                return reply[3]

    def start_chrome_session(self):
        self.command("WebDriver:NewSession", {"capabilities": {"alwaysMatch": {}}})
        self.command("Marionette:SetContext", {"value": "chrome"})

    def run(self, script, *args, timeout_s=120):
        """Run an async chrome-privileged script: its body gets ``args`` and ``resolve``
        (the last argument). Returns what it resolves to."""
        self.command("WebDriver:SetTimeouts", {"script": int(timeout_s * 1000)})
        result = self.command("WebDriver:ExecuteAsyncScript", {
            "script": script, "args": list(args), "newSandbox": False, "sandbox": "system"})
        return result.get("value") if isinstance(result, dict) else result
