#pragma once
// RFC 5322 / RFC 6532 address-list parsing. Pure: no I/O, no allocation beyond the result.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace bccshield {
namespace detail {
struct ParserBuffers;
}  // namespace detail

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
// Such an entry yields a ParseProblem and no Mailbox (even where jsmime returns a name with
// an address lacking a domain, e.g. "Team <Team>"), so every Mailbox has a local part and a
// domain. Stable reason ids:
//   input-too-large        the input exceeds ParseLimits::max_input_bytes; nothing is parsed
//   too-many-entries       past ParseLimits::max_entries; text = the unparsed rest
//   comment-too-deep       comment nesting beyond ParseLimits::max_comment_depth
//   no-address             no addr-spec: "foo bar", "<>", "Name <>"
//   no-domain              an addr-spec without a separating '@': "Team <Team>", "<a", <"a@b">
//   missing-domain         nothing after the '@': "a@"
//   missing-local-part     nothing before the '@': "@example.com"
//   multiple-at            more than one unquoted '@': "a@b@c", "<a@b@c>"
//   unterminated-quote     the address runs into an unclosed quoted string
//   invalid-character      control, invisible, line-break or invalid UTF-8 characters in the
//                          address
//   invalid-domain         not a host name or domain literal: "a@b c", "a@b..c", "a@b."
// These flag text that Thunderbird ignores, next to mailboxes that ARE returned:
//   missing-group-name     ':' with no group name before it: ": a@x;" (a run of them is one)
//   address-as-group-name  an address where a group name goes: "<a@x>: b@y;" (jsmime drops it)
//   text-after-address     text after the angle address: "<a@x> b@y" (only a@x is delivered)
struct ParseProblem {
  std::string text;    // the offending raw text (valid UTF-8), at most 200 bytes
  std::string reason;  // stable id, see above
};

// True for the reasons above that flag ignored text next to returned mailboxes: that text is
// not a recipient (Thunderbird does not deliver to it) and must not be sent back as one.
inline bool problem_is_ignored_text(std::string_view reason) {
  return reason == "missing-group-name" || reason == "address-as-group-name" ||
         reason == "text-after-address";
}

struct ParseLimits {
  std::size_t max_input_bytes = 8U * 1024U * 1024U;  // larger inputs are refused whole
  std::size_t max_comment_depth = 64;                // deeper nesting is an error, not recursion
  std::size_t max_entries = 200000;                  // further entries are reported, not parsed
  // Everyday entries ("Name <a@b>", a@b, ...) read straight off the input; off, every entry
  // goes token by token. The result is the same either way (tests/unit/fast_path_test.cpp).
  bool everyday_fast_path = true;
};

struct ParsedAddressList {
  std::vector<AddressEntry> entries;
  std::vector<ParseProblem> problems;
  // Every mailbox in order, group members flattened in place.
  [[nodiscard]] std::vector<Mailbox> mailboxes() const;
};

// Single pass, no recursion, time linear in text.size(). Follows Thunderbird's jsmime; the
// known differences are listed with reasons in tests/conformance/known_deviations.json.
ParsedAddressList parse_address_list(std::string_view text, const ParseLimits& limits = {});

// A mailbox as the parser sees it: views valid only during the visitor call, except
// `formatted` and `address`, which point into the parsed text.
struct MailboxView {
  std::string_view name;
  std::string_view local_part;
  std::string_view domain;
  // When not empty: exactly what format_mailbox gives for this mailbox, as written in the input.
  std::string_view formatted;
  // When not empty: local_part + "@" + domain, as one view into the parsed text.
  std::string_view address;
  // True when the parser knows `name` to be a plain phrase (written without quotes by
  // format_mailbox): the formatter then need not check it again. False says nothing.
  bool plain_name = false;
  // True when this mailbox is all the parsed text holds (its one entry, no problem, read by
  // the fast path): a caller that shows such a text as it is need not format the mailbox.
  // False says nothing.
  bool whole_text = false;
};

// Streaming form of parse_address_list: what it would return, without building it (it is
// built from these calls). Mailboxes arrive in order; group_start(name) at each ':' that
// opens a group, group_end() once per Group entry parse_address_list returns (after its
// members); problems are returned. The mailboxes since a group_start that is followed by
// another group_start, or by the end of the input without a group_end, belong to no Group
// (they are top-level mailboxes); so do those after a group_start with an empty name (a ':'
// without a group name, reported as missing-group-name).
class AddressVisitor {
 public:
  virtual void mailbox(const MailboxView& mailbox) = 0;
  virtual void group_start(std::string_view /*name*/) {}
  virtual void group_end() = 0;

 protected:
  AddressVisitor() = default;
  AddressVisitor(const AddressVisitor&) = default;
  AddressVisitor& operator=(const AddressVisitor&) = default;
  AddressVisitor(AddressVisitor&&) = default;
  AddressVisitor& operator=(AddressVisitor&&) = default;
  ~AddressVisitor() = default;
};

std::vector<ParseProblem> visit_address_list(std::string_view text, AddressVisitor& visitor,
                                             const ParseLimits& limits = {});

// visit_address_list for many strings in a row (a draft's pills): the parser's working
// buffers are built once and reused, not built and freed per string. Same results.
class AddressListReader {
 public:
  AddressListReader();
  AddressListReader(AddressListReader&&) noexcept;
  AddressListReader& operator=(AddressListReader&&) noexcept;
  AddressListReader(const AddressListReader&) = delete;
  AddressListReader& operator=(const AddressListReader&) = delete;
  ~AddressListReader();

  std::vector<ParseProblem> visit(std::string_view text, AddressVisitor& visitor,
                                  const ParseLimits& limits = {});

 private:
  std::unique_ptr<detail::ParserBuffers> buffers_;
};

// "Name <addr>" as Thunderbird's recipient strings; the name quoted only when RFC 5322 needs it.
std::string format_mailbox(const Mailbox& mailbox);
// The same, appended to `out`.
void append_formatted_mailbox(const MailboxView& mailbox, std::string& out);

}  // namespace bccshield
