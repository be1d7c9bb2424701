#!/bin/sh
# The MSI tests under Wine (tests/install/windows/test_msi.py), after scripts/build-windows.sh:
#   tests/install/windows/run_msi_tests.sh [unittest arguments, e.g. -k upgrade]
# Defaults: the MSI and the exe of build/windows, the XPI of build/ci (the ci preset builds it);
# override with BCCSHIELD_MSI, BCCSHIELD_EXE, BCCSHIELD_XPI. The private Wine prefix lives in
# build/windows/msi-test and is wiped at each run.
set -eu
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
VERSION=$(sed -n 's/^set(BCCSHIELD_VERSION \(.*\))$/\1/p' "$ROOT/cmake/identity.cmake")
export BCCSHIELD_MSI="${BCCSHIELD_MSI:-$ROOT/build/windows/BccShield-$VERSION-x64.msi}"
export BCCSHIELD_EXE="${BCCSHIELD_EXE:-$ROOT/build/windows/bccshield-host.exe}"
export BCCSHIELD_XPI="${BCCSHIELD_XPI:-$ROOT/build/ci/extension/bccshield.xpi}"
export BCCSHIELD_WINE_DIR="${BCCSHIELD_WINE_DIR:-$ROOT/build/windows/msi-test}"
export PYTHONDONTWRITEBYTECODE=1
cd "$ROOT/tests/install/windows"
exec python3 -m unittest -v test_msi "$@"
