#pragma once
// Consumer mailbox providers: every address there is a private person, a party on its own.

#include <span>
#include <string_view>

namespace bccshield {

// The built-in list, sorted, normalised (A-labels, lower case).
std::span<const std::string_view> builtin_consumer_domains();
// True when `normalized_domain` (or a parent of it) is on the built-in list.
bool is_builtin_consumer_domain(std::string_view normalized_domain);

}  // namespace bccshield
