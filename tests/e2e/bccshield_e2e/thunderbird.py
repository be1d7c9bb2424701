"""A throwaway Thunderbird: scratch HOME and profile, Xvfb (or --headless), Marionette,
SMTP sink on 127.0.0.1, the BccShield XPI and native host registered for this HOME only.

Never touches the user's real profile or HOME: everything lives under ``root``.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "support"))
from private_machine import PrivateMachine, without_overrides  # noqa: E402  (serve-mode test switch)

from .marionette import Marionette
from .smtp_sink import SmtpSink, free_port

EXTENSION_ID = "bccshield@bccshield.org"
HOST_NAME = "org.bccshield.host"
SENDER_NAME = "Office de Tourisme"
SENDER_EMAIL = "accueil@tourisme-lac.example"
THUNDERBIRD = "/usr/lib/thunderbird/thunderbird"
SYSTEM_POLICIES_DIR = "/etc/thunderbird/policies"
SYSTEM_NATIVE_MANIFEST_DIRS = ("/usr/lib/mozilla/native-messaging-hosts", "/usr/lib64/mozilla/native-messaging-hosts")

USER_JS = """\
// One POP3 account never polled, Local Folders, loopback SMTP; quiet first run.
user_pref("mail.accountmanager.accounts", "account1,account2");
user_pref("mail.accountmanager.defaultaccount", "account1");
user_pref("mail.accountmanager.localfoldersserver", "server2");
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.account.account2.server", "server2");
user_pref("mail.server.server1.type", "pop3");
user_pref("mail.server.server1.hostname", "127.0.0.1");
user_pref("mail.server.server1.port", 1);
user_pref("mail.server.server1.userName", "accueil");
user_pref("mail.server.server1.name", "Office");
user_pref("mail.server.server1.login_at_startup", false);
user_pref("mail.server.server1.check_new_mail", false);
user_pref("mail.server.server1.directory-rel", "[ProfD]Mail/office");
user_pref("mail.server.server2.type", "none");
user_pref("mail.server.server2.hostname", "Local Folders");
user_pref("mail.server.server2.userName", "nobody");
user_pref("mail.server.server2.name", "Local Folders");
user_pref("mail.server.server2.directory-rel", "[ProfD]Mail/Local Folders");
user_pref("mail.identity.id1.fullName", "@SENDER_NAME@");
user_pref("mail.identity.id1.useremail", "@SENDER_EMAIL@");
user_pref("mail.identity.id1.smtpServer", "smtp1");
user_pref("mail.identity.id1.valid", true);
user_pref("mail.identity.id1.fcc", false);
user_pref("mail.identity.id1.compose_html", false);
user_pref("mail.smtpservers", "smtp1");
user_pref("mail.smtp.defaultserver", "smtp1");
user_pref("mail.smtpserver.smtp1.type", "smtp");
user_pref("mail.smtpserver.smtp1.hostname", "127.0.0.1");
user_pref("mail.smtpserver.smtp1.port", @SMTP_PORT@);
user_pref("mail.smtpserver.smtp1.authMethod", 1);
user_pref("mail.smtpserver.smtp1.try_ssl", 0);
user_pref("mail.smtpserver.smtp1.username", "");
user_pref("mail.shell.checkDefaultClient", false);
user_pref("mail.provider.enabled", false);
user_pref("mailnews.start_page.enabled", false);
user_pref("mail.rights.version", 1);
user_pref("mail.spotlight.firstRunDone", true);
user_pref("app.update.enabled", false);
user_pref("app.update.auto", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("toolkit.telemetry.enabled", false);
user_pref("extensions.update.enabled", false);
user_pref("extensions.getAddons.cache.enabled", false);
user_pref("extensions.autoDisableScopes", 0);
user_pref("app.donation.eoy.version.viewed", 999);
user_pref("mailnews.sendInBackground", false);
user_pref("mail.warn_on_send_accel_key", false);
user_pref("network.dns.disableIPv6", true);
user_pref("network.proxy.type", 0);
user_pref("browser.dom.window.dump.enabled", true);
user_pref("devtools.console.stdout.chrome", true);
user_pref("extensions.logging.enabled", false);
user_pref("marionette.port", @MARIONETTE_PORT@);
user_pref("intl.locale.requested", "@LOCALE@");
"""


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def native_manifest(host_path):
    return {"name": HOST_NAME, "description": "BccShield native host (test)",
            "path": os.path.abspath(host_path), "type": "stdio",
            "allowed_extensions": [EXTENSION_ID]}


class Thunderbird:
    """Start with ``with Thunderbird(...) as tb:``; everything stops on exit."""

    def __init__(self, host, xpi, artifacts, locale="en-US", headless=None, root=None, keep_root=False,
                 display=None, prefs=None, enterprise_policies=None):
        self.host = host
        self.xpi = os.path.abspath(xpi)
        self.artifacts = artifacts
        self.locale = locale
        self.headless = headless if headless is not None else False
        self.root = root or tempfile.mkdtemp(prefix="bccshield-e2e-")
        self.keep_root = keep_root
        self.home = os.path.join(self.root, "home")
        self.profile = os.path.join(self.root, "profile")
        # The host Thunderbird starts honours no BCCSHIELD_* variable (issue 11): it reads its
        # policy from /etc/bccshield, which is `machine.etc` in Thunderbird's private mount
        # namespace (tests/support/private_machine.py), and writes the audit log under HOME.
        self.machine = PrivateMachine(os.path.join(self.root, "machine"))
        self.audit_log = os.path.join(self.home, ".local", "state", "bccshield", "audit.jsonl")
        self.policy_path = os.path.join(self.machine.etc, "policy.json")
        self.log_path = os.path.join(self.root, "thunderbird.log")
        self.sink = None
        self.marionette = None
        self._xvfb = None
        self._thunderbird = None
        self._log = None
        self.prefs = dict(prefs or {})
        self.enterprise_policies = enterprise_policies
        self._hidden = {}
        self.display = display  # an existing X display to use (the "try" command); else Xvfb

    # ----- lifecycle -------------------------------------------------------------
    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        os.makedirs(self.home, exist_ok=True)
        os.makedirs(self.artifacts, exist_ok=True)
        self.sink = SmtpSink(os.path.join(self.root, "sink")).start()
        marionette_port = free_port()
        user_js = (USER_JS.replace("@SMTP_PORT@", str(self.sink.port))
                   .replace("@MARIONETTE_PORT@", str(marionette_port))
                   .replace("@LOCALE@", self.locale)
                   .replace("@SENDER_NAME@", SENDER_NAME)
                   .replace("@SENDER_EMAIL@", SENDER_EMAIL))
        prefs = dict(self.prefs)
        self._hidden = self._system_paths_to_hide()
        if self.enterprise_policies is not None:
            policies_dir = os.path.join(self.root, "etc-thunderbird-policies")
            _write(os.path.join(policies_dir, "policies.json"),
                   json.dumps({"policies": self.enterprise_policies}, indent=1))
            if SYSTEM_POLICIES_DIR in self._hidden:
                # Thunderbird sees our policies.json in place of the system one.
                self._hidden[SYSTEM_POLICIES_DIR] = policies_dir
            else:
                # No system policies: in automation (Marionette + this pref +
                # MOZ_DISABLE_NONLOCAL_CONNECTIONS) Thunderbird accepts another path.
                prefs["security.turn_off_all_security_so_that_viruses_can_take_over_this_computer"] = True
                prefs["browser.policies.alternatePath"] = os.path.join(policies_dir, "policies.json")
        for name, value in prefs.items():
            user_js += f"user_pref({json.dumps(name)}, {json.dumps(value)});\n"
        _write(os.path.join(self.profile, "user.js"), user_js)
        self.install_host_manifest()
        self.set_policy({})
        env = without_overrides(os.environ)
        for key in ("MOZ_HEADLESS", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XAUTHORITY", "XDG_STATE_HOME"):
            env.pop(key, None)
        env.update({"HOME": self.home, "XDG_CONFIG_HOME": os.path.join(self.home, ".config"),
                    "XDG_CACHE_HOME": os.path.join(self.home, ".cache"),
                    "XDG_DATA_HOME": os.path.join(self.home, ".local", "share"),
                    "TMPDIR": os.path.join(self.root, "tmp"),
                    "MOZ_CRASHREPORTER_DISABLE": "1", "MOZ_DISABLE_CONTENT_SANDBOX": "0",
                    "MOZ_DISABLE_NONLOCAL_CONNECTIONS": "1",  # loopback only, whatever a pref says
                    "LANG": "C.UTF-8"})
        os.makedirs(env["TMPDIR"], exist_ok=True)
        args = [THUNDERBIRD, "--no-remote", "--profile", self.profile, "--marionette",
                "--remote-allow-system-access"]
        args = self._in_private_mounts(args)
        if self.headless:
            env.pop("DISPLAY", None)
            args.append("--headless")
        else:
            if not self.display:
                self.display = self._start_xvfb()
            env["DISPLAY"] = self.display
        self._log = open(self.log_path, "wb")
        self._thunderbird = subprocess.Popen(args, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL, start_new_session=True)
        self.marionette = Marionette(marionette_port, connect_timeout=180)
        self.marionette.start_chrome_session()
        self._wait_main_window()
        self.install_extension()

    def _system_paths_to_hide(self):
        """System paths that would leak the machine's own BccShield set-up into the test
        (an installed policies.json force-installing another XPI, a system host manifest):
        each existing one is covered, for Thunderbird only, by an empty scratch folder."""
        hidden = {}
        for path in (SYSTEM_POLICIES_DIR,) + SYSTEM_NATIVE_MANIFEST_DIRS:
            if os.path.isdir(path):
                empty = os.path.join(self.root, "empty" + path.replace("/", "-"))
                os.makedirs(empty, exist_ok=True)
                hidden[path] = empty
        return hidden

    def _in_private_mounts(self, args):
        """Run ``args`` in a private mount namespace where /etc/bccshield and /var/lib/bccshield
        are this test's machine folders and each hidden system folder is replaced by its scratch
        folder (the real /etc and /usr are never written)."""
        return self.machine.command(args, binds=self._hidden)

    def _start_xvfb(self):
        read_fd, write_fd = os.pipe()
        self._xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        os.close(write_fd)
        number = b""
        deadline = time.monotonic() + 30
        while not number.endswith(b"\n") and time.monotonic() < deadline:
            chunk = os.read(read_fd, 16)
            if not chunk:
                break
            number += chunk
        os.close(read_fd)
        if not number.strip():
            raise RuntimeError("Xvfb did not report a display number")
        return ":" + number.decode().strip()

    def stop(self):
        if self.marionette:
            try:
                self.marionette.command("Marionette:Quit", {"flags": ["eForceQuit"]})
            except Exception:  # noqa: BLE001 - the process is killed below anyway
                pass
            self.marionette.close()
            self.marionette = None
        for process in (self._thunderbird, self._xvfb):
            if process is None:
                continue
            try:
                process.wait(timeout=15 if process is self._thunderbird else 0.1)
            except subprocess.TimeoutExpired:
                pass
            # Each was started in its own session: its group holds only what it started
            # (Thunderbird's content processes and native hosts).
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        self._thunderbird = self._xvfb = None
        if self.sink:
            self.sink.stop()
            self.sink = None
        if self._log:
            self._log.close()
            self._log = None
            try:
                shutil.copy(self.log_path, os.path.join(self.artifacts, f"thunderbird-{self.locale}.log"))
            except OSError:
                pass
        if not self.keep_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def background_state(self):
        """State of the extension's MV3 background: running, stopped, ..."""
        return self.js("arguments[0](WebExtensionPolicy.getByID(%s).extension.backgroundState);"
                       % json.dumps(EXTENSION_ID))

    def wait_exit(self):
        """Wait until the user quits Thunderbird (the "try" command)."""
        if self._thunderbird:
            self._thunderbird.wait()
        if self.marionette:
            self.marionette.close()
            self.marionette = None

    # ----- native host and extension ----------------------------------------------
    @property
    def host_manifest_path(self):
        return os.path.join(self.home, ".mozilla", "native-messaging-hosts", HOST_NAME + ".json")

    def install_host_manifest(self):
        _write(self.host_manifest_path, json.dumps(native_manifest(self.host), indent=2))

    def host_pids(self):
        """Running processes of the host binary (started by this Thunderbird)."""
        target = os.path.realpath(self.host)
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                if os.path.realpath(f"/proc/{entry}/exe") == target:
                    pids.append(int(entry))
            except OSError:
                continue
        return pids

    def wait_host_stopped(self, timeout_s=60):
        """Wait until no host process runs (the extension keeps one while composing)."""
        deadline = time.monotonic() + timeout_s
        while self.host_pids():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.2)
        return True

    def remove_host_manifest(self):
        """Make the host missing for this Thunderbird (its per-user manifest goes away)."""
        for folder in SYSTEM_NATIVE_MANIFEST_DIRS:
            system_manifest = os.path.join(folder, HOST_NAME + ".json")
            if folder not in self._hidden and os.path.exists(system_manifest):
                raise RuntimeError(f"{system_manifest} appeared after Thunderbird started (a system install "
                                   "running at the same time?): the host cannot be made missing")
        try:
            os.remove(self.host_manifest_path)
        except FileNotFoundError:
            pass

    def set_policy(self, policy):
        """The host's policy file (read by each host process; ``{}`` = the defaults)."""
        _write(self.policy_path, json.dumps(policy))

    def install_extension(self):
        self.marionette.command("Addon:Install", {"path": self.xpi, "temporary": True})
        state = self.js("""
const [id, resolve] = arguments;
(async () => {
  for (let i = 0; i < 600; i++) {
    const policy = WebExtensionPolicy.getByID(id);
    const ext = policy && policy.extension;
    if (ext && (ext.backgroundState === undefined || ext.backgroundState === "running")) {
      return { active: policy.active, state: ext.backgroundState ?? "unknown", version: ext.version };
    }
    await new Promise(r => setTimeout(r, 100));
  }
  return { error: "extension background did not start" };
})().then(resolve, e => resolve({ error: String(e) }));
""", EXTENSION_ID)
        if "error" in state:
            raise RuntimeError(state["error"])
        return state

    # ----- helpers ------------------------------------------------------------------
    def js(self, script, *args, timeout_s=120):
        return self.marionette.run(script, *args, timeout_s=timeout_s)

    def _wait_main_window(self):
        result = self.js("""
const [resolve] = arguments;
(async () => {
  for (let i = 0; i < 1200; i++) {
    const w = Services.wm.getMostRecentWindow("mail:3pane");
    if (w && w.document.readyState === "complete" && MailServices.accounts.defaultAccount) return true;
    await new Promise(r => setTimeout(r, 100));
  }
  return false;
})().then(resolve, e => resolve(String(e)));
""", timeout_s=180)
        if result is not True:
            raise RuntimeError(f"Thunderbird main window not ready: {result}")

    def audit_entries(self):
        try:
            with open(self.audit_log, encoding="utf-8") as handle:
                return [json.loads(line) for line in handle if line.strip()]
        except FileNotFoundError:
            return []
