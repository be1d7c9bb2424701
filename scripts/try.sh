#!/bin/sh
# Try BccShield: build everything, then open Thunderbird in a throwaway profile wired to a
# local SMTP sink (127.0.0.1), with the extension and the native host registered for that
# profile only, and a compose window holding a tourism-office mailing. Press Send.
# Without a display, the same scenario runs headless and prints what happened.
# Marionette (Thunderbird's unauthenticated, chrome-privileged remote control, used to set the
# scenario up on a random 127.0.0.1 port) is closed before the window is yours: the script says so.
# Your real Thunderbird profile and HOME are never touched.
#   scripts/try.sh [--locale fr] [--recipients 280] [--headless]
# Installs what is missing (Debian packages: the build tools, thunderbird, xvfb, python3-aiosmtpd)
# and builds only the host and the XPI, in build/try (no tests, benchmarks or Outlook engine).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD="$ROOT/build/try"
cd "$ROOT"
scripts/install-deps.sh try
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBCCSHIELD_BUILD_TESTS=OFF \
  -DBCCSHIELD_BUILD_BENCHMARKS=OFF -DBCCSHIELD_BUILD_OUTLOOK=OFF >/dev/null
cmake --build "$BUILD" -j2 --target bccshield_host bccshield_xpi
exec /usr/bin/python3 "$ROOT/tests/e2e/try_bccshield.py" \
  --host "$BUILD/host/bccshield-host" --xpi "$BUILD/extension/bccshield.xpi" \
  --artifacts "${BCCSHIELD_ARTIFACTS:-$BUILD/artifacts/try}" "$@"
