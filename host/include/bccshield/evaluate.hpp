#pragma once
// The whole decision, pure: parse, normalise, classify, apply the rules, build the rewrite.

#include "bccshield/draft.hpp"
#include "bccshield/policy.hpp"
#include "bccshield/verdict.hpp"

namespace bccshield {

Verdict evaluate(const Draft& draft, const Policy& policy);

}  // namespace bccshield
