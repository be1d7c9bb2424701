#pragma once
// The whole decision, pure: parse, normalise, classify, apply the rules, build the rewrite.

#include "bccshield/draft.hpp"
#include "bccshield/policy.hpp"
#include "bccshield/verdict.hpp"

namespace bccshield {

struct EvaluateOptions {
  bool with_keys = false;  // fill Verdict::keys (for the audit log)
};

Verdict evaluate(const Draft& draft, const Policy& policy, const EvaluateOptions& options = {});

}  // namespace bccshield
