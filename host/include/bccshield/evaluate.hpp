#pragma once
// The whole decision, pure: parse, normalise, classify, apply the rules, build the rewrite.

#include "bccshield/draft.hpp"
#include "bccshield/policy.hpp"
#include "bccshield/verdict.hpp"

namespace bccshield {

struct EvaluateOptions {
  bool with_keys = false;  // fill Verdict::keys (for the audit log)
  // Keys the recipient de-duplication hash. The host picks one at random per process
  // (host_context.cpp) so a crafted address list cannot make de-duplication quadratic; the
  // verdict is the same for every seed.
  std::uint64_t hash_seed = 0;
};

Verdict evaluate(const Draft& draft, const Policy& policy, const EvaluateOptions& options = {});

}  // namespace bccshield
