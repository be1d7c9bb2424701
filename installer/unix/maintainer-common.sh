# Shared by the .deb and .rpm maintainer scripts (pasted into each, POSIX sh). The names between
# at-signs come from cmake/identity.cmake (string(CONFIGURE)). Paths are fixed by the package.
BCCSHIELD_HOST=/usr/bin/bccshield-host
BCCSHIELD_ETC=@BCCSHIELD_SYSTEM_CONFIG_DIR@
BCCSHIELD_AUDIT_KEY=$BCCSHIELD_ETC/audit.key
BCCSHIELD_STATE_DIR=/var/lib/bccshield
BCCSHIELD_STATE=/var/lib/bccshield/thunderbird-policy.json
BCCSHIELD_TB_POLICIES=/etc/thunderbird/policies/policies.json
BCCSHIELD_XPI_URL=file:///usr/share/bccshield/bccshield.xpi

# Creates the per-installation audit secret once (kept across upgrades; see docs/ADMIN.md for
# why it is 0644 root:root) and force-installs the extension through Thunderbird's policies.
bccshield_configure() {
  if [ ! -e "$BCCSHIELD_AUDIT_KEY" ]; then
    "$BCCSHIELD_HOST" audit keygen --output "$BCCSHIELD_AUDIT_KEY" --mode 0644
  fi
  mkdir -p "$BCCSHIELD_STATE_DIR"
  chmod 0755 "$BCCSHIELD_STATE_DIR"
  "$BCCSHIELD_HOST" policy thunderbird add --file "$BCCSHIELD_TB_POLICIES" \
    --xpi-url "$BCCSHIELD_XPI_URL" --state "$BCCSHIELD_STATE"
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
