#pragma once
// UTF-8: repair, encoding, and the scanning helpers the parser's hot loops use.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace bccshield {

// Appends `bytes` as UTF-8, replacing each invalid sequence (maximal subpart) by U+FFFD.
// Returns true when something was replaced.
bool append_valid_utf8(std::string_view bytes, std::string& out);

// True when `bytes` is valid UTF-8: append_valid_utf8 would copy it unchanged. This is RFC 3629
// UTF-8, what nlohmann's parser and serializer accept too.
bool utf8_unchanged_by_repair(std::string_view bytes);

// The length of the valid UTF-8 sequence that starts with the non-ASCII byte bytes[i], or 0
// when none does there (overlong, surrogate, past U+10FFFF, truncated).
std::size_t utf8_sequence_length(std::string_view bytes, std::size_t i);

// Appends one Unicode code point as UTF-8.
void append_code_point(std::uint32_t code_point, std::string& out);

// Decodes one code point at s[i] (s is valid UTF-8 here); advances i.
inline std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  std::size_t len = b0 >= 0xF0 ? 4 : (b0 >= 0xE0 ? 3 : 2);
  if (i + len > s.size()) len = s.size() - i;
  std::uint32_t cp = b0 >= 0xF0 ? (b0 & 0x07U) : (b0 >= 0xE0 ? (b0 & 0x0FU) : (b0 & 0x1FU));
  for (std::size_t k = 1; k < len; ++k) {
    cp = (cp << 6U) | (static_cast<unsigned char>(s[i + k]) & 0x3FU);
  }
  i += len;
  return cp;
}

// Eight bytes at a time (SWAR): the common text is printable ASCII.
namespace utf8_detail {
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

inline std::uint64_t load8(const char* p) {
  std::uint64_t word = 0;
  std::memcpy(&word, p, sizeof word);
  return word;
}
}  // namespace utf8_detail

// Length of the leading run of bytes in 0x20..0x7E.
inline std::size_t printable_ascii_prefix(std::string_view s) {
  using utf8_detail::kHighs;
  using utf8_detail::kOnes;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    const std::uint64_t word = utf8_detail::load8(s.data() + i);
    const std::uint64_t below_space = (word - kOnes * 0x20U) & ~word & kHighs;
    const std::uint64_t del = word ^ (kOnes * 0x7FU);
    const std::uint64_t is_del = (del - kOnes) & ~del & kHighs;
    if (((word & kHighs) | below_space | is_del) != 0) break;
  }
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x20 || b >= 0x7F) break;
    ++i;
  }
  return i;
}

// Length of the leading run of ASCII bytes.
inline std::size_t ascii_prefix(std::string_view s) {
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    if ((utf8_detail::load8(s.data() + i) & utf8_detail::kHighs) != 0) break;
  }
  while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
  return i;
}

}  // namespace bccshield
