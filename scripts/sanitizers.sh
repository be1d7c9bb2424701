#!/usr/bin/env bash
# The unit, protocol and fuzz-regression suites under AddressSanitizer + UndefinedBehaviorSanitizer
# (g++, asan preset: build/asan), then the protocol tests' framed inputs through the host
# under valgrind memcheck (dev-style build without sanitizers: build/valgrind).
#
#   scripts/sanitizers.sh              # both
#   scripts/sanitizers.sh --asan-only  # skip valgrind
#
# Excludes the suites that need a real Thunderbird, Outlook, node or system installs:
# labels e2e|slow|outlook|install|extension.
set -euo pipefail
cd "$(dirname "$0")/.."

run_valgrind=1
[[ "${1:-}" == "--asan-only" ]] && run_valgrind=0

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

echo "== asan: configure and build"
cmake --preset asan >/dev/null
cmake --build --preset asan -j2
echo "== asan: tests"
ctest --preset asan --label-exclude 'e2e|slow|outlook|install|extension|valgrind' --output-on-failure

if [[ $run_valgrind == 1 ]]; then
  echo "== valgrind: configure and build (no sanitizers)"
  cmake -S . -B build/valgrind -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBCCSHIELD_BUILD_BENCHMARKS=OFF >/dev/null
  cmake --build build/valgrind -j2 --target bccshield_host
  echo "== valgrind: protocol tests under memcheck"
  ctest --test-dir build/valgrind -L valgrind --output-on-failure
fi
