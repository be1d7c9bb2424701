#!/bin/sh
# BccShield per-user install, no root needed (for people without IT).
#
#   sh install-user.sh [--host PATH] [--xpi PATH] [--prefix DIR]
#
# Installs, for the current user only:
#   DIR/lib/bccshield/bccshield-host                  (DIR: --prefix, default ~/.local)
#   $XDG_DATA_HOME/bccshield/bccshield.xpi             (default ~/.local/share)
#   ~/.mozilla/native-messaging-hosts/org.bccshield.host.json   (where Thunderbird looks, per user)
#   $XDG_CONFIG_HOME/bccshield/audit.key (0600)        unless /etc/bccshield/audit.key exists
# then tells you how to add the extension in Thunderbird (an unprivileged installer cannot
# force-install it: that needs root and /etc/thunderbird/policies). Undo: uninstall-user.sh.
# Refuses when the system package already registered the host: Thunderbird reads the per-user
# manifest first, so a copy here would shadow the managed one and pin a version that package
# upgrades never reach (docs/ADMIN.md, "Which host answered").
set -eu

here=$(cd "$(dirname "$0")" && pwd)
host=""
xpi=""
prefix="${HOME}/.local"
while [ $# -gt 0 ]; do
  case "$1" in
    --host) host=$2; shift 2 ;;
    --xpi) xpi=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "install-user.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
# Defaults: files next to this script (a bundle), else the system package's.
[ -n "$host" ] || for candidate in "$here/bccshield-host" /usr/bin/bccshield-host; do
  [ -x "$candidate" ] && { host=$candidate; break; }
done
[ -n "$xpi" ] || for candidate in "$here/bccshield.xpi" /usr/share/bccshield/bccshield.xpi; do
  [ -f "$candidate" ] && { xpi=$candidate; break; }
done
[ -n "$host" ] && [ -x "$host" ] || { echo "install-user.sh: no bccshield-host found (use --host)" >&2; exit 2; }
[ -n "$xpi" ] && [ -f "$xpi" ] || { echo "install-user.sh: no bccshield.xpi found (use --xpi)" >&2; exit 2; }

# Gecko's system folders on Linux (NativeManifests.sys.mjs: /usr/lib/mozilla and
# /usr/lib64/mozilla, after ~/.mozilla).
for system_dir in /usr/lib/mozilla/native-messaging-hosts /usr/lib64/mozilla/native-messaging-hosts; do
  if [ -e "$system_dir/org.bccshield.host.json" ]; then
    echo "install-user.sh: refused: BccShield is installed for the whole machine ($system_dir/org.bccshield.host.json)." >&2
    echo "A per-user copy would shadow it (Thunderbird looks in ~/.mozilla first) and pin a stale host" >&2
    echo "that package upgrades never reach. Nothing to do: the system install already serves you." >&2
    exit 3
  fi
done

data="${XDG_DATA_HOME:-$HOME/.local/share}/bccshield"
config="${XDG_CONFIG_HOME:-$HOME/.config}/bccshield"
libdir="$prefix/lib/bccshield"
manifest_dir="$HOME/.mozilla/native-messaging-hosts"
manifest="$manifest_dir/org.bccshield.host.json"
record="$data/installed-files"

umask 022
mkdir -p "$libdir" "$data" "$manifest_dir"
cp -f "$host" "$libdir/bccshield-host.new" && chmod 0755 "$libdir/bccshield-host.new"
mv -f "$libdir/bccshield-host.new" "$libdir/bccshield-host"
cp -f "$xpi" "$data/bccshield.xpi" && chmod 0644 "$data/bccshield.xpi"
"$libdir/bccshield-host" manifest --host-path "$libdir/bccshield-host" > "$manifest.new"
mv -f "$manifest.new" "$manifest"
created_key=""
if [ ! -e /etc/bccshield/audit.key ] && [ ! -e "$config/audit.key" ]; then
  mkdir -p "$config" && chmod 0700 "$config"
  "$libdir/bccshield-host" audit keygen --output "$config/audit.key" --mode 0600 >/dev/null
  created_key="$config/audit.key"
fi
{
  echo "$libdir/bccshield-host"
  echo "$data/bccshield.xpi"
  echo "$manifest"
  [ -z "$created_key" ] || echo "key $created_key"
} > "$record"

echo "BccShield installed for $(id -un):"
echo "  host      $libdir/bccshield-host"
echo "  manifest  $manifest"
echo "  extension $data/bccshield.xpi"
echo "Now add the extension in Thunderbird: Tools > Add-ons and Themes > (gear) >"
echo "Install Add-on From File... > $data/bccshield.xpi, then restart Thunderbird."
