#!/usr/bin/env bash
# Sets up and runs every BccShield test: the README's test command, and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh test
preset=${BCCSHIELD_PRESET:-ci}

echo "== configure and build ($preset)"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j2

echo "== npm packages of the Outlook add-in's tests (lockfile)"
if [ -f extension/outlook/package-lock.json ]; then
  (cd extension/outlook && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "== format check"
git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror

echo "== sanitizers: unit, protocol and fuzz regressions under ASan + UBSan (build/asan)"
scripts/sanitizers.sh --asan-only

echo "== fuzz smoke: every libFuzzer target for a few seconds (build/fuzz)"
scripts/fuzz.sh --smoke

echo "== tests"
# The package install test changes /etc: it runs only where that is allowed (CI, or by choice).
export BCCSHIELD_SYSTEM_TESTS=${BCCSHIELD_SYSTEM_TESTS:-${CI:+1}}
ctest --preset "$preset" --output-on-failure
