#pragma once
// Large mailings (issue 14): how a converted draft leaves, as a pure function of the rewrite
// and the provider's per-message limit. Nobody twice, nobody lost: the batches partition the
// rewrite's recipients (the repeated sender aside).

#include "bccshield/verdict.hpp"

namespace bccshield {

// `limit` 0 means none. Under `self` the sender (rewrite.to[0]) is in every message and counts
// toward its limit; when the limit leaves no room beside them, they go in the first message only.
Delivery plan_batches(const Rewrite& rewrite, int limit);

// One message per recipient of rewrite.bcc, each alone in To. The `individual` rewrite is
// written as `self` (the sender in To, everyone in Bcc), so that a client that cannot split a
// send (Outlook, an older extension) applies a safe Bcc rewrite instead.
Delivery plan_individual(const Rewrite& rewrite);

}  // namespace bccshield
