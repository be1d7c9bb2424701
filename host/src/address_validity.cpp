#include "address_validity.hpp"

#include "bccshield/utf8.hpp"
#include "character_tables.hpp"
#include "jsmime_cleaning.hpp"

namespace bccshield::detail {

bool valid_domain(std::string_view d) {
  if (d.empty() || has_invisible(d)) return false;
  if (d.front() == '[') {
    if (d.size() < 2 || d.back() != ']') return false;
    for (std::size_t i = 1; i + 1 < d.size(); ++i) {
      const auto c = static_cast<unsigned char>(d[i]);
      if (c == '[' || c == ']' || c == '\\' || c <= ' ' || c == 0x7F) return false;
    }
    return true;
  }
  bool label_empty = true;
  for (char c : d) {
    if (in_table(kHostChar, c)) {
      label_empty = false;
    } else if (c == '.' && !label_empty) {
      label_empty = true;
    } else {
      return false;
    }
  }
  return !label_empty;
}

bool has_line_break_or_tab(std::string_view s) {
  for (char c : s) {
    if (c == '\t' || c == '\r' || c == '\n') return true;
  }
  return false;
}

const char* address_problem(const AddressAsRead& read, std::size_t& at) {
  const std::string_view address = read.address;
  at = address.rfind('@');
  // at_count == 0: the only '@' is escaped or quoted ("<a\@b>"), not a separator.
  if (at == std::string_view::npos || read.at_count == 0) return "no-domain";
  // Thunderbird would take the '@' inside the unclosed quote as the separator; strict parsers
  // refuse the address.
  if (read.open_quote) return "unterminated-quote";
  if (read.at_count > 1) return "multiple-at";
  if (at + 1 == address.size()) return "missing-domain";
  if (at == 0) return "missing-local-part";
  if (read.changed_by_cleaning ||
      (printable_ascii_prefix(address) != address.size() &&
       (has_line_break_or_tab(address) || has_invisible(address.substr(0, at))))) {
    return "invalid-character";
  }
  if (!valid_domain(address.substr(at + 1))) return "invalid-domain";
  return nullptr;
}

}  // namespace bccshield::detail
