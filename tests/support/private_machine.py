"""The test switch for serve mode (HACKING.md, "Testing the host with its own /etc").

Serve mode honours no BCCSHIELD_* variable unless a root-owned /etc/bccshield/host.conf allows
it, so tests give the REAL binary its machine files instead: the command runs in a private mount
namespace (unshare) where /etc/bccshield and /var/lib/bccshield are this object's scratch folders.
Nothing reaches the machine's real /etc or /var/lib, and no user can do the same without root.
"""
import os
import shlex
import shutil
import tempfile

CONFIG_DIR = "/etc/bccshield"        # cmake/identity.cmake: BCCSHIELD_SYSTEM_CONFIG_DIR
STATE_DIR = "/var/lib/bccshield"     # BCCSHIELD_SYSTEM_STATE_DIR


def _submounts(folder):
    """Mount points below `folder` (Docker binds /etc/hosts, /etc/resolv.conf ...): an overlay on
    `folder` would hide them, so they are bound again on top of it."""
    found = []
    try:
        with open("/proc/self/mountinfo", encoding="utf-8") as handle:
            for line in handle:
                point = line.split()[4].replace("\\040", " ")
                if point.startswith(folder + "/") and not point.startswith(CONFIG_DIR) \
                        and not point.startswith(STATE_DIR):
                    found.append(point)
    except OSError:
        pass
    return found


class PrivateMachine:
    """Scratch machine folders; `command(args)` runs args where they are the system's."""

    def __init__(self, root=None):
        self.root = root or tempfile.mkdtemp(prefix="bccshield-machine-")
        os.makedirs(self.root, exist_ok=True)
        os.chmod(self.root, 0o755)
        self.etc = os.path.join(self.root, "etc-bccshield")      # seen as /etc/bccshield
        self.state = os.path.join(self.root, "var-lib-bccshield")  # seen as /var/lib/bccshield
        for folder in (self.etc, self.state):
            os.makedirs(folder, exist_ok=True)
            os.chmod(folder, 0o755)

    def write(self, name, data, mode=0o644, folder=None):
        """Writes a machine file (bytes or text) as root would install it; returns its real path."""
        path = os.path.join(folder or self.etc, name)
        with open(path, "wb") as handle:
            handle.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        os.chmod(path, mode)
        return path

    def remove(self, name, folder=None):
        try:
            os.remove(os.path.join(folder or self.etc, name))
        except FileNotFoundError:
            pass

    def seen(self, name):
        """The path of machine file `name` as the host sees it."""
        return os.path.join(CONFIG_DIR, name)

    def allow_environment_overrides(self, mode=0o644):
        """The root-owned host.conf that lets serve mode honour BCCSHIELD_* (replies: overridden)."""
        return self.write("host.conf", "allow-environment-overrides = true\n", mode)

    def _mount(self, mounted, source, name, steps):
        """Steps that show `source` at `mounted`; a missing `mounted` is made by an overlay on its
        nearest existing folder above (the real folder is never written)."""
        if not os.path.isdir(mounted):
            base = os.path.dirname(mounted)
            while not os.path.isdir(base):
                base = os.path.dirname(base)
            # One upper and work folder per command: overlayfs refuses a work folder another
            # mount is using, and tests start several hosts of one machine at once.
            variable = "overlay_" + name.replace("-", "_")
            steps.append(f"{variable}=$(mktemp -d {shlex.quote(os.path.join(self.root, 'overlay-' + name))}.XXXXXX)")
            upper, work = f"${variable}/upper", f"${variable}/work"
            steps.append(f"mkdir -p {upper}/{shlex.quote(os.path.relpath(mounted, base))} {work}")
            steps.append(f"chmod {os.stat(base).st_mode & 0o7777:o} {upper}")
            kept = []
            for index, point in enumerate(_submounts(base)):
                keep = os.path.join(self.root, f"keep-{name}-{index}")
                if os.path.isdir(point):
                    os.makedirs(keep, exist_ok=True)
                else:
                    open(keep, "a").close()
                steps.append(f"mount --bind {shlex.quote(point)} {shlex.quote(keep)}")
                kept.append((keep, point))
            steps.append(f"mount -t overlay overlay -o lowerdir={base},upperdir={upper},workdir={work} {base}")
            steps += [f"mount --bind {shlex.quote(keep)} {shlex.quote(point)}" for keep, point in kept]
        steps.append(f"mount --bind {shlex.quote(source)} {shlex.quote(mounted)}")

    def command(self, args, binds=None):
        """`args` in a private mount namespace with this machine's folders (and each extra
        {target folder: source folder} bind, e.g. a system native-messaging folder) in place."""
        if not shutil.which("unshare"):
            raise RuntimeError("unshare(1) is needed to give the host a private /etc/bccshield")
        steps = ["set -e"]
        self._mount(CONFIG_DIR, self.etc, "etc", steps)
        self._mount(STATE_DIR, self.state, "var-lib", steps)
        for index, (target, source) in enumerate((binds or {}).items()):
            self._mount(target, source, f"bind-{index}", steps)
        namespace = ["unshare", "-m", "--propagation", "private"] if os.geteuid() == 0 else \
            ["unshare", "-r", "-m", "--propagation", "private"]
        return namespace + ["sh", "-c", " && ".join(steps) + ' && exec "$@"', "bccshield-private-machine"] + list(args)

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


class WineMachine:
    """The same switch for bccshield-host.exe under Wine (BCCSHIELD_HOST_RUNNER=wine). Windows
    reads the machine files from `<exe folder>\\policy\\` (platform_win32.cpp, machine_file),
    so a machine is a scratch install folder inside the Wine prefix: a link to (or copy of) the
    exe and its policy folder. `command` runs that exe instead of $BCCSHIELD_HOST. Wine keeps
    the Unix owner and mode as the Windows owner and access list, so files written here as
    root, 0644 in 0755 folders, are administrators-only for platform::admin_only as on Linux."""

    def __init__(self, root=None):
        drive_c = os.path.join(os.environ["WINEPREFIX"], "drive_c")
        if root is None or not os.path.abspath(root).startswith(drive_c + os.sep):
            base = os.path.join(drive_c, "bccshield-machines")
            os.makedirs(base, exist_ok=True)
            os.chmod(base, 0o755)
            root = tempfile.mkdtemp(prefix="bccshield-machine-", dir=base)
        self.root = root
        os.makedirs(self.root, exist_ok=True)
        os.chmod(self.root, 0o755)
        self.host = os.environ["BCCSHIELD_HOST"]
        install = os.path.join(self.root, "BccShield")
        self.etc = os.path.join(install, "policy")
        self.state = self.etc  # Windows keeps every machine file in the policy folder
        os.makedirs(self.etc, exist_ok=True)
        for folder in (install, self.etc):
            os.chmod(folder, 0o755)
        self.exe = os.path.join(install, os.path.basename(self.host))
        try:
            os.link(self.host, self.exe)  # a hard link: the exe's own path is inside this folder
        except OSError:
            shutil.copyfile(self.host, self.exe)
            os.chmod(self.exe, 0o755)

    def seen(self, name):
        """The path of machine file `name` as the host sees it: C:\\...\\policy\\name."""
        drive_c = os.path.join(os.environ["WINEPREFIX"], "drive_c")
        return "C:\\" + os.path.relpath(os.path.join(self.etc, name), drive_c).replace("/", "\\")

    write = PrivateMachine.write
    remove = PrivateMachine.remove
    allow_environment_overrides = PrivateMachine.allow_environment_overrides

    def command(self, args, binds=None):
        """`args` (["wine", $BCCSHIELD_HOST, ...]) with this machine's exe in the host's place."""
        if binds:
            raise RuntimeError("extra folders (binds) have no Windows form in WineMachine")
        return [self.exe if arg == self.host else arg for arg in args]

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


if os.environ.get("BCCSHIELD_HOST_RUNNER", "") == "wine":
    PrivateMachine = WineMachine  # noqa: F811  (every test gets the machine its host reads)


def without_overrides(env):
    """`env` without BCCSHIELD_* variables (the host would drop them in serve mode anyway)."""
    return {key: value for key, value in env.items() if not key.startswith("BCCSHIELD_")}
