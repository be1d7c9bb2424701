#include "mailbox_format.hpp"

#include <string>

#include "bccshield/address_list.hpp"
#include "character_tables.hpp"

namespace bccshield {
namespace detail {

bool name_is_plain_phrase(std::string_view name) {
  if (name.empty() || name.front() == ' ' || name.back() == ' ') return false;
  // Runs of atext separated by single spaces...
  const char* const d = name.data();
  const std::size_t n = name.size();
  for (std::size_t i = run_end(kAtext, d, 0, n); i < n; i = run_end(kAtext, d, i + 1, n)) {
    if (d[i] != ' ' || d[i - 1] == ' ') return false;  // i > 0: the name starts with atext
  }
  // ...none of which looks like an encoded-word (the reader would decode it).
  return name.find("=?") == std::string_view::npos;
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

namespace {

// `text` quoted into `w`, which has room for 2 * text.size() + 2 bytes; returns the end.
char* write_quoted(std::string_view text, char* w) {
  *w++ = '"';
  for (const char c : text) {
    if (c == '\\' || c == '"') *w++ = '\\';
    *w++ = c;
  }
  *w++ = '"';
  return w;
}

}  // namespace

void append_quoted(std::string_view text, std::string& out) {
  const std::size_t start = out.size();
  out.resize(start + 2 * text.size() + 2);
  const char* const end = write_quoted(text, out.data() + start);
  out.resize(static_cast<std::size_t>(end - out.data()));
}

}  // namespace detail

namespace {

// The formatted mailbox written into `w`, which has room for 2 * name + local part + domain
// + 6 bytes; returns the end.
char* write_formatted_mailbox(const MailboxView& mailbox, char* w) {
  const auto put = [&w](std::string_view text) {
    std::char_traits<char>::copy(w, text.data(), text.size());  // no fortify check: sized above
    w += text.size();
  };
  if (!mailbox.name.empty()) {
    if (mailbox.plain_name || detail::name_is_plain_phrase(mailbox.name)) {
      put(mailbox.name);
    } else {
      w = detail::write_quoted(mailbox.name, w);
    }
    *w++ = ' ';
    *w++ = '<';
  }
  put(mailbox.local_part);
  if (!mailbox.domain.empty()) {
    *w++ = '@';
    put(mailbox.domain);
  }
  if (!mailbox.name.empty()) *w++ = '>';
  return w;
}

}  // namespace

void append_formatted_mailbox(const MailboxView& mailbox, std::string& out) {
  // Written on the stack and appended once: appending piece by piece costs more than the copy.
  constexpr std::size_t kBuffer = 512;
  const std::size_t most =
      2 * mailbox.name.size() + mailbox.local_part.size() + mailbox.domain.size() + 6;
  if (most <= kBuffer) {
    char buffer[kBuffer];
    const char* const end = write_formatted_mailbox(mailbox, buffer);
    out.append(buffer, static_cast<std::size_t>(end - buffer));
    return;
  }
  const std::size_t start = out.size();
  out.resize(start + most);
  const char* const end = write_formatted_mailbox(mailbox, out.data() + start);
  out.resize(static_cast<std::size_t>(end - out.data()));
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
