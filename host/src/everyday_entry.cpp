#include "everyday_entry.hpp"

#include "address_tokenizer.hpp"
#include "address_validity.hpp"
#include "bccshield/rfc2047.hpp"
#include "character_tables.hpp"
#include "mailbox_format.hpp"

namespace bccshield::detail {

bool EverydayEntryReader::read(std::string_view s, std::size_t pos, EverydayEntry& out) {
  constexpr std::size_t kNpos = std::string_view::npos;
  const std::size_t n = s.size();
  std::size_t p = pos;
  while (p < n && is_wsp(s[p])) ++p;
  const std::size_t text_begin = p;
  std::string_view name;
  bool quoted_name = false;
  bool encoded_name = false;
  std::size_t local_begin = p;
  std::size_t local_end = p;
  if (p + 1 < n && s[p] == '=' && s[p + 1] == '?') {
    // A run of encoded-words as the name: decoded and cleaned exactly as the state machine's
    // on_text does, then collapsed as its finish_entry does.
    const std::size_t length = encoded_words_length(s, p);
    if (length == 0) return false;
    scratch_.clear();
    decode_rfc2047_into(s.substr(p, length), scratch_);
    scratch2_.clear();
    cleaner_.clean(scratch_, scratch2_);
    name_.clear();
    cleaner_.clean(scratch2_, name_);
    normalize_spaces(name_, decoded_);
    if (decoded_.empty()) return false;
    name = decoded_;
    encoded_name = true;
    p += length;
  } else if (p < n && s[p] == '"') {
    quoted_name = true;
    std::size_t q = p + 1;
    while (q < n && s[q] != '"') {
      const auto c = static_cast<unsigned char>(s[q]);
      if (c < 0x20 || c >= 0x7F || c == '\\') return false;
      ++q;
    }
    if (q >= n) return false;
    name = s.substr(p + 1, q - p - 1);
    if (name.empty() || name.front() == ' ' || name.back() == ' ' || name.find("  ") != kNpos ||
        name.find("=?") != kNpos) {
      return false;
    }
    p = q + 1;
  } else {
    while (local_end < n && in_table(kFastLocalChar, s[local_end])) ++local_end;
    if (local_end == p) return false;
    if (local_end < n && s[local_end] == '@') {
      p = local_end;  // a bare addr-spec
    } else {
      name = words(s, p);
      if (name.empty()) return false;
    }
  }
  const bool angle = !name.empty();
  const std::size_t name_end = p;
  if (angle) {
    while (p < n && is_wsp(s[p])) ++p;
    if (p >= n || s[p] != '<') return false;
    local_begin = local_end = p + 1;
    while (local_end < n && in_table(kFastLocalChar, s[local_end])) ++local_end;
    if (local_end == local_begin || local_end >= n || s[local_end] != '@') return false;
  }
  const std::size_t domain_begin = local_end + 1;
  std::size_t domain_end = domain_begin;
  unsigned int bytes = 0;  // OR of every byte: UTF-8 when the high bit is set
  bool label_empty = true;
  bool labels_ok = true;  // no empty label (checked here for ASCII domains)
  while (domain_end < n && in_table(kFastDomainChar, s[domain_end])) {
    const char c = s[domain_end];
    bytes |= static_cast<unsigned char>(c);
    if (c == '.') {
      labels_ok = labels_ok && !label_empty;
      label_empty = true;
    } else {
      label_empty = false;
    }
    ++domain_end;
  }
  const std::string_view domain = s.substr(domain_begin, domain_end - domain_begin);
  if ((bytes & 0x80U) == 0) {
    // ASCII letters, digits, '-' and '.': valid_domain reduces to the label check.
    if (!labels_ok || label_empty) return false;
  } else if (!valid_domain(domain) || !is_clean_text(domain)) {
    return false;
  }
  p = domain_end;
  if (angle) {
    if (p >= n || s[p] != '>') return false;
    ++p;
  }
  const std::size_t text_end = p;
  while (p < n && is_wsp(s[p])) ++p;
  // A trailing comment of plain words: part of the name after an angle address, the name
  // itself after a bare one (jsmime).
  std::string_view comment;
  if (p < n && s[p] == '(') {
    ++p;
    comment = words(s, p);
    if (comment.empty() || p >= n || s[p] != ')') return false;
    ++p;
    while (p < n && is_wsp(s[p])) ++p;
  }
  // The entry ends at a ',' or ';', or with the input (a pill holds one entry).
  if (p < n && s[p] != ',' && s[p] != ';') return false;
  if (encoded_name && !comment.empty()) return false;

  out.local_part = s.substr(local_begin, local_end - local_begin);
  out.domain = domain;
  out.end = p;
  out.formatted = {};
  if (!angle) {
    out.name = comment;
    // The local part never needs quotes (kFastLocalChar): the input text is the formatted form.
    if (comment.empty()) out.formatted = s.substr(text_begin, text_end - text_begin);
  } else if (comment.empty()) {
    out.name = name;
    // An atom name is a plain phrase (kFastNameChar is atext), a quoted one has nothing to
    // escape: format_mailbox gives the input text itself when one space precedes '<'.
    if (!encoded_name && s[name_end] == ' ' && s[name_end + 1] == '<' &&
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

std::string_view EverydayEntryReader::words(std::string_view s, std::size_t& p) {
  const std::size_t n = s.size();
  const std::size_t begin = p;
  unsigned int bytes = 0;  // OR of every byte: UTF-8 when the high bit is set
  for (;;) {
    if (p >= n || !in_table(kFastNameChar, s[p])) return {};
    while (p < n && in_table(kFastNameChar, s[p])) {
      bytes |= static_cast<unsigned char>(s[p]);
      ++p;
    }
    if (p + 1 < n && s[p] == ' ' && in_table(kFastNameChar, s[p + 1])) {
      ++p;
      continue;
    }
    break;
  }
  const std::string_view words = s.substr(begin, p - begin);
  // Printable ASCII is clean text.
  return (bytes & 0x80U) == 0 || is_clean_text(words) ? words : std::string_view();
}

}  // namespace bccshield::detail
