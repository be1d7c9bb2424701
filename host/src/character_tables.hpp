#pragma once
// Byte classes of the address-list grammar (RFC 5322 / 6532), as 256-entry tables: the
// tokenizer, the fast path and the formatter test one byte with one load.

#include <array>
#include <cstddef>
#include <string_view>

namespace bccshield::detail {

using ByteTable = std::array<bool, 256>;

inline bool in_table(const ByteTable& table, char c) {
  return table[static_cast<unsigned char>(c)];
}

// The end of the run of bytes of `table` in d[from, n): a tight loop, four bytes a step (the
// fast path spends most of its time here).
inline std::size_t run_end(const ByteTable& table, const char* d, std::size_t from, std::size_t n) {
  const bool* const in = table.data();
  const auto at = [d](std::size_t i) { return static_cast<unsigned char>(d[i]); };
  for (; from + 4 <= n; from += 4) {
    if (!in[at(from)]) return from;
    if (!in[at(from + 1)]) return from + 1;
    if (!in[at(from + 2)]) return from + 2;
    if (!in[at(from + 3)]) return from + 3;
  }
  while (from < n && in[at(from)]) ++from;
  return from;
}

// Folding whitespace as the tokenizer sees it.
inline bool is_wsp(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

inline bool is_wsp_only(std::string_view s) {
  for (char c : s) {
    if (!is_wsp(c)) return false;
  }
  return true;
}

constexpr bool is_atext(unsigned char c) {
  if (c >= 0x80) return true;  // RFC 6532 UTF-8
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '/':
    case '=':
    case '?':
    case '^':
    case '_':
    case '`':
    case '{':
    case '|':
    case '}':
    case '~':
      return true;
    default:
      return false;
  }
}

// RFC 5322 atext (UTF-8 included): a phrase of such atoms needs no quotes.
inline constexpr ByteTable kAtext = [] {
  ByteTable table{};
  for (std::size_t c = 0; c < table.size(); ++c) table[c] = is_atext(static_cast<unsigned char>(c));
  return table;
}();

// Characters a deliverable host name can hold (LDH, '_', UTF-8 for IDN). RFC 5322 atext
// also allows e.g. '=' and '?', which would let "user@=?UTF-8?Q?corp.example?=" pass.
inline constexpr ByteTable kHostChar = [] {
  ByteTable table{};
  for (std::size_t c = 0; c < table.size(); ++c) {
    table[c] = c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (c >= '0' && c <= '9') || c == '-' || c == '_';
  }
  return table;
}();

// jsmime keeps the local part quoted when it contains one of these.
inline constexpr ByteTable kQuoteInLocalPart = [] {
  ByteTable table{};
  for (char c : std::string_view(" !()<>[]:;@\\,\"")) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

// Characters that neither delimit, quote, escape, nest nor may start an encoded-word: a run
// of them changes no tokenizer state.
inline constexpr ByteTable kPlainAtomChar = [] {
  ByteTable table{};
  for (bool& entry : table) entry = true;
  for (char c : std::string_view(" \t\r\n:,;<>@\"[()\\=")) {
    table[static_cast<unsigned char>(c)] = false;
  }
  return table;
}();

// RFC 2047 5(3): what an encoded-word in a phrase may not contain (specials and spaces).
inline constexpr ByteTable kNotInEncodedWord = [] {
  ByteTable table{};
  for (char c : std::string_view(" \t\"<>(),;:@\\[]")) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

// The Q payload bytes of an encoded-word the everyday reader decodes in one pass: none of
// kNotInEncodedWord, and no '?' (which ends the payload).
inline constexpr ByteTable kQPayloadChar = [] {
  ByteTable table{};
  for (std::size_t c = 0; c < table.size(); ++c) table[c] = !kNotInEncodedWord[c] && c != '?';
  return table;
}();

// A decoded name byte's classes, as bits: one table load for what an encoded name's bytes
// must be (read_utf8_q_name).
inline constexpr unsigned char kNameByteNormal = 1;  // not a control, not DEL
inline constexpr unsigned char kNameBytePlain = 2;   // atext or a space (name_is_plain_phrase)
inline constexpr std::array<unsigned char, 256> kNameByteClass = [] {
  std::array<unsigned char, 256> table{};
  for (std::size_t c = 0; c < table.size(); ++c) {
    const bool normal = c >= 0x20 && c != 0x7F;
    const bool plain = c == ' ' || is_atext(static_cast<unsigned char>(c));
    table[c] =
        static_cast<unsigned char>((normal ? kNameByteNormal : 0) | (plain ? kNameBytePlain : 0));
  }
  return table;
}();

// The everyday-entry fast path's sets: a name atom, a local part, a domain. Each is a subset
// of what the general path reads the same way with nothing to clean, quote or report.
constexpr ByteTable alnum_and(std::string_view extra) {
  ByteTable table{};
  for (std::size_t c = 0; c < table.size(); ++c) {
    table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
  for (char c : extra) table[static_cast<unsigned char>(c)] = true;
  return table;
}
constexpr ByteTable with_utf8(ByteTable table) {
  for (std::size_t c = 0x80; c < table.size(); ++c) table[c] = true;
  return table;
}
inline constexpr ByteTable kFastAsciiNameChar = alnum_and("-_'");
inline constexpr ByteTable kFastNameChar = with_utf8(kFastAsciiNameChar);
inline constexpr ByteTable kFastLocalChar = alnum_and("._+-");
// Folding whitespace, as a table.
inline constexpr ByteTable kWsp = [] {
  ByteTable table{};
  for (char c : std::string_view(" \t\r\n")) table[static_cast<unsigned char>(c)] = true;
  return table;
}();
// Printable ASCII, 0x20..0x7E.
inline constexpr ByteTable kPrintableAscii = [] {
  ByteTable table{};
  for (std::size_t c = 0x20; c < 0x7F; ++c) table[c] = true;
  return table;
}();
// Printable ASCII but the quote and the backslash: a quoted name with nothing to unescape.
inline constexpr ByteTable kPlainQuotedChar = [] {
  ByteTable table{};
  for (std::size_t c = 0x20; c < 0x7F; ++c) table[c] = c != '"' && c != '\\';
  return table;
}();
// A domain label's ASCII characters (the fast path reads UTF-8 bytes and dots itself).
inline constexpr ByteTable kFastAsciiLabelChar = alnum_and("-");

}  // namespace bccshield::detail
