#include "bccshield/rfc2047.hpp"

#include <array>
#include <cstdint>

#include "bccshield/utf8.hpp"
#include "character_tables.hpp"

namespace bccshield {
namespace {

enum class Charset : std::uint8_t { kUnknown, kUtf8, kWindows1252, kIso885915 };

// Windows-1252 0x80..0x9F (0 = undefined there: mapped to the C1 control, as browsers do).
constexpr std::array<std::uint16_t, 32> kWindows1252High = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

Charset lookup_charset(std::string_view label) {
  // RFC 2231 allows charset*language; only the charset matters.
  const auto star = label.find('*');
  if (star != std::string_view::npos) label = label.substr(0, star);
  while (!label.empty() && (label.front() == ' ' || label.front() == '\t')) label.remove_prefix(1);
  while (!label.empty() && (label.back() == ' ' || label.back() == '\t')) label.remove_suffix(1);
  static constexpr std::array<std::string_view, 6> kUtf8 = {
      "utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8"};
  // WHATWG Encoding: all of these labels decode as windows-1252.
  static constexpr std::array<std::string_view, 18> kWin1252 = {
      "windows-1252", "x-cp1252",  "cp1252",   "us-ascii",   "ascii",           "ansi_x3.4-1968",
      "iso-8859-1",   "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "latin1",
      "l1",           "cp819",     "ibm819",   "iso-ir-100", "csisolatin1",     "us"};
  static constexpr std::array<std::string_view, 8> kLatin9 = {
      "iso-8859-15", "iso8859-15",  "iso885915", "iso_8859-15",
      "l9",          "csisolatin9", "latin9",    "latin-9"};
  for (std::string_view name : kUtf8) {
    if (iequals(label, name)) return Charset::kUtf8;
  }
  for (std::string_view name : kWin1252) {
    if (iequals(label, name)) return Charset::kWindows1252;
  }
  for (std::string_view name : kLatin9) {
    if (iequals(label, name)) return Charset::kIso885915;
  }
  return Charset::kUnknown;
}

std::uint32_t single_byte_to_code_point(unsigned char b, Charset charset) {
  if (b >= 0x80 && b <= 0x9F && charset == Charset::kWindows1252)
    return kWindows1252High[b - 0x80U];
  if (charset == Charset::kIso885915) {
    switch (b) {
      case 0xA4:
        return 0x20AC;
      case 0xA6:
        return 0x0160;
      case 0xA8:
        return 0x0161;
      case 0xB4:
        return 0x017D;
      case 0xB8:
        return 0x017E;
      case 0xBC:
        return 0x0152;
      case 0xBD:
        return 0x0153;
      case 0xBE:
        return 0x0178;
      default:
        break;
    }
  }
  return b;
}

void convert_to_utf8(std::string_view bytes, Charset charset, std::string& out) {
  if (charset == Charset::kUtf8) {
    append_valid_utf8(bytes, out);
    return;
  }
  for (char c : bytes) {
    append_code_point(single_byte_to_code_point(static_cast<unsigned char>(c), charset), out);
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Q encoding: '_' is a space, =XX a byte; a '=' before trailing whitespace is dropped with it.
void decode_q(std::string_view text, std::string& out) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    // A run of bytes that stand for themselves is copied at once.
    std::size_t run = i;
    while (run < text.size() && text[run] != '_' && text[run] != '=') ++run;
    if (run > i) {
      out.append(text.substr(i, run - i));
      i = run;
      if (i == text.size()) return;
    }
    const char c = text[i];
    if (c == '_') {
      out.push_back(' ');
    } else {  // '='
      if (i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
        out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
        i += 2;
        continue;
      }
      std::size_t j = i + 1;
      while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '_')) ++j;
      if (j == text.size()) return;  // soft line break at the end: dropped
      if (text[j] == '\r' || text[j] == '\n') {
        i = (text[j] == '\r' && j + 1 < text.size() && text[j + 1] == '\n') ? j + 1 : j;
        continue;
      }
      out.push_back('=');
    }
  }
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// B encoding, as jsmime: only [ A-Za-z0-9+/=] allowed; an unpadded tail is dropped.
bool decode_b(std::string_view text, std::string& out) {
  std::string clean;
  clean.reserve(text.size());
  for (char c : text) {
    if (c == ' ') continue;
    if (c != '=' && base64_value(c) < 0) return false;
    clean.push_back(c);
  }
  // '=' runs followed by more data are noise.
  std::string data;
  data.reserve(clean.size());
  for (std::size_t i = 0; i < clean.size(); ++i) {
    if (clean[i] == '=') {
      std::size_t j = i;
      while (j < clean.size() && clean[j] == '=') ++j;
      if (j < clean.size()) {
        i = j - 1;
        continue;
      }
    }
    data.push_back(clean[i]);
  }
  data.resize(data.size() - data.size() % 4U);
  for (std::size_t g = 0; g + 4 <= data.size(); g += 4) {
    std::uint32_t acc = 0;
    int valid = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const int v = base64_value(data[g + k]);
      if (v < 0) break;
      acc |= static_cast<std::uint32_t>(v) << (18U - 6U * k);
      ++valid;
    }
    if (valid >= 2) out.push_back(static_cast<char>((acc >> 16U) & 0xFFU));
    if (valid >= 3) out.push_back(static_cast<char>((acc >> 8U) & 0xFFU));
    if (valid >= 4) out.push_back(static_cast<char>(acc & 0xFFU));
  }
  return true;
}

// Length of the encoded-word =?cs?E?text?= starting at `pos`, or 0.
std::size_t encoded_word_length(std::string_view s, std::size_t pos) {
  if (pos + 1 >= s.size() || s[pos] != '=' || s[pos + 1] != '?') return 0;
  std::size_t q = s.find('?', pos + 2);
  if (q == std::string_view::npos || q + 2 >= s.size()) return 0;
  const char enc = s[q + 1];
  if (enc != 'B' && enc != 'b' && enc != 'Q' && enc != 'q') return 0;
  if (s[q + 2] != '?') return 0;
  q = s.find('?', q + 3);
  if (q == std::string_view::npos || q + 1 >= s.size() || s[q + 1] != '=') return 0;
  return q + 2 - pos;
}

}  // namespace

bool rfc2047_charset_supported(std::string_view label) {
  return lookup_charset(label) != Charset::kUnknown;
}

void decode_rfc2047_into(std::string_view text, std::string& out) {
  // Bytes of consecutive words in one charset are decoded together. They are gathered at the
  // end of `out`, from pending_start, and converted there at the flush: UTF-8 that is already
  // valid (the common case) is neither copied nor allocated.
  std::size_t pending_start = 0;
  std::string_view pending_label;
  Charset pending_charset = Charset::kUnknown;
  bool has_pending = false;
  std::string bytes;  // a B payload, decoded before it is known to be well-formed

  const auto flush = [&] {
    if (!has_pending) return;
    has_pending = false;
    const std::string_view gathered = std::string_view(out).substr(pending_start);
    if (pending_charset == Charset::kUtf8 && utf8_unchanged_by_repair(gathered)) return;
    const std::string raw(gathered);
    out.resize(pending_start);
    convert_to_utf8(raw, pending_charset, out);
  };
  const auto plain = [&](std::string_view segment) {
    // Whitespace between (or around) encoded-words disappears (RFC 2047 6.2).
    if (detail::is_wsp_only(segment)) return;
    flush();
    out.append(segment);
  };

  std::size_t last = 0;
  std::size_t pos = text.find("=?");
  while (pos != std::string_view::npos) {
    const std::size_t len = encoded_word_length(text, pos);
    if (len == 0) {
      pos = text.find("=?", pos + 1);
      continue;
    }
    plain(text.substr(last, pos - last));
    const std::string_view word = text.substr(pos, len);
    const std::size_t q1 = word.find('?', 2);
    const std::string_view label = word.substr(2, q1 - 2);
    const char enc = word[q1 + 1];
    const bool base64 = enc == 'B' || enc == 'b';
    const std::string_view payload = word.substr(q1 + 3, word.size() - (q1 + 3) - 2);
    const Charset charset = lookup_charset(label);
    bool ok = charset != Charset::kUnknown;
    if (ok && base64) {
      bytes.clear();
      ok = decode_b(payload, bytes);
    }
    if (!ok) {
      flush();
      out.append(word);  // unknown charset or bad payload: keep the word as written
    } else {
      if (has_pending && label != pending_label) flush();
      if (!has_pending) pending_start = out.size();
      pending_label = label;
      pending_charset = charset;
      has_pending = true;
      if (base64) {
        out.append(bytes);
      } else {
        decode_q(payload, out);
      }
    }
    last = pos + len;
    pos = text.find("=?", last);
  }
  plain(text.substr(last));
  flush();
}

std::string decode_rfc2047(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  decode_rfc2047_into(text, out);
  return out;
}

}  // namespace bccshield
