#include "bccshield/eml.hpp"

#include <algorithm>
#include <utility>

#include "bccshield/protocol_error.hpp"

namespace bccshield {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lower = [](char c) {
             return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
           };
           return lower(x) == lower(y);
         });
}

// Appends `text` without its `drop` characters, a run at a time (memchr, not a character at a
// time: a To of 10,000 people is 450 KB).
void append_without(std::string& target, std::string_view text, char drop) {
  for (std::size_t at; (at = text.find(drop)) != std::string_view::npos; text.remove_prefix(at + 1))
    target.append(text.substr(0, at));
  target.append(text);
}

void append_unfolded(std::string& target, std::string_view value) {
  if (!target.empty()) target += ", ";
  target.reserve(target.size() + value.size());
  // Folding: every CR and LF goes, the whitespace after them stays.
  for (std::size_t at; (at = value.find('\n')) != std::string_view::npos;
       value.remove_prefix(at + 1))
    append_without(target, value.substr(0, at), '\r');
  append_without(target, value, '\r');
}

}  // namespace

Draft draft_from_eml(std::string_view message) {
  // The header section ends at the first empty line.
  std::size_t end = message.size();
  for (std::size_t i = message.find('\n'); i != std::string_view::npos;
       i = message.find('\n', i + 1)) {
    const std::size_t next = i + 1;
    if (next < message.size() && message[next] == '\n') {
      end = next;
      break;
    }
    if (next + 1 < message.size() && message[next] == '\r' && message[next + 1] == '\n') {
      end = next;
      break;
    }
  }
  if (end > max_eml_header_bytes) {
    throw ProtocolError(ErrorCode::InvalidField,
                        "the message's header section is larger than 8 MiB",
                        {{"field", "headers"}});
  }
  const std::string_view headers = message.substr(0, end);

  std::string from;
  std::string to;
  std::string cc;
  std::string bcc;
  bool any_header = false;
  std::size_t pos = 0;
  while (pos < headers.size()) {
    // One logical header: this line plus every continuation line starting with SP or HTAB.
    std::size_t line_end = headers.find('\n', pos);
    while (line_end != std::string_view::npos && line_end + 1 < headers.size() &&
           (headers[line_end + 1] == ' ' || headers[line_end + 1] == '\t')) {
      line_end = headers.find('\n', line_end + 1);
    }
    if (line_end == std::string_view::npos) line_end = headers.size();
    const std::string_view field = headers.substr(pos, line_end - pos);
    pos = line_end + 1;
    const auto colon = field.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    std::string_view name = field.substr(0, colon);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    if (name.find_first_of(" \t") != std::string_view::npos) continue;  // not a header line
    any_header = true;
    const std::string_view value = field.substr(colon + 1);
    if (equals_ignoring_case(name, "From")) {
      append_unfolded(from, value);
    } else if (equals_ignoring_case(name, "To")) {
      append_unfolded(to, value);
    } else if (equals_ignoring_case(name, "Cc")) {
      append_unfolded(cc, value);
    } else if (equals_ignoring_case(name, "Bcc")) {
      append_unfolded(bcc, value);
    }
  }
  if (!any_header) {
    throw ProtocolError(ErrorCode::InvalidField, "no RFC 5322 header found in the message",
                        {{"field", "headers"}});
  }
  Draft draft;
  draft.from = std::move(from);
  if (!to.empty()) draft.to.push_back(std::move(to));
  if (!cc.empty()) draft.cc.push_back(std::move(cc));
  if (!bcc.empty()) draft.bcc.push_back(std::move(bcc));
  return draft;
}

}  // namespace bccshield
