#include "printable_text.hpp"

#include <array>
#include <cstdint>

namespace bccshield {
namespace {

// The length of the UTF-8 sequence at `text[i]` and its code point; 0 when not valid UTF-8.
std::size_t decode(std::string_view text, std::size_t i, char32_t& code_point) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  char32_t value = 0;
  char32_t minimum = 0;
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  }
  if ((lead & 0xE0U) == 0xC0U) {
    length = 2;
    value = lead & 0x1FU;
    minimum = 0x80;
  } else if ((lead & 0xF0U) == 0xE0U) {
    length = 3;
    value = lead & 0x0FU;
    minimum = 0x800;
  } else if ((lead & 0xF8U) == 0xF0U) {
    length = 4;
    value = lead & 0x07U;
    minimum = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(k) & 0xC0U) != 0x80U) return 0;
    value = (value << 6U) | (byte(k) & 0x3FU);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  code_point = value;
  return length;
}

bool is_dangerous(char32_t c) {
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == 0x2028 || c == 0x2029 ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

std::string hex(unsigned value, int digits) {
  constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out(static_cast<std::size_t>(digits), '0');
  for (int k = digits - 1; k >= 0; --k) {
    out[static_cast<std::size_t>(k)] = kDigits[value & 0xFU];
    value >>= 4U;
  }
  return out;
}

}  // namespace

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char32_t c = 0;
    const std::size_t length = decode(text, i, c);
    if (length == 0) {
      out += "\\x" + hex(static_cast<unsigned char>(text[i]), 2);
      ++i;
      continue;
    }
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x80 && is_dangerous(c)) {
      out += "\\x" + hex(static_cast<unsigned>(c), 2);
    } else if (is_dangerous(c)) {
      out += "\\u{" + hex(static_cast<unsigned>(c), 4) + "}";
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

std::string printable_json(const nlohmann::json& value, int indent) {
  // The serializer escapes C0 and replaces invalid UTF-8; DEL, C1 and the format characters
  // pass through raw, and only occur inside strings, where \uXXXX means the same.
  const std::string text = value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char32_t c = 0;
    std::size_t length = decode(text, i, c);
    if (length == 0) length = 1;  // not reached: dump() replaced invalid bytes
    if (length != 0 && is_dangerous(c) && c != '\n' && c != ' ') {
      out += "\\u" + hex(static_cast<unsigned>(c), 4);
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  return out;
}

}  // namespace bccshield
