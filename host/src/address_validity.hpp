#pragma once
// What makes a parsed address deliverable, beyond the grammar (shared by the state machine
// and the everyday-entry fast path, so both refuse the same addresses).

#include <cstddef>
#include <string_view>

namespace bccshield::detail {

// Labels of host characters, or a domain literal without nested brackets or spaces.
bool valid_domain(std::string_view domain);

// Line breaks or tabs inside an address (escaped or quoted) are never deliverable.
bool has_line_break_or_tab(std::string_view s);

// An entry's addr-spec as the state machine read it.
struct AddressAsRead {
  std::string_view address;          // local part, '@'s and domain, as written
  std::size_t at_count = 0;          // '@' read as separators (not escaped or quoted)
  bool open_quote = false;           // runs into an unclosed quoted string
  bool changed_by_cleaning = false;  // cleaning changed some of its text
};

// Why the address is not a deliverable mailbox (a ParseProblem reason), or nullptr; `at` is
// the position of its last '@'.
const char* address_problem(const AddressAsRead& read, std::size_t& at);

}  // namespace bccshield::detail
