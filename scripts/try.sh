#!/bin/sh
# Try BccShield: build everything, then open Thunderbird in a throwaway profile wired to a
# local SMTP sink (127.0.0.1), with the extension and the native host registered for that
# profile only, and a compose window holding a tourism-office mailing. Press Send.
# Without a display, the same scenario runs headless and prints what happened.
# Your real Thunderbird profile and HOME are never touched.
#   scripts/try.sh [--locale fr] [--recipients 280] [--headless]
# Needs (Debian): thunderbird python3-aiosmtpd cmake, and the host's build dependencies.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PRESET=${BCCSHIELD_PRESET:-dev}
BUILD="$ROOT/build/$PRESET"
cd "$ROOT"
cmake --preset "$PRESET" >/dev/null
cmake --build --preset "$PRESET" --target bccshield_host bccshield_xpi
exec /usr/bin/python3 "$ROOT/tests/e2e/try_bccshield.py" \
  --host "$BUILD/host/bccshield-host" --xpi "$BUILD/extension/bccshield.xpi" \
  --artifacts "${BCCSHIELD_ARTIFACTS:-$BUILD/artifacts/try}" "$@"
