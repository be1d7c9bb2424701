#pragma once
// The chain that links the lines of one audit log file, so that `audit verify` finds an edited,
// removed or reordered line without trusting the file. Each line ends with
//   ,"chain":"<64 hex>"}
// a keyed BLAKE2b (the audit key) over a context string, the previous line's chain value ("" for
// the first line of a file) and this line's own bytes before that member (closed with '}'). It
// covers the line itself, so an edit of any line, the last included, shows; whoever holds the key
// can forge the whole file (docs/ADMIN.md: the forwarded syslog copy is the control for that).

#include <optional>
#include <string>
#include <string_view>

#include "audit_secret.hpp"

namespace bccshield {

// The chain value of a line whose content (a JSON object without "chain") is `content`.
std::string audit_chain_value(const AuditSecret& secret, std::string_view previous_chain,
                              std::string_view content);

// `content` with its chain member appended as the last member.
std::string chained_line(std::string_view content, std::string_view chain_value);
// The same in place: `line` (a JSON object, ending with '}') gets its chain member.
void append_chain_member(std::string& line, std::string_view chain_value);

struct ChainedLine {
  std::string content;  // the line as it was before its chain member was appended
  std::string chain;    // the 64 hex digits
};
// Splits a line written by chained_line; nullopt when it carries no chain at its end.
std::optional<ChainedLine> split_chained_line(std::string_view line);

}  // namespace bccshield
