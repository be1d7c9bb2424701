#pragma once
// Pathological address headers, shared by tests/unit/pathological_test.cpp (defined outcome
// at full size) and bench/pathological_bench.cpp (time at two sizes, linear?). Each maker
// takes a scale: 1.0 gives the size named in the issue (100,000 '(', 1 MB of commas, ...).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace bccshield::pathological {

struct Case {
  const char* name;
  std::string (*make)(std::size_t count);
  std::size_t full_count;  // the issue's size
};

inline std::string repeat(std::string_view unit, std::size_t count) {
  std::string out;
  out.reserve(unit.size() * count);
  for (std::size_t i = 0; i < count; ++i) out.append(unit);
  return out;
}

// 100,000 nested '(' never closed, after a good address.
inline std::string nested_open_comments(std::size_t n) {
  return "a@corp.example " + repeat("(", n);
}
// 100,000 nested, balanced comments around a good address.
inline std::string nested_balanced_comments(std::size_t n) {
  return repeat("(", n) + "x" + repeat(")", n) + " a@corp.example";
}
// 100,000 ':' then 100,000 ';' (a group name colon storm).
inline std::string colons_then_semicolons(std::size_t n) { return repeat(":", n) + repeat(";", n); }
// 100,000 ":;" pairs, then an address.
inline std::string colon_semicolon_pairs(std::size_t n) {
  return repeat(":;", n) + "a@corp.example";
}
// 1 MB of commas between two addresses.
inline std::string megabyte_of_commas(std::size_t n) {
  return "a@corp.example" + repeat(",", n) + "b@corp.example";
}
// 200,000 distinct addresses (about 5 MB).
inline std::string many_addresses(std::size_t n) {
  std::string out;
  out.reserve(n * 26);
  for (std::size_t i = 0; i < n; ++i) {
    if (i != 0) out += ", ";
    out += "user" + std::to_string(i) + "@d" + std::to_string(i % 997) + ".example";
  }
  return out;
}
// A 1 MB display name, quoted.
inline std::string huge_quoted_name(std::size_t n) {
  return "\"" + repeat("x", n) + "\" <a@corp.example>";
}
// A 1 MB display name of atoms and spaces.
inline std::string huge_atom_name(std::size_t n) {
  return repeat("ab ", n / 3) + "<a@corp.example>";
}
// 100,000 encoded-words in one display name.
inline std::string many_encoded_words(std::size_t n) {
  return repeat("=?UTF-8?Q?=C3=A9?= ", n) + "<a@corp.example>";
}
// 100,000 encoded-words that are not valid (bad base64, unknown charset) in a name.
inline std::string many_broken_encoded_words(std::size_t n) {
  return repeat("=?UTF-8?B?!!!?= =?x-unknown?Q?a?= ", n / 2) + "<a@corp.example>";
}
// An opening quote never closed, then many addresses.
inline std::string unbalanced_quote(std::size_t n) { return "\"" + repeat("a@corp.example, ", n); }
// Many opening angle brackets.
inline std::string unbalanced_angles(std::size_t n) { return repeat("<", n) + "a@corp.example"; }
// Many closing angle brackets.
inline std::string unbalanced_closing_angles(std::size_t n) {
  return "a@corp.example" + repeat(">", n);
}
// NUL bytes and bare CR / LF between addresses.
inline std::string nul_and_bare_newlines(std::size_t n) {
  return repeat(std::string_view("a@corp.example\0b@corp.example\rc@corp.example\n", 45), n);
}
// Invalid UTF-8 in names, local parts and domains.
inline std::string invalid_utf8(std::size_t n) {
  return repeat("\xff\xfe\xc3 <\x80\xbf@\xed\xa0\x80.example>, ", n);
}
// Many '@' in one address.
inline std::string many_at_signs(std::size_t n) { return repeat("a@", n) + "corp.example"; }
// Backslashes and quotes alternating (quoted-pair heavy).
inline std::string quoted_pairs(std::size_t n) {
  return "\"" + repeat("\\\"", n) + "\" <a@corp.example>";
}

inline const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {"nested_open_comments", &nested_open_comments, 100000},
      {"nested_balanced_comments", &nested_balanced_comments, 100000},
      {"colons_then_semicolons", &colons_then_semicolons, 100000},
      {"colon_semicolon_pairs", &colon_semicolon_pairs, 100000},
      {"megabyte_of_commas", &megabyte_of_commas, 1000000},
      {"many_addresses", &many_addresses, 200000},
      {"huge_quoted_name", &huge_quoted_name, 1000000},
      {"huge_atom_name", &huge_atom_name, 1000000},
      {"many_encoded_words", &many_encoded_words, 100000},
      {"many_broken_encoded_words", &many_broken_encoded_words, 100000},
      {"unbalanced_quote", &unbalanced_quote, 65536},
      {"unbalanced_angles", &unbalanced_angles, 100000},
      {"unbalanced_closing_angles", &unbalanced_closing_angles, 100000},
      {"nul_and_bare_newlines", &nul_and_bare_newlines, 20000},
      {"invalid_utf8", &invalid_utf8, 50000},
      {"many_at_signs", &many_at_signs, 100000},
      {"quoted_pairs", &quoted_pairs, 100000},
  };
  return all;
}

}  // namespace bccshield::pathological
