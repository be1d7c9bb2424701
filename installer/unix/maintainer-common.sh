# Shared by the .deb and .rpm maintainer scripts (pasted into each, POSIX sh). The names between
# at-signs come from cmake/identity.cmake (string(CONFIGURE)). Paths are fixed by the package.
BCCSHIELD_HOST=/usr/bin/bccshield-host
BCCSHIELD_ETC=@BCCSHIELD_SYSTEM_CONFIG_DIR@
BCCSHIELD_AUDIT_KEY=$BCCSHIELD_ETC/audit.key
BCCSHIELD_STATE_DIR=/var/lib/bccshield
BCCSHIELD_STATE=/var/lib/bccshield/thunderbird-policy.json
BCCSHIELD_TB_POLICIES=/etc/thunderbird/policies/policies.json
BCCSHIELD_XPI_URL=file:///usr/share/bccshield/bccshield.xpi
# The admin's packaging choices (docs/ADMIN.md), read at every configure so upgrades keep them:
#   lock-on-host-error = block|ask   lock the extension's onHostError in policies.json
BCCSHIELD_PACKAGING_CONF=$BCCSHIELD_ETC/packaging.conf

# The value of `lock-on-host-error` in packaging.conf ("" when unset); fails on a bad value.
bccshield_host_error_lock() {
  [ -r "$BCCSHIELD_PACKAGING_CONF" ] || return 0
  value=$(sed -n 's/^[[:space:]]*lock-on-host-error[[:space:]]*=[[:space:]]*\([^[:space:]]*\)[[:space:]]*$/\1/p' \
    "$BCCSHIELD_PACKAGING_CONF" | tail -n 1)
  case "$value" in
    ""|block|ask) echo "$value" ;;
    *) echo "bccshield: $BCCSHIELD_PACKAGING_CONF: lock-on-host-error must be block or ask, not '$value'" >&2
       return 1 ;;
  esac
}

# Said when the force-install could not be written: the package is on disk, but Thunderbird
# will not install the extension, so nothing guards Send until the admin acts.
bccshield_merge_failed() {
  echo "bccshield: ERROR: could not add BccShield's force-install entry to $BCCSHIELD_TB_POLICIES" >&2
  echo "bccshield: (see the message above). Thunderbird will NOT install the BccShield extension" >&2
  echo "bccshield: until this is fixed: repair the file, then re-run the package configuration" >&2
  echo "bccshield: (dpkg --configure -a, or reinstall the rpm)." >&2
}

# Creates the per-installation audit secret once (kept across upgrades; see docs/ADMIN.md for
# why it is 0644 root:root) and force-installs the extension through Thunderbird's policies.
# Every step is checked by hand: `set -e` does not apply inside a function called with `||`.
# Returns non-zero, after saying why, when any step fails.
bccshield_configure() {
  if [ ! -e "$BCCSHIELD_AUDIT_KEY" ]; then
    "$BCCSHIELD_HOST" audit keygen --output "$BCCSHIELD_AUDIT_KEY" --mode 0644 || return 1
  fi
  mkdir -p "$BCCSHIELD_STATE_DIR" && chmod 0755 "$BCCSHIELD_STATE_DIR" || return 1
  lock=$(bccshield_host_error_lock) || { bccshield_merge_failed; return 1; }
  if ! "$BCCSHIELD_HOST" policy thunderbird add --file "$BCCSHIELD_TB_POLICIES" \
      --xpi-url "$BCCSHIELD_XPI_URL" --state "$BCCSHIELD_STATE" \
      ${lock:+--lock-on-host-error "$lock"}; then
    bccshield_merge_failed
    return 1
  fi
}

# Takes exactly BccShield's entry back out of policies.json (while the host binary still exists).
bccshield_unconfigure() {
  if [ -x "$BCCSHIELD_HOST" ]; then
    if ! "$BCCSHIELD_HOST" policy thunderbird remove --file "$BCCSHIELD_TB_POLICIES" --state "$BCCSHIELD_STATE"; then
      echo "bccshield: could not remove the BccShield entry from $BCCSHIELD_TB_POLICIES; remove" \
        "policies.ExtensionSettings[\"@BCCSHIELD_EXTENSION_ID@\"] by hand" >&2
    fi
  fi
}

# What only the package created at run time (not in its file list).
bccshield_forget_state() {
  rm -f "$BCCSHIELD_STATE"
  rmdir "$BCCSHIELD_STATE_DIR" 2>/dev/null || true
}

bccshield_purge() {
  bccshield_forget_state
  rm -f "$BCCSHIELD_AUDIT_KEY"
  rmdir "$BCCSHIELD_ETC" 2>/dev/null || true
}
