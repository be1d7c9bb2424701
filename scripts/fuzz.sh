#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz preset: clang, ASan + UBSan) and runs them.
#
#   scripts/fuzz.sh                       # every target for 30 minutes, one after the other
#   scripts/fuzz.sh --time 1800 --jobs 2  # two targets at a time
#   scripts/fuzz.sh --smoke               # CI: every target for 12 s (about 1 minute in all)
#   scripts/fuzz.sh --time 600 address_list eml
#   scripts/fuzz.sh --keep-going ...      # fork mode: save every finding and go on
#   scripts/fuzz.sh --out build/fuzz-smoke --smoke   # corpora, findings, logs elsewhere
#
# Targets: address_list fast_path eml policy protocol check_request (tests/fuzz/README.md). Work corpora grow in
# build/fuzz/corpus/<target> (the seeds in tests/fuzz/corpus and the saved regressions are
# read, never written); crashes land in build/fuzz/artifacts/<target>/, logs in build/fuzz/logs.
# Exits 1 when any target found a crash, leak or timeout. Runs nice'd.
set -euo pipefail
cd "$(dirname "$0")/.."

# Everything runs from main(), so bash has read the whole file before the first fuzzer starts
# (editing the script during a 30-minute run cannot derail it).
main() {

seconds=1800
jobs=1
build=1
keep_going=0
work=build/fuzz
targets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --smoke) seconds=12 ;;
    --time) seconds=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --no-build) build=0 ;;
    --keep-going) keep_going=1 ;;
    --out) work=$2; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
[[ ${#targets[@]} -gt 0 ]] || targets=(address_list fast_path eml policy protocol check_request)

bin=build/fuzz/fuzzers
out=$work
if [[ $build == 1 ]]; then
  echo "== build fuzzers (fuzz preset)"
  nice -n 10 cmake --preset fuzz >/dev/null
  nice -n 10 cmake --build --preset fuzz -j2
fi

max_len() {
  case "$1" in
    address_list|fast_path|eml) echo 131072 ;;
    protocol|check_request) echo 65536 ;;
    *) echo 16384 ;;
  esac
}

# fast_path reads what address_list reads, check_request what protocol reads: their seeds and
# dictionaries.
inputs_of() {
  case "$1" in
    fast_path) echo address_list ;;
    check_request) echo protocol ;;
    *) echo "$1" ;;
  esac
}

run_one() {
  local target=$1
  local mode=()
  # --keep-going: libFuzzer's fork mode, which saves each finding and goes on (slower).
  [[ $keep_going == 1 ]] && mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  mkdir -p "$out/corpus/$target" "$out/artifacts/$target" "$out/logs"
  rm -f "$out/artifacts/$target"/*  # findings of earlier runs: kept in tests/fuzz/regressions when real
  echo "== fuzz_$target for ${seconds}s"
  # Exit status is checked from the log and the artifacts below.
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 \
    nice -n 10 "$bin/fuzz_$target" "${mode[@]}" \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
      -max_len="$(max_len "$target")" -dict="tests/fuzz/dicts/$(inputs_of "$target").dict" \
      -print_final_stats=1 -artifact_prefix="$out/artifacts/$target/" \
      "$out/corpus/$target" "tests/fuzz/corpus/$(inputs_of "$target")" "${regressions[@]}" \
      >"$out/logs/$target.log" 2>&1 || true
}

# Saved regressions seed every target; regressions/open (bugs not fixed yet) would end a run.
regressions=()
for dir in tests/fuzz/regressions/*/; do
  [[ $(basename "$dir") == open ]] || regressions+=("${dir%/}")
done

running=0
for target in "${targets[@]}"; do
  run_one "$target" &
  running=$((running + 1))
  if [[ $running -ge $jobs ]]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

status=0
echo "== results"
printf '%-14s %12s %8s %8s %8s  %s\n' target executions seconds cov ft outcome
for target in "${targets[@]}"; do
  log=$out/logs/$target.log
  # Plain mode: "stat::number_of_executed_units: N"; fork mode: "#N: cov: ... time: Ns".
  execs=$(grep -oE 'stat::number_of_executed_units: [0-9]+|^#[0-9]+:' "$log" | tail -1 | grep -oE '[0-9]+' || echo "?")
  time_s=$(grep -oE 'Done [0-9]+ runs in [0-9]+ second|time: [0-9]+s' "$log" | tail -1 | grep -oE '[0-9]+' | tail -1 || echo "?")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
  outcome=ok
  if ls "$out/artifacts/$target"/* >/dev/null 2>&1 ||
     grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|invariant broken|SUMMARY: ' "$log"; then
    outcome="FAILED: see $log and $out/artifacts/$target/"
    status=1
  fi
  printf '%-14s %12s %8s %8s %8s  %s\n' "$target" "$execs" "$time_s" "$cov" "$ft" "$outcome"
done
exit $status
}

main "$@"
