#include "bccshield/json_writer.hpp"

#include <array>
#include <charconv>
#include <cstring>
#include <nlohmann/json.hpp>

#include "bccshield/utf8.hpp"

namespace bccshield {
namespace {

// What dump() writes for each byte of a valid UTF-8 string: 0 = the byte itself, 'u' = \u00xx
// (lowercase hex, as nlohmann's "\\u%04x"), otherwise the letter after the backslash.
constexpr std::array<char, 256> kEscapes = [] {
  std::array<char, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[static_cast<std::size_t>(c)] = 'u';
  table['\b'] = 'b';
  table['\t'] = 't';
  table['\n'] = 'n';
  table['\f'] = 'f';
  table['\r'] = 'r';
  table['"'] = '"';
  table['\\'] = '\\';
  return table;
}();

// The position of the first byte at or after `from` that dump() escapes (C0, '"', '\\') or that
// starts a UTF-8 sequence, or text.size(). Eight bytes at a time: most of a reply is ASCII.
std::size_t next_special(std::string_view text, std::size_t from) {
  using utf8_detail::kHighs;
  using utf8_detail::kOnes;
  const auto zero_byte = [](std::uint64_t word) { return (word - kOnes) & ~word & kHighs; };
  const auto any_special = [&](const char* at) {
    const std::uint64_t word = utf8_detail::load8(at);
    const std::uint64_t below_space = (word - kOnes * 0x20U) & ~word & kHighs;
    return ((word & kHighs) | below_space | zero_byte(word ^ (kOnes * '"')) |
            zero_byte(word ^ (kOnes * '\\'))) != 0;
  };
  std::size_t i = from;
  while (i + 8 <= text.size() && !any_special(text.data() + i)) i += 8;
  // Fewer than eight bytes left, all after `from`: the eight bytes ending the text (overlapping
  // clean ones) in one load, as an address seldom ends on a word boundary.
  if (i < text.size() && i + 8 > text.size() && text.size() - from >= 8 &&
      !any_special(text.data() + text.size() - 8))
    return text.size();
  while (i < text.size() && kEscapes[static_cast<unsigned char>(text[i])] == 0 &&
         static_cast<unsigned char>(text[i]) < 0x80)
    ++i;
  return i;
}

}  // namespace

// A number with its separator in one append: most of a v2 reply is recipient indexes.
void JsonWriter::signed_number(long long value) {
  char text[32];
  char* end = std::to_chars(separator(text), text + sizeof text, value).ptr;
  out_.append(text, static_cast<std::size_t>(end - text));
}

void JsonWriter::unsigned_number(unsigned long long value) {
  char text[32];
  char* end = std::to_chars(separator(text), text + sizeof text, value).ptr;
  out_.append(text, static_cast<std::size_t>(end - text));
}

void JsonWriter::joined_elements(std::string_view text, std::size_t count) {
  if (count == 0) return;
  element();  // the separator before the first
  out_.append(text);
  counts_.back() += static_cast<std::uint32_t>(count - 1);
}

char* JsonWriter::separator(char* at) {
  if (indent_ >= 0 || after_key_ || counts_.empty()) {
    element();  // indented layout, after a key, the document itself: nothing or a new line
    return at;
  }
  if (counts_.back()++ > 0) *at++ = ',';
  return at;
}

void JsonWriter::key(std::string_view name) {
  if (counts_.back()++ > 0) out_ += ',';
  if (indent_ >= 0) new_line(counts_.size());
  quoted(name);
  out_ += indent_ >= 0 ? ": " : ":";
  after_key_ = true;
}

void JsonWriter::string(std::string_view text) {
  // The separator, the quotes and clean text (most strings: an address) in one append.
  constexpr std::size_t kShort = 120;
  if (text.size() <= kShort && next_special(text, 0) == text.size()) {
    char buffer[kShort + 4];
    char* at = separator(buffer);
    *at++ = '"';
    if (!text.empty()) std::memcpy(at, text.data(), text.size());
    at += text.size();
    *at++ = '"';
    out_.append(buffer, static_cast<std::size_t>(at - buffer));
    return;
  }
  element();
  quoted(text);
}

void JsonWriter::quoted(std::string_view text) {
  const std::size_t start = out_.size();
  out_ += '"';
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = next_special(text, 0); i < text.size(); i = next_special(text, i)) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x80) {
      const std::size_t length = utf8_sequence_length(text, i);
      if (length == 0) {
        // Not UTF-8 (a draft read from a message file, rare): nlohmann's own U+FFFD
        // replacement, exactly.
        out_.resize(start);
        out_ += nlohmann::json(std::string(text))
                    .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
      }
      i += length;
      continue;
    }
    const char escape = kEscapes[byte];
    out_.append(text.data() + run, i - run);
    run = ++i;
    if (escape != 'u') {
      const char pair[2] = {'\\', escape};
      out_.append(pair, 2);
      continue;
    }
    constexpr std::string_view kHex = "0123456789abcdef";
    const char sequence[6] = {'\\', 'u', '0', '0', kHex[byte >> 4U], kHex[byte & 0xFU]};
    out_.append(sequence, 6);
  }
  out_.append(text.data() + run, text.size() - run);
  out_ += '"';
}

void JsonWriter::value(const nlohmann::json& value) {
  element();
  const std::string text =
      value.dump(indent_, ' ', false, nlohmann::json::error_handler_t::replace);
  if (indent_ < 0 || counts_.empty()) {
    out_ += text;
    return;
  }
  // dump() indents from column 0: shift its inner lines to this depth (strings hold no raw
  // newline, so every '\n' is layout).
  const std::size_t shift = counts_.size() * static_cast<std::size_t>(indent_);
  for (const char c : text) {
    out_ += c;
    if (c == '\n') out_.append(shift, ' ');
  }
}

void JsonWriter::open(char bracket) {
  element();
  out_ += bracket;
  counts_.push_back(0);
}

void JsonWriter::close(char bracket) {
  const std::uint32_t written = counts_.back();
  counts_.pop_back();
  if (written > 0 && indent_ >= 0) new_line(counts_.size());
  out_ += bracket;
}

void JsonWriter::element() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (counts_.empty()) return;  // the document itself
  if (counts_.back()++ > 0) out_ += ',';
  if (indent_ >= 0) new_line(counts_.size());
}

void JsonWriter::new_line(std::size_t depth) {
  out_ += '\n';
  out_.append(depth * static_cast<std::size_t>(indent_), ' ');
}

}  // namespace bccshield
