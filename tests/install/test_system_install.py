"""System-wide install for real (root; only with BCCSHIELD_SYSTEM_TESTS=1, as CI sets it):
dpkg -i the .deb over a pre-existing /etc/thunderbird/policies/policies.json holding other
policies, then a real Thunderbird with a fresh HOME and NO per-user registration (the system
manifest and the force-installed extension are all it has): the popup appears and Convert works;
the audit log holds the events and no address. dpkg -r: host, manifest and XPI are gone and
policies.json holds exactly the other policies again; dpkg -P: /etc/bccshield is gone.
/etc/thunderbird/policies is restored exactly as it was afterwards, whatever happens.

Exit status 77 (skipped) without BCCSHIELD_SYSTEM_TESTS=1.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

from install_support import Scratch, check_request, frame, unframe_all
from test_audit import forms
from test_packages import build_package

POLICIES_DIR = "/etc/thunderbird/policies"
POLICIES = os.path.join(POLICIES_DIR, "policies.json")
MANIFEST = "/usr/lib/mozilla/native-messaging-hosts/org.bccshield.host.json"
XPI = "/usr/share/bccshield/bccshield.xpi"
HOST = "/usr/bin/bccshield-host"
EXTENSION_ID = "bccshield@bccshield.org"
OTHER_POLICIES = {"policies": {
    "DisableTelemetry": True,
    "DisableAppUpdate": True,
    "Preferences": {"mail.compose.warn_public_recipients.threshold": {"Value": 15, "Status": "default"}},
    "ExtensionSettings": {"*": {"installation_mode": "allowed"}}}}
E2E_DIR = os.path.join(os.environ.get("BCCSHIELD_SOURCE_DIR", ""), "tests", "e2e")


def run(*args, check=True):
    proc = subprocess.run(args, capture_output=True, text=True, timeout=600)
    print(f"$ {' '.join(args)}\n{proc.stdout}{proc.stderr}", flush=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args[0]} failed with {proc.returncode}")
    return proc


class Snapshot:
    """Every file under a folder (or its absence), to put back byte for byte."""

    def __init__(self, folder):
        self.folder = folder
        self.existed = os.path.isdir(folder)
        self.backup = tempfile.mkdtemp(prefix="bccshield-etc-backup-")
        if self.existed:
            shutil.copytree(folder, os.path.join(self.backup, "copy"), symlinks=True)

    def restore(self):
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.existed:
            shutil.copytree(os.path.join(self.backup, "copy"), self.folder, symlinks=True)
            shutil.copystat(os.path.join(self.backup, "copy"), self.folder)
        shutil.rmtree(self.backup, ignore_errors=True)


def thunderbird_convert(artifacts, audit_log):
    """A real Thunderbird, nothing registered per user: reuse the e2e harness, minus its own
    per-user manifest and temporary add-on install."""
    sys.path.insert(0, E2E_DIR)
    import run_e2e  # noqa: E402 - the e2e harness (tests/e2e)
    from bccshield_e2e.thunderbird import Thunderbird  # noqa: E402

    class SystemThunderbird(Thunderbird):
        def install_host_manifest(self):
            pass  # the system manifest under /usr/lib/mozilla must be enough

        def remove_host_manifest(self):
            pass

        def set_policy(self, policy):
            pass  # the packaged /etc/bccshield/policy.json decides, as on a deployed workstation

        def _system_paths_to_hide(self):
            return {}  # the harness hides the system set-up from ordinary e2e runs: here it is the point

        def _in_private_mounts(self, args):
            return args  # the real /etc/bccshield, not the harness's scratch machine

        def install_extension(self):
            # Force-installed from policies.json at first start: wait for it, install nothing.
            state = self.js("""
const [id, resolve] = arguments;
(async () => {
  for (let i = 0; i < 1200; i++) {
    const policy = WebExtensionPolicy.getByID(id);
    const ext = policy && policy.extension;
    if (ext && (ext.backgroundState === undefined || ext.backgroundState === "running")) {
      const { AddonManager } = ChromeUtils.importESModule("resource://gre/modules/AddonManager.sys.mjs");
      const addon = await AddonManager.getAddonByID(id);
      return { active: policy.active, version: ext.version, temporary: addon.temporarilyInstalled,
               locked: !(addon.permissions & AddonManager.PERM_CAN_UNINSTALL) };
    }
    await new Promise(r => setTimeout(r, 100));
  }
  return { error: "the force-installed extension did not start" };
})().then(resolve, e => resolve({ error: String(e) }));
""", EXTENSION_ID, timeout_s=180)
            if "error" in state:
                raise RuntimeError(state["error"])
            print(f"    force-installed extension: {state}", flush=True)
            assert state["active"] and not state["temporary"] and state["locked"], state
            return state

    tb = SystemThunderbird(HOST, XPI, artifacts, locale="en-US")
    # Serve mode ignores BCCSHIELD_AUDIT_LOG: the host writes under the scratch HOME, which the
    # harness reads (tb.audit_log); `audit_log` receives a copy for the artifacts.
    tb.policy_path = "/etc/bccshield/policy.json"
    with tb:
        assert not os.path.exists(os.path.join(tb.home, ".mozilla")), "a per-user manifest exists"
        ctx = run_e2e.Context(tb, artifacts)
        run_e2e.scenario_1_convert(ctx)
        run_e2e.scenario_3_send_anyway(ctx)
        if os.path.exists(tb.audit_log):
            shutil.copy(tb.audit_log, audit_log)
        return tb.audit_entries()


@unittest.skipUnless(os.environ.get("BCCSHIELD_SYSTEM_TESTS") == "1", "set BCCSHIELD_SYSTEM_TESTS=1 (root, changes /etc)")
class SystemInstall(unittest.TestCase):
    def test_install_thunderbird_remove(self):
        self.assertEqual(os.geteuid(), 0, "needs root")
        status = run("dpkg-query", "-W", "-f=${Status}", "bccshield", check=False).stdout
        self.assertNotIn("installed", status.replace("not-installed", ""), "bccshield is already installed")
        snapshot = Snapshot(POLICIES_DIR)
        etc_bccshield_existed = os.path.exists("/etc/bccshield")
        out = tempfile.mkdtemp(prefix="bccshield-sys-")
        try:
            deb = os.environ.get("BCCSHIELD_DEB") or build_package("DEB", out)
            os.makedirs(POLICIES_DIR, exist_ok=True)
            with open(POLICIES, "w", encoding="utf-8") as handle:
                json.dump(OTHER_POLICIES, handle, indent=2)
            run("dpkg", "-i", deb)
            self.check_installed()
            key_before = open("/etc/bccshield/audit.key", encoding="utf-8").read()
            run("dpkg", "-i", deb)  # reinstall (an upgrade's path): same result, same audit secret
            self.check_installed()
            self.assertEqual(open("/etc/bccshield/audit.key", encoding="utf-8").read(), key_before)
            self.check_host_through_system_manifest()
            if os.environ.get("BCCSHIELD_SKIP_THUNDERBIRD") != "1":
                self.check_thunderbird(out)
            run("dpkg", "-r", "bccshield")
            for path in (HOST, MANIFEST, XPI):
                self.assertFalse(os.path.exists(path), f"{path} left behind")
            with open(POLICIES, encoding="utf-8") as handle:
                self.assertEqual(json.load(handle), OTHER_POLICIES, "policies.json differs after removal")
            self.assertFalse(os.path.exists("/var/lib/bccshield"))
            # remove keeps the admin's configuration (conffiles, audit key) until purge
            self.assertTrue(os.path.exists("/etc/bccshield/policy.json"))
            self.assertTrue(os.path.exists("/etc/bccshield/audit.key"))
            run("dpkg", "-P", "bccshield")
            if not etc_bccshield_existed:
                self.assertFalse(os.path.exists("/etc/bccshield"), "/etc/bccshield left after purge")
            self.assertFalse(os.path.exists("/usr/share/bccshield"))
            self.assertFalse(os.path.exists("/usr/lib/mozilla/native-messaging-hosts"))
        finally:
            if run("dpkg-query", "-W", "-f=${Status}", "bccshield", check=False).stdout.startswith("install"):
                run("dpkg", "-P", "bccshield", check=False)
            snapshot.restore()
            shutil.rmtree(out, ignore_errors=True)

    @unittest.skipUnless(shutil.which("rpm") and shutil.which("rpmbuild"), "rpm not installed")
    def test_rpm_install_remove(self):
        """The .rpm's scripts for real (Debian's rpm: --nodeps, the libraries come from dpkg)."""
        self.assertEqual(os.geteuid(), 0, "needs root")
        folders_before = {p for p in ("/usr/lib/mozilla", "/usr/lib64/mozilla") if os.path.exists(p)}
        self.assertNotEqual(run("rpm", "-q", "bccshield", check=False).returncode, 0, "bccshield rpm installed")
        snapshot = Snapshot(POLICIES_DIR)
        etc_bccshield_existed = os.path.exists("/etc/bccshield")
        out = tempfile.mkdtemp(prefix="bccshield-rpm-")
        probe = subprocess.run(["rpm", "--help"], capture_output=True, text=True).stdout
        rpm = ["rpm", "--force-debian"] if "--force-debian" in probe else ["rpm"]
        try:
            package = build_package("RPM", out)
            os.makedirs(POLICIES_DIR, exist_ok=True)
            with open(POLICIES, "w", encoding="utf-8") as handle:
                json.dump(OTHER_POLICIES, handle, indent=2)
            run(*rpm, "-i", "--nodeps", package)
            self.check_installed()
            self.assertTrue(os.path.exists("/usr/lib64/mozilla/native-messaging-hosts/org.bccshield.host.json"))
            self.check_host_through_system_manifest()
            run(*rpm, "-U", "--replacepkgs", "--nodeps", package)  # an upgrade's path
            self.check_installed()
            run(*rpm, "-e", "--nodeps", "bccshield")
            for path in (HOST, MANIFEST, XPI, "/usr/lib64/mozilla/native-messaging-hosts/org.bccshield.host.json",
                         "/var/lib/bccshield", "/etc/bccshield/audit.key"):
                self.assertFalse(os.path.exists(path), f"{path} left behind")
            with open(POLICIES, encoding="utf-8") as handle:
                self.assertEqual(json.load(handle), OTHER_POLICIES, "policies.json differs after removal")
            if not etc_bccshield_existed:
                self.assertFalse(os.path.exists("/etc/bccshield"), "/etc/bccshield left after rpm -e")
            folders_after = {p for p in ("/usr/lib/mozilla", "/usr/lib64/mozilla") if os.path.exists(p)}
            self.assertEqual(folders_after, folders_before, "mozilla folders left after rpm -e")
        finally:
            if run("rpm", "-q", "bccshield", check=False).returncode == 0:
                run(*rpm, "-e", "--nodeps", "bccshield", check=False)
            snapshot.restore()
            shutil.rmtree(out, ignore_errors=True)

    def check_installed(self):
        for path in (HOST, MANIFEST, XPI, "/etc/bccshield/policy.json", "/etc/bccshield/audit.conf"):
            self.assertTrue(os.path.exists(path), path)
        with open(MANIFEST, encoding="utf-8") as handle:
            self.assertEqual(json.load(handle)["path"], HOST)
        key = os.stat("/etc/bccshield/audit.key")
        self.assertEqual((key.st_mode & 0o777, key.st_uid, key.st_gid), (0o644, 0, 0))
        with open(POLICIES, encoding="utf-8") as handle:
            merged = json.load(handle)
        entry = merged["policies"]["ExtensionSettings"].pop(EXTENSION_ID)
        self.assertEqual(entry, {"installation_mode": "force_installed", "install_url": "file://" + XPI})
        # The packaged host is locked in: the add-on's built-in engine never decides instead.
        locked = merged["policies"].pop("3rdparty")
        self.assertEqual(locked, {"Extensions": {EXTENSION_ID: {"engine": "host"}}})
        self.assertEqual(merged, OTHER_POLICIES, "the other policies changed")

    def check_host_through_system_manifest(self):
        scratch = Scratch("bccshield-sys-host-")
        try:
            env = {"PATH": "/usr/bin:/bin", "HOME": scratch.home}
            proc = subprocess.run([HOST, MANIFEST, EXTENSION_ID], input=frame(check_request(
                [f"p{i}@gmail.com" for i in range(10)])), capture_output=True, env=env, cwd="/usr/bin", timeout=60)
            reply = unframe_all(proc.stdout)[0]
            self.assertEqual(reply["result"]["decision"], "warn")
            self.assertEqual(reply["policy"]["status"], "ok")
            self.assertEqual(reply["policy"]["source"], "/etc/bccshield/policy.json")
            # Issue 11: the packaged host, found through the system manifest, no override.
            self.assertEqual(reply["host"], {"path": HOST, "manifest": MANIFEST, "systemHost": True,
                                             "systemManifest": True, "overridden": False})
            self.assertFalse(os.path.exists(os.path.join(scratch.home, ".config", "bccshield", "audit.key")),
                             "the host made a per-user key although the system key exists")
        finally:
            scratch.cleanup()

    def check_thunderbird(self, out):
        artifacts = os.environ.get("BCCSHIELD_ARTIFACTS", os.path.join(out, "artifacts"))
        artifacts = os.path.join(artifacts, "system-install")
        audit_log = os.path.join(out, "system-audit.jsonl")
        entries = thunderbird_convert(artifacts, audit_log)
        events = [(e["event"], e.get("decision"), e.get("choice")) for e in entries]
        print(f"    audit events: {events}", flush=True)
        self.assertIn(("check", "warn", None), events)
        self.assertIn(("report", None, "convert"), events)
        self.assertIn(("report", None, "send-anyway"), events)
        with open(audit_log, encoding="utf-8") as handle:
            text = handle.read()
        shutil.copy(audit_log, os.path.join(artifacts, "audit.jsonl"))
        self.assertNotIn("@", text)
        self.assertEqual({e.get("policySource") for e in entries if e["event"] == "check"},
                         {"/etc/bccshield/policy.json"})
        run_e2e = sys.modules["run_e2e"]
        from bccshield_e2e.mailbox import address_of, private_people  # noqa: E402
        people = [address_of(p) for p in private_people(30, seed=1)] + [run_e2e.SENDER_EMAIL]
        for address in people:
            for spelling in forms(address):
                self.assertNotIn(spelling, text)
        # The DPO's view, with the system audit key.
        lookup = run(HOST, "audit", "lookup", people[0].upper(), "--log", audit_log).stdout
        self.assertIn("2 check(s) and 2 user choice(s)", lookup)
        report = run(HOST, "audit", "report", "--log", audit_log).stdout
        with open(os.path.join(artifacts, "audit-report.txt"), "w", encoding="utf-8") as handle:
            handle.write(report)
        self.assertRegex(report, r"converted to Bcc\s+1")


if __name__ == "__main__":
    unittest.main()
