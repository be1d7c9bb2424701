#include "everyday_entry.hpp"

#include "address_tokenizer.hpp"
#include "address_validity.hpp"
#include "bccshield/rfc2047.hpp"
#include "bccshield/utf8.hpp"
#include "character_tables.hpp"
#include "mailbox_format.hpp"

namespace bccshield::detail {

// Every scan below indexes the input through a raw pointer: the positions are bounded by
// hand, and the hardened library's check of each string_view subscript would cost as much as
// the scan itself.

bool EverydayEntryReader::read(std::string_view s, std::size_t pos, EverydayEntry& out) {
  const std::size_t n = s.size();
  const char* const d = s.data();
  std::size_t p = run_end(kWsp, d, pos, n);
  const std::size_t text_begin = p;
  std::string_view name;
  bool quoted_name = false;
  bool encoded_name = false;
  bool encoded_plain = false;
  std::size_t local_begin = p;
  std::size_t local_end = p;
  if (p + 1 < n && d[p] == '=' && d[p + 1] == '?') {
    // A run of encoded-words as the name: decoded and cleaned exactly as the state machine's
    // on_text does, then collapsed as its finish_entry does.
    std::size_t length = 0;
    if (read_utf8_q_name(s, p, length, encoded_plain)) {
      name = scratch_;  // what the passes below give for it, in one pass
    } else {
      encoded_plain = false;  // the formatter judges the name these passes give
      length = encoded_words_length(s, p);
      if (length == 0) return false;
      const std::string_view encoded = s.substr(p, length);
      scratch_.clear();
      if (decode_utf8_q_word(encoded, scratch_) && is_normal_clean_name(scratch_)) {
        name = scratch_;  // what decoding, cleaning and collapsing give (decode_utf8_q_word)
      } else {
        scratch_.clear();
        decode_rfc2047_into(encoded, scratch_);
        if (is_normal_clean_name(scratch_)) {
          name = scratch_;  // cleaning and collapsing would change nothing
        } else {
          scratch2_.clear();
          cleaner_.clean(scratch_, scratch2_);
          name_.clear();
          cleaner_.clean(scratch2_, name_);
          normalize_spaces(name_, decoded_);
          if (decoded_.empty()) return false;
          name = decoded_;
        }
      }
    }
    encoded_name = true;
    p += length;
  } else if (p < n && d[p] == '"') {
    quoted_name = true;
    // Printable ASCII without a backslash, a doubled space or "=?" (which the state machine
    // would decode) needs no unescaping, cleaning, collapsing or decoding.
    const std::size_t q = run_end(kPlainQuotedChar, d, p + 1, n);
    if (q >= n || d[q] != '"') return false;
    name = s.substr(p + 1, q - p - 1);
    if (name.empty() || name.front() == ' ' || name.back() == ' ' ||
        name.find("  ") != std::string_view::npos || name.find("=?") != std::string_view::npos) {
      return false;
    }
    p = q + 1;
  } else {
    local_end = run_end(kFastLocalChar, d, p, n);
    if (local_end == p) return false;
    if (local_end < n && d[local_end] == '@') {
      p = local_end;  // a bare addr-spec
    } else {
      name = words(s, p);
      if (name.empty()) return false;
    }
  }
  const bool angle = !name.empty();
  const std::size_t name_end = p;
  if (angle) {
    p = run_end(kWsp, d, p, n);
    if (p >= n || d[p] != '<') return false;
    local_begin = p + 1;
    local_end = run_end(kFastLocalChar, d, local_begin, n);
    if (local_end == local_begin || local_end >= n || d[local_end] != '@') return false;
  }
  // The domain, label by label: letters, digits, '-' and UTF-8, separated by single dots.
  const std::size_t domain_begin = local_end + 1;
  std::size_t q = domain_begin;
  bool utf8 = false;
  bool labels_ok = true;  // no empty label (what valid_domain reduces to for ASCII)
  for (;;) {
    const std::size_t label = q;
    for (;;) {
      q = run_end(kFastAsciiLabelChar, d, q, n);
      if (q < n && static_cast<unsigned char>(d[q]) >= 0x80) {
        utf8 = true;
        ++q;
        continue;
      }
      break;
    }
    labels_ok = labels_ok && q > label;
    if (q < n && d[q] == '.') {
      ++q;
      continue;
    }
    break;
  }
  const std::size_t domain_end = q;
  const std::string_view domain = s.substr(domain_begin, domain_end - domain_begin);
  if (!utf8 ? !labels_ok : !valid_utf8_domain(domain)) return false;
  p = domain_end;
  if (angle) {
    if (p >= n || d[p] != '>') return false;
    ++p;
  }
  const std::size_t text_end = p;
  p = run_end(kWsp, d, p, n);
  // A trailing comment of plain words: part of the name after an angle address, the name
  // itself after a bare one (jsmime).
  std::string_view comment;
  if (p < n && d[p] == '(') {
    ++p;
    comment = words(s, p);
    if (comment.empty() || p >= n || d[p] != ')') return false;
    p = run_end(kWsp, d, p + 1, n);
  }
  // The entry ends at a ',' or ';', or with the input (a pill holds one entry).
  if (p < n && d[p] != ',' && d[p] != ';') return false;
  if (encoded_name && !comment.empty()) return false;

  out.local_part = s.substr(local_begin, local_end - local_begin);
  out.domain = domain;
  out.address = s.substr(local_begin, domain_end - local_begin);
  out.end = p;
  out.formatted = {};
  out.plain_name = false;
  if (!angle) {
    out.name = comment;
    // words() of kFastNameChar (atext, no '=') single-spaced: a plain phrase.
    out.plain_name = !comment.empty();
    // The local part never needs quotes (kFastLocalChar): the input text is the formatted form.
    if (comment.empty()) out.formatted = s.substr(text_begin, text_end - text_begin);
  } else if (comment.empty()) {
    out.name = name;
    out.plain_name = encoded_name ? encoded_plain : !quoted_name;  // words(): plain
    // An atom name is a plain phrase (kFastNameChar is atext), a quoted one has nothing to
    // escape: format_mailbox gives the input text itself when one space precedes '<'.
    if (!encoded_name && d[name_end] == ' ' && d[name_end + 1] == '<' &&
        (!quoted_name || !name_is_plain_phrase(name))) {
      out.formatted = s.substr(text_begin, text_end - text_begin);
    }
  } else {
    name_.assign(name);
    name_ += " (";
    name_ += comment;
    name_ += ')';
    out.name = name_;
  }
  return true;
}

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_utf8_label(std::string_view label) {
  if (label.size() != 5 || label[3] != '-' || label[4] != '8') return false;
  return (label[0] | 0x20) == 'u' && (label[1] | 0x20) == 't' && (label[2] | 0x20) == 'f';
}

}  // namespace

// The everyday encoded name: one =?UTF-8?Q?...?= word whose '='s all escape a byte. For it,
// decode_rfc2047_into appends the decoded bytes, repaired as UTF-8: the caller's
// is_normal_clean_name check (clean text is valid UTF-8) leaves exactly that.
bool EverydayEntryReader::decode_utf8_q_word(std::string_view word, std::string& out) {
  const std::size_t q1 = word.find('?', 2);  // encoded_words_length found it, and two more
  if (!is_utf8_label(word.substr(2, q1 - 2)) || (word[q1 + 1] != 'Q' && word[q1 + 1] != 'q')) {
    return false;
  }
  const std::string_view payload = word.substr(q1 + 3, word.size() - (q1 + 3) - 2);
  if (payload.find('?') != std::string_view::npos) return false;  // a run of several words
  // Decoded in place, over a copy: decoding never lengthens, so writing never overtakes reading.
  out.assign(payload);
  char* const decoded = out.data();
  const char* const d = decoded;
  const std::size_t n = payload.size();
  std::size_t length = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = d[i];
    if (c == '_') {
      decoded[length++] = ' ';
    } else if (c != '=') {
      decoded[length++] = c;
    } else {
      if (i + 2 >= n) return false;
      const int high = hex_digit(d[i + 1]);
      const int low = hex_digit(d[i + 2]);
      if (high < 0 || low < 0) return false;
      decoded[length++] = static_cast<char>(high * 16 + low);
      i += 2;
    }
  }
  out.resize(length);
  return true;
}

// decode_utf8_q_word and is_normal_clean_name fused, for one word at `pos` (which starts with
// "=?") that encoded_words_length reads alone: true only when those passes would accept it,
// then the decoded name is in scratch_, `length` is the word's and `plain` tells whether the
// name is a plain phrase (name_is_plain_phrase). False: the caller takes the separate passes.
bool EverydayEntryReader::read_utf8_q_name(std::string_view s, std::size_t pos, std::size_t& length,
                                           bool& plain) {
  const char* const d = s.data();
  const std::size_t n = s.size();
  const std::size_t payload = pos + 10;  // past "=?UTF-8?Q?"
  if (payload > n || !is_utf8_label(s.substr(pos + 2, 5)) || d[pos + 7] != '?' ||
      (d[pos + 8] != 'Q' && d[pos + 8] != 'q') || d[pos + 9] != '?') {
    return false;
  }
  // encoded_words_length's checks: the word ends at the first '?' with a '=' after it, and
  // holds no special or space.
  const std::size_t close = run_end(kQPayloadChar, d, payload, n);
  if (close + 1 >= n || d[close] != '?' || d[close + 1] != '=') return false;
  // Another encoded-word right after this one would be read with it.
  const std::size_t next = run_end(kWsp, d, close + 2, n);
  if (next + 1 < n && d[next] == '=' && d[next + 1] == '?') return false;
  scratch_.resize(close - payload);  // decoding never lengthens
  char* const out = scratch_.data();
  std::size_t size = 0;
  // Accumulated without a branch per byte: the or of every byte (0x80 set when there is
  // UTF-8), the and of their classes, and the pairs that break a normal or a plain name.
  unsigned seen = 0;
  unsigned classes = kNameByteNormal | kNameBytePlain;
  unsigned doubled_space = 0;
  unsigned encoded_word_start = 0;  // "=?": the name would read back as an encoded-word
  char prev = ' ';                  // so that a leading space counts as doubled
  // A space, '=' or '?' can only be decoded ('_' or an escape): a raw space or '?' ends the
  // word and a raw '=' starts an escape. So only decoded bytes can make a doubled space or
  // an "=?"; the raw ones need just their class.
  for (std::size_t i = payload; i < close; ++i) {
    char c = d[i];
    if (c == '_') {
      c = ' ';
      doubled_space |= static_cast<unsigned>(prev == ' ');
    } else if (c == '=') {
      if (i + 2 >= close) return false;
      const int high = hex_digit(d[i + 1]);
      const int low = hex_digit(d[i + 2]);
      if (high < 0 || low < 0) return false;
      c = static_cast<char>(high * 16 + low);
      i += 2;
      doubled_space |= static_cast<unsigned>(c == ' ') & static_cast<unsigned>(prev == ' ');
      encoded_word_start |= static_cast<unsigned>(c == '?') & static_cast<unsigned>(prev == '=');
    }
    const auto b = static_cast<unsigned char>(c);
    seen |= b;
    classes &= kNameByteClass[b];
    out[size++] = c;
    prev = c;
  }
  // Not empty, no control, no leading, trailing or doubled space: is_normal_clean_name
  // but its UTF-8 check.
  if ((classes & kNameByteNormal) == 0 || doubled_space != 0 || size == 0 || prev == ' ') {
    return false;
  }
  scratch_.resize(size);
  // Printable ASCII is clean text; UTF-8 is checked as is_normal_clean_name does.
  if ((seen & 0x80U) != 0 && !is_clean_text(scratch_)) return false;
  // Only once accepted: a name the fallback cleans (dropping U+034F or a C1 control can join a
  // decoded "=" and "?") is no plain phrase, whatever its bytes were.
  plain = (classes & kNameBytePlain) != 0 && encoded_word_start == 0;
  length = close + 2 - pos;
  return true;
}

bool EverydayEntryReader::read_group_name(std::string_view s, std::size_t pos,
                                          std::string_view& name, std::size_t& colon) {
  const std::size_t n = s.size();
  const char* const d = s.data();
  std::size_t p = run_end(kWsp, d, pos, n);
  const std::string_view words_read = words(s, p);
  if (words_read.empty()) return false;
  p = run_end(kWsp, d, p, n);
  if (p >= n || d[p] != ':') return false;
  name = words_read;
  colon = p;
  return true;
}

bool EverydayEntryReader::valid_utf8_domain(std::string_view domain) {
  // A draft names few domains: the last one accepted is not checked again.
  if (domain == last_utf8_domain_) return true;
  if (!valid_domain(domain) || !is_clean_text(domain)) return false;
  last_utf8_domain_.assign(domain);
  return true;
}

std::string_view EverydayEntryReader::words(std::string_view s, std::size_t& p) {
  const std::size_t n = s.size();
  const char* const d = s.data();
  const std::size_t begin = p;
  bool utf8 = false;
  for (;;) {
    const std::size_t word = p;
    // ASCII first (most names): a UTF-8 byte switches to the full set for this word.
    p = run_end(kFastAsciiNameChar, d, p, n);
    if (p < n && static_cast<unsigned char>(d[p]) >= 0x80) {
      utf8 = true;
      p = run_end(kFastNameChar, d, p, n);
    }
    if (p == word) return {};
    if (p + 1 < n && d[p] == ' ' && in_table(kFastNameChar, d[p + 1])) {
      ++p;
      continue;
    }
    break;
  }
  const std::string_view words = s.substr(begin, p - begin);
  // Printable ASCII is clean text.
  return !utf8 || is_clean_text(words) ? words : std::string_view();
}

}  // namespace bccshield::detail
