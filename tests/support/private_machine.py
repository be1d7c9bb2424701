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
            upper = os.path.join(self.root, "overlay-" + name, "upper")
            work = os.path.join(self.root, "overlay-" + name, "work")
            os.makedirs(os.path.join(upper, os.path.relpath(mounted, base)), exist_ok=True)
            os.makedirs(work, exist_ok=True)
            os.chmod(upper, os.stat(base).st_mode & 0o7777)
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


def without_overrides(env):
    """`env` without BCCSHIELD_* variables (the host would drop them in serve mode anyway)."""
    return {key: value for key, value in env.items() if not key.startswith("BCCSHIELD_")}
