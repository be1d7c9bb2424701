#include "bccshield/utf8.hpp"

namespace bccshield {

namespace {

// The end of the UTF-8 sequence that starts with the non-ASCII byte at bytes[i] when it is
// valid (Unicode 3.9 D92: no overlong form, surrogate or value past U+10FFFF); otherwise 0,
// with `stop` at the first byte that is not part of its maximal subpart.
std::size_t sequence_end(std::string_view bytes, std::size_t i, std::size_t& stop) {
  const auto b = static_cast<unsigned char>(bytes[i]);
  const std::size_t n = bytes.size();
  std::size_t need = 0;
  unsigned lower = 0x80;
  unsigned upper = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    need = 1;
  } else if (b >= 0xE0 && b <= 0xEF) {
    need = 2;
    if (b == 0xE0) lower = 0xA0;
    if (b == 0xED) upper = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    need = 3;
    if (b == 0xF0) lower = 0x90;
    if (b == 0xF4) upper = 0x8F;
  } else {
    stop = i + 1;
    return 0;
  }
  std::size_t j = i + 1;
  for (std::size_t k = 0; k < need; ++k, ++j) {
    if (j >= n) {
      stop = j;
      return 0;
    }
    const auto c = static_cast<unsigned char>(bytes[j]);
    if (c < lower || c > upper) {
      stop = j;
      return 0;
    }
    lower = 0x80;
    upper = 0xBF;
  }
  return j;
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view bytes, std::size_t i) {
  std::size_t stop = 0;
  const std::size_t end = sequence_end(bytes, i, stop);
  return end == 0 ? 0 : end - i;
}

bool append_valid_utf8(std::string_view bytes, std::string& out) {
  bool replaced = false;
  std::size_t i = 0;
  const std::size_t n = bytes.size();
  while (i < n) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    if (b < 0x80) {
      std::size_t j = i + 1;
      while (j < n && static_cast<unsigned char>(bytes[j]) < 0x80) ++j;
      out.append(bytes.substr(i, j - i));
      i = j;
      continue;
    }
    std::size_t stop = 0;
    const std::size_t end = sequence_end(bytes, i, stop);
    if (end != 0) {
      out.append(bytes.substr(i, end - i));
      i = end;
    } else {
      out.append("\xEF\xBF\xBD");
      replaced = true;
      i = stop;
    }
  }
  return replaced;
}

bool utf8_unchanged_by_repair(std::string_view bytes) {
  std::size_t i = ascii_prefix(bytes);
  while (i < bytes.size()) {
    if (static_cast<unsigned char>(bytes[i]) < 0x80) {
      ++i;
      continue;
    }
    std::size_t stop = 0;
    i = sequence_end(bytes, i, stop);
    if (i == 0) return false;
  }
  return true;
}

void append_code_point(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0U | (cp >> 6U)));
    out.push_back(static_cast<char>(0x80U | (cp & 0x3FU)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0U | (cp >> 12U)));
    out.push_back(static_cast<char>(0x80U | ((cp >> 6U) & 0x3FU)));
    out.push_back(static_cast<char>(0x80U | (cp & 0x3FU)));
  } else {
    out.push_back(static_cast<char>(0xF0U | (cp >> 18U)));
    out.push_back(static_cast<char>(0x80U | ((cp >> 12U) & 0x3FU)));
    out.push_back(static_cast<char>(0x80U | ((cp >> 6U) & 0x3FU)));
    out.push_back(static_cast<char>(0x80U | (cp & 0x3FU)));
  }
}

}  // namespace bccshield
