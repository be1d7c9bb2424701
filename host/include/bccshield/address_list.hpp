#pragma once
// RFC 5322 / RFC 6532 address-list parsing. Pure: no I/O, no allocation beyond the result.

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace bccshield {

// One mailbox as Thunderbird's jsmime would return it.
struct Mailbox {
  std::string name;        // display name, RFC 2047 decoded, UTF-8; empty when absent
  std::string local_part;  // canonical local part (quotes only where needed, as jsmime)
  std::string domain;      // domain exactly as written (not normalised), without brackets removed
  // local_part + "@" + domain (jsmime's "email"); just local_part when there is no domain.
  [[nodiscard]] std::string address() const;
};

struct Group {
  std::string name;  // RFC 2047 decoded
  std::vector<Mailbox> members;
};

using AddressEntry = std::variant<Mailbox, Group>;

// An entry that could not be read as a mailbox. Never dropped: the engine turns it into a finding.
struct ParseProblem {
  std::string text;    // the offending raw text, cut to at most 200 bytes
  std::string reason;  // stable id: "no-address", "missing-domain", "input-too-large", ...
};

struct ParseLimits {
  std::size_t max_input_bytes = 8U * 1024U * 1024U;  // larger inputs are refused whole
  std::size_t max_comment_depth = 64;                // deeper nesting is an error, not recursion
  std::size_t max_entries = 200000;                  // further entries are reported, not parsed
};

struct ParsedAddressList {
  std::vector<AddressEntry> entries;
  std::vector<ParseProblem> problems;
  // Every mailbox in order, group members flattened in place.
  [[nodiscard]] std::vector<Mailbox> mailboxes() const;
};

// Single pass, no recursion, time linear in text.size().
ParsedAddressList parse_address_list(std::string_view text, const ParseLimits& limits = {});

// "Name <addr>" as Thunderbird's recipient strings; the name quoted only when RFC 5322 needs it.
std::string format_mailbox(const Mailbox& mailbox);

}  // namespace bccshield
