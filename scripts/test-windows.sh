#!/usr/bin/env bash
# Tests the Windows host under Wine, headless, after scripts/build-windows.sh:
#   1. the unit tests: the gtest executable, run once (one Wine start per test would cost minutes);
#   2. the protocol, CLI and host-trust suites (tests/protocol) against bccshield-host.exe,
#      each host in its own scratch install folder (private_machine.WineMachine), through the
#      runner switch BCCSHIELD_HOST_RUNNER=wine (tests/protocol/host_process.py), the same tests
#      as for the Linux host, with Windows paths only;
#   3. with --bench: start to reply for 300 recipients under Wine against the Linux host.
# Everything runs in a private Wine prefix, build/windows/wineprefix; the wineserver started here
# is stopped at the end.
#
# Usage: scripts/test-windows.sh [--bench LINUX_HOST]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/build/windows
BENCH_LINUX_HOST=""
if [ "${1:-}" = --bench ]; then BENCH_LINUX_HOST=${2:?usage: $0 [--bench LINUX_HOST]}; fi

for file in "$OUT/bccshield-host.exe" "$OUT/tests/bccshield_unit_tests.exe"; do
  [ -f "$file" ] || { echo "test-windows: $file is missing (run scripts/build-windows.sh)" >&2; exit 1; }
done

say() { echo "=== test-windows $(date -u +%T) $*"; }

# --- a private, headless Wine ------------------------------------------------------------------
# No Mono or Gecko in Debian's Wine: overriding them skips the install prompts. No DISPLAY:
# console programs, msiexec /qn and reg need none.
export WINEPREFIX=$OUT/wineprefix WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY
if [ ! -d "$WINEPREFIX/drive_c" ]; then
  say "wineboot --init ($WINEPREFIX)"
  wine wineboot --init </dev/null >/dev/null 2>&1
fi
# The first program on a fresh wineserver starts Wine's services, which inherit its stdout and
# stderr: started from a test's pipes, every later run waits for them (or forever with -p). So:
# a persistent server detached from our stdio, and one warm-up program with /dev/null stdio.
setsid wineserver -p </dev/null >/dev/null 2>&1 &
stop_wine() { wineserver -k >/dev/null 2>&1 || true; }
trap stop_wine EXIT
sleep 0.5
wine cmd /c exit </dev/null >/dev/null 2>&1

# The host lives on C: like an installed one: its machine files (platform::machine_file) are
# then C:\BccShield-test\policy\..., never a path of the build machine.
HOST_DIR=$WINEPREFIX/drive_c/BccShield-test
rm -rf "$HOST_DIR" "$WINEPREFIX/drive_c/bccshield-tests" "$WINEPREFIX/drive_c/bccshield-machines"
mkdir -p "$HOST_DIR"
cp "$OUT/bccshield-host.exe" "$HOST_DIR/"
failed=0

# --- 1. unit tests -----------------------------------------------------------------------------
say "unit tests (gtest, once)"
if ! wine "$OUT/tests/bccshield_unit_tests.exe" --gtest_brief=1 </dev/null; then
  failed=1
fi

# --- 2. protocol and CLI suites ----------------------------------------------------------------
say "protocol, CLI and host-trust suites against bccshield-host.exe"
if ! (cd tests/protocol && BCCSHIELD_HOST_RUNNER=wine BCCSHIELD_HOST="$HOST_DIR/bccshield-host.exe" \
        BCCSHIELD_VECTORS="$ROOT/tests/vectors" PYTHONDONTWRITEBYTECODE=1 \
        python3 -m unittest test_host_binary test_cli test_host_trust); then
  failed=1
fi

# --- 3. start to reply, Wine against Linux ----------------------------------------------------
if [ -n "$BENCH_LINUX_HOST" ]; then
  say "start to reply, 300 recipients"
  python3 bench/windows_start_to_reply.py "$BENCH_LINUX_HOST" "$HOST_DIR/bccshield-host.exe"
fi

# The MSI's own tests (install, registry, upgrade, uninstall) are tests/install/windows/
# run_msi_tests.sh, which scripts/test-all.sh runs after this.

[ $failed -eq 0 ] && say "all passed" || say "FAILED"
exit $failed
