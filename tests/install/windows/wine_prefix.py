"""A private, headless Wine prefix for the MSI tests, with the two Wine traps of
windows-facts.md avoided: the wineserver is started detached with /dev/null stdio, and one
program is run first with /dev/null stdio, so Wine's services never hold a test's pipes
(otherwise every later run waits for them, or hangs with a persistent server)."""
import os
import shutil
import subprocess


class WinePrefix:
    def __init__(self, folder):
        self.folder = os.path.abspath(folder)
        self.env = {
            "PATH": "/usr/bin:/bin",
            "HOME": os.path.join(self.folder, "home"),
            "LANG": "C.UTF-8",
            "WINEPREFIX": os.path.join(self.folder, "prefix"),
            "WINEARCH": "win64",
            "WINEDEBUG": "-all",
            # Debian ships neither Wine Mono nor Wine Gecko: skip the offers to download them.
            "WINEDLLOVERRIDES": "mscoree,mshtml=",
        }  # no DISPLAY: console programs, msiexec /qn and reg need none
        self._server = None

    def start(self):
        """A fresh prefix (wineboot ~6 s) and a warm server."""
        shutil.rmtree(self.folder, ignore_errors=True)
        os.makedirs(self.env["HOME"])
        os.makedirs(self.env["WINEPREFIX"])  # the server refuses to start without its prefix folder
        quiet = {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        # The server first: a program started without one would start its own, short-lived one.
        self._server = subprocess.Popen(["wineserver", "--persistent", "--foreground"], env=self.env,
                                        start_new_session=True, **quiet)
        subprocess.run(["wine", "wineboot", "--init"], env=self.env, check=True, timeout=300, **quiet)
        subprocess.run(["wine", "cmd", "/c", "exit"], env=self.env, check=True, timeout=300, **quiet)

    def stop(self):
        """Stops the server this prefix started (and every Wine process of this prefix)."""
        if self._server is None:
            return
        subprocess.run(["wineserver", "--kill"], env=self.env, timeout=60,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            self._server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._server.kill()
        self._server = None

    def run(self, *args, input=None, cwd=None, timeout=300):
        """A Windows program; returns the CompletedProcess (bytes)."""
        return subprocess.run(["wine", *args], env=self.env, input=input if input is not None else b"",
                              capture_output=True, cwd=cwd, timeout=timeout)

    def unix_path(self, windows_path):
        """C:\\... inside this prefix (drive C only: the tests never name another drive)."""
        drive, rest = windows_path[:2], windows_path[2:]
        assert drive.upper() == "C:", windows_path
        return os.path.join(self.env["WINEPREFIX"], "drive_c", *[p for p in rest.split("\\") if p])
