#!/usr/bin/env bash
# Sets up and runs every BccShield test: the README's test command, and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

preset=${BCCSHIELD_PRESET:-ci}

# Each stage's wall time, printed as it ends and once more before the tests (whose own
# summary, with the time per label, ends the output), so growth is visible run after run.
stage_times=()
stage() {
  local name=$1 started=$SECONDS
  shift
  echo "== $name"
  "$@"
  local took=$((SECONDS - started))
  stage_times+=("$(printf '%-44s %4d s' "$name" "$took")")
  echo "== $name: ${took} s"
}

stage "dependencies (apt)" scripts/install-deps.sh test

build() {
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j2
}
stage "configure and build ($preset)" build

outlook_packages() {
  if [ -f extension/outlook/package-lock.json ]; then
    (cd extension/outlook && npm ci --no-audit --no-fund --loglevel=error)
  fi
}
stage "npm packages of the Outlook add-in's tests" outlook_packages

format_check() { git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror; }
stage "format check" format_check

stage "sanitizers: ASan + UBSan (build/asan)" scripts/sanitizers.sh --asan-only

stage "fuzz smoke (build/fuzz)" scripts/fuzz.sh --smoke

# The Windows host, cross-built and tested under Wine (HACKING.md, "Windows"): the exe and the
# MSI, the gtest exe once, tests/protocol against the exe, then the MSI tests. The cross-built
# dependencies are cached in build/windows/deps (a cold build takes ~5 min more); the first
# failure fails the run (set -e).
windows() {
  scripts/build-windows.sh
  scripts/test-windows.sh
  tests/install/windows/run_msi_tests.sh
}
stage "Windows: build, tests under Wine, MSI tests" windows

echo "== stage times"
printf '  %s\n' "${stage_times[@]}"
echo "== tests (ctest; its summary ends with the time per label)"
# The package install test changes /etc: it runs only where that is allowed (CI, or by choice).
export BCCSHIELD_SYSTEM_TESTS=${BCCSHIELD_SYSTEM_TESTS:-${CI:+1}}
ctest --preset "$preset" --output-on-failure
