// The whole engine on one huge To header, against GMime's parse alone on the same input.
#include <benchmark/benchmark.h>

#include "bccshield/address_list.hpp"
#include "bccshield/evaluate.hpp"
#include "bccshield/recipient_set.hpp"
#include "header_generator.hpp"

#ifdef BCCSHIELD_WITH_GMIME
#include <gmime/gmime.h>
#endif

namespace {

void BM_BccShieldPipeline(benchmark::State& state) {
  bccshield::Draft draft;
  draft.from = "Accueil <accueil@tourisme-vallee.fr>";
  draft.to = {bccshield::bench::make_to_header(static_cast<std::size_t>(state.range(0)))};
  const bccshield::Policy policy = bccshield::Policy::defaults();
  for (auto _ : state) {
    // parse, decode, normalise, classify, dedupe, rules and rewrite
    bccshield::Verdict verdict = bccshield::evaluate(draft, policy);
    benchmark::DoNotOptimize(verdict);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(draft.to.front().size()));
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["header_bytes"] = static_cast<double>(draft.to.front().size());
}
BENCHMARK(BM_BccShieldPipeline)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

// Exactly "parse, decode, normalise, classify, dedupe": evaluate() without rules, findings
// JSON and rewrite.
void BM_BccShieldCollect(benchmark::State& state) {
  const std::vector<std::string> to = {
      bccshield::bench::make_to_header(static_cast<std::size_t>(state.range(0)))};
  const std::vector<std::string> none;
  const bccshield::Policy policy = bccshield::Policy::defaults();
  for (auto _ : state) {
    bccshield::Classifier classifier(policy, "Accueil <accueil@tourisme-vallee.fr>");
    bccshield::RecipientSet set = bccshield::collect_recipients(to, none, none, classifier);
    benchmark::DoNotOptimize(set);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(to.front().size()));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_BccShieldCollect)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

// The parser alone, to see where the pipeline's time goes.
void BM_BccShieldParseOnly(benchmark::State& state) {
  const std::string header =
      bccshield::bench::make_to_header(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    bccshield::ParsedAddressList list = bccshield::parse_address_list(header);
    benchmark::DoNotOptimize(list);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(header.size()));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_BccShieldParseOnly)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

#ifdef BCCSHIELD_WITH_GMIME
void BM_GMimeParseOnly(benchmark::State& state) {
  static const bool initialised = [] {
    g_mime_init();
    return true;
  }();
  benchmark::DoNotOptimize(initialised);
  const std::string header =
      bccshield::bench::make_to_header(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    InternetAddressList* list = internet_address_list_parse(nullptr, header.c_str());
    benchmark::DoNotOptimize(list);
    if (list != nullptr) g_object_unref(list);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(header.size()));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_GMimeParseOnly)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);
#endif

}  // namespace
