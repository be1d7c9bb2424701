#include "mailbox_format.hpp"

#include "bccshield/address_list.hpp"
#include "character_tables.hpp"

namespace bccshield {
namespace detail {

bool name_is_plain_phrase(std::string_view name) {
  if (name.empty() || name.front() == ' ' || name.back() == ' ') return false;
  bool prev_space = false;
  bool prev_equals = false;
  for (char c : name) {
    if (c == ' ') {
      if (prev_space) return false;
      prev_space = true;
      prev_equals = false;
      continue;
    }
    // An atom that looks like an encoded-word would be decoded by the reader.
    if (!in_table(kAtext, c) || (prev_equals && c == '?')) return false;
    prev_space = false;
    prev_equals = c == '=';
  }
  return true;
}

bool local_part_needs_quotes(std::string_view local_part) {
  bool prev_equals = false;
  for (char c : local_part) {
    if (in_table(kQuoteInLocalPart, c)) return true;
    // Unquoted, "=?...?=" would be read back as an encoded-word.
    if (prev_equals && c == '?') return true;
    prev_equals = c == '=';
  }
  return false;
}

void append_quoted(std::string_view text, std::string& out) {
  out.push_back('"');
  for (char c : text) {
    if (c == '\\' || c == '"') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace detail

void append_formatted_mailbox(const MailboxView& mailbox, std::string& out) {
  if (!mailbox.name.empty()) {
    if (detail::name_is_plain_phrase(mailbox.name)) {
      out += mailbox.name;
    } else {
      detail::append_quoted(mailbox.name, out);
    }
    out += " <";
  }
  out += mailbox.local_part;
  if (!mailbox.domain.empty()) {
    out += '@';
    out += mailbox.domain;
  }
  if (!mailbox.name.empty()) out += '>';
}

std::string format_mailbox(const Mailbox& mailbox) {
  std::string out;
  out.reserve(mailbox.name.size() + mailbox.local_part.size() + mailbox.domain.size() + 6);
  MailboxView view;
  view.name = mailbox.name;
  view.local_part = mailbox.local_part;
  view.domain = mailbox.domain;
  append_formatted_mailbox(view, out);
  return out;
}

}  // namespace bccshield
