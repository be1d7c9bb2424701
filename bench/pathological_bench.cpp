// Pathological headers (tests/fuzz/pathological_inputs.hpp) at two sizes, a tenth and the full
// size named in the issue: the parse alone and the whole decision (evaluate). Time must be
// linear in size: compare ns/byte of the two sizes, and the oN fit (RMS) Google Benchmark
// prints for each pair.
//   build/dev/bench/bccshield_pathological_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "../tests/fuzz/pathological_inputs.hpp"
#include "bccshield/address_list.hpp"
#include "bccshield/evaluate.hpp"

namespace {

using bccshield::pathological::Case;

void set_counters(benchmark::State& state, std::size_t bytes) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(bytes));
  state.SetComplexityN(static_cast<std::int64_t>(bytes));
  state.counters["bytes"] = static_cast<double>(bytes);
  state.counters["ns_per_byte"] =
      benchmark::Counter(static_cast<double>(bytes), benchmark::Counter::kIsIterationInvariantRate |
                                                         benchmark::Counter::kInvert);
}

void parse_only(benchmark::State& state, const Case* c) {
  const std::string header = c->make(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto parsed = bccshield::parse_address_list(header);
    benchmark::DoNotOptimize(parsed);
  }
  set_counters(state, header.size());
}

void whole_decision(benchmark::State& state, const Case* c) {
  bccshield::Draft draft;
  draft.from = "Clerk <clerk@corp.example>";
  draft.to = {c->make(static_cast<std::size_t>(state.range(0)))};
  const bccshield::Policy policy = bccshield::Policy::defaults();
  for (auto _ : state) {
    auto verdict = bccshield::evaluate(draft, policy);
    benchmark::DoNotOptimize(verdict);
  }
  set_counters(state, draft.to[0].size());
}

const bool registered = [] {
  for (const Case& c : bccshield::pathological::cases()) {
    const auto small = static_cast<std::int64_t>(c.full_count / 10);
    const auto full = static_cast<std::int64_t>(c.full_count);
    benchmark::RegisterBenchmark((std::string("Parse/") + c.name).c_str(), parse_only, &c)
        ->Arg(small)
        ->Arg(full)
        ->Unit(benchmark::kMillisecond)
        ->Complexity(benchmark::oN);
    benchmark::RegisterBenchmark((std::string("Evaluate/") + c.name).c_str(), whole_decision, &c)
        ->Arg(small)
        ->Arg(full)
        ->Unit(benchmark::kMillisecond)
        ->Complexity(benchmark::oN);
  }
  return true;
}();

}  // namespace
