#!/bin/sh
# Undoes install-user.sh for the current user.
#
#   sh uninstall-user.sh [--purge]
#
# Removes the per-user host, manifest and XPI copy. Keeps your audit log
# (~/.local/state/bccshield) and audit key unless --purge is given. Remove the extension itself
# in Thunderbird: Tools > Add-ons and Themes > BccShield > Remove.
set -eu
purge=""
case "${1:-}" in
  --purge) purge=1 ;;
  "") ;;
  -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
  *) echo "uninstall-user.sh: unknown argument $1" >&2; exit 2 ;;
esac
data="${XDG_DATA_HOME:-$HOME/.local/share}/bccshield"
config="${XDG_CONFIG_HOME:-$HOME/.config}/bccshield"
state="${XDG_STATE_HOME:-$HOME/.local/state}/bccshield"
record="$data/installed-files"
manifest="$HOME/.mozilla/native-messaging-hosts/org.bccshield.host.json"

if [ -f "$record" ]; then
  while IFS= read -r line; do
    case "$line" in
      "key "*) [ -n "$purge" ] && rm -f "${line#key }" ;;
      *) rm -f "$line"; rmdir "$(dirname "$line")" 2>/dev/null || true ;;
    esac
  done < "$record"
  rm -f "$record"
else
  rm -f "$manifest"
fi
rmdir "$data" "$HOME/.mozilla/native-messaging-hosts" 2>/dev/null || true
if [ -n "$purge" ]; then
  rm -f "$config/audit.key" "$state/audit.jsonl"
  rmdir "$config" "$state" 2>/dev/null || true
fi
echo "BccShield removed for $(id -un)${purge:+ (audit log and key too)}."
echo "Remove the extension in Thunderbird: Tools > Add-ons and Themes > BccShield > Remove."
