#include "address_tokenizer.hpp"

#include "character_tables.hpp"

namespace bccshield::detail {

std::size_t encoded_words_length(std::string_view s, std::size_t pos) {
  std::size_t end = 0;
  std::size_t p = pos;
  bool first = true;
  for (;;) {
    std::size_t q = p;
    if (!first) {
      while (q < s.size() && is_wsp(s[q])) ++q;
    }
    if (q + 1 >= s.size() || s[q] != '=' || s[q + 1] != '?') break;
    std::size_t r = s.find('?', q + 2);
    if (r == std::string_view::npos || r + 2 >= s.size()) break;
    const char enc = s[r + 1];
    if ((enc != 'B' && enc != 'b' && enc != 'Q' && enc != 'q') || s[r + 2] != '?') break;
    r = s.find('?', r + 3);
    if (r == std::string_view::npos || r + 1 >= s.size() || s[r + 1] != '=') break;
    // RFC 2047 5(3): no specials or spaces inside an encoded-word in a phrase. Thunderbird's
    // compose window does not decode, so for it such characters are structure: read the word
    // as plain text, or the host could see another address than the one mail goes to.
    // (One table load per byte: find_first_of would search the set once per byte.)
    const char* const word = s.data();
    std::size_t k = q;
    while (k < r + 2 && !in_table(kNotInEncodedWord, word[k])) ++k;
    if (k < r + 2) break;
    end = r + 2;
    p = end;
    first = false;
  }
  return end == 0 ? 0 : end - pos;
}

void Tokenizer::push(TokType type, std::size_t from, std::size_t to, std::size_t begin) {
  Token& t = queue_[q_len_++];
  t = Token{};
  t.type = type;
  t.raw = s_.substr(from, to - from);
  t.begin = begin;
  t.end = to;
}
void Tokenizer::push_delim(char c, bool stray) {
  Token& t = queue_[q_len_++];
  t = Token{};
  t.type = TokType::kDelim;
  t.delim = c;
  t.stray = stray;
  t.begin = i_;
  t.end = i_ + 1;
}

std::size_t Tokenizer::utf8_len(std::size_t at) const {
  if (at >= s_.size()) return 0;
  std::size_t len = 1;
  while (at + len < s_.size() && (static_cast<unsigned char>(s_[at + len]) & 0xC0U) == 0x80U &&
         len < 4) {
    ++len;
  }
  return len;
}

void Tokenizer::flush_open_token() {
  if (start_ == kNpos) return;
  // An unterminated quoted string runs to the end (and is not 2047-decoded).
  if (end_quote_ == '"') {
    push(TokType::kQuotedOpen, start_ + 1, s_.size(), start_);
  } else {
    push(TokType::kAtom, start_, s_.size(), start_);
  }
  start_ = kNpos;
}

void Tokenizer::step() {
  const char ch = s_[i_];
  // A backslash escapes the next character anywhere (and does not start a token).
  if (ch == '\\') {
    i_ += 1 + utf8_len(i_ + 1);
    return;
  }
  if (end_quote_ != 0) {
    if (ch == '"' && end_quote_ == '"') {
      push(TokType::kQuoted, start_ + 1, i_, start_);
      queue_[q_len_ - 1].end = i_ + 1;
      end_quote_ = 0;
      start_ = kNpos;
    } else if (ch == ']' && end_quote_ == ']') {
      push(TokType::kLiteral, start_, i_ + 1, start_);
      end_quote_ = 0;
      start_ = kNpos;
    } else {
      // Fast path: jump to the next character that can end or escape the quote.
      const char stops[2] = {end_quote_, '\\'};
      const std::size_t next = s_.find_first_of(std::string_view(stops, 2), i_ + 1);
      i_ = next == kNpos ? s_.size() : next;
      return;
    }
    ++i_;
    return;
  }
  if (ch == '=' && i_ + 1 < s_.size() && s_[i_ + 1] == '?') {
    const std::size_t len = encoded_words_length(s_, i_);
    if (len > 0) {
      if (start_ != kNpos) {
        push(TokType::kAtom, start_, i_, start_);
        start_ = kNpos;
      }
      push(TokType::kEncoded, i_, i_ + len, i_);
      i_ += len;
      return;
    }
  }
  bool ending = false;
  bool starting = false;
  bool special = false;
  bool stray = false;
  if (is_wsp(ch)) {
    ending = true;
    if (start_ == kNpos) {
      while (i_ + 1 < s_.size() && is_wsp(s_[i_ + 1])) ++i_;  // nothing to close: skip the run
    }
  } else if (depth_ == 0 &&
             (ch == ':' || ch == ',' || ch == ';' || ch == '<' || ch == '>' || ch == '@')) {
    ending = special = true;
  } else if (ch == '"') {
    ending = starting = true;
    end_quote_ = '"';
  } else if (ch == '[') {
    ending = starting = true;
    end_quote_ = ']';
  } else if (ch == '(') {
    ++depth_;
    if (depth_ > max_depth_) ++depth_overflows_;
    if (depth_ == 1) {
      ending = special = true;
    } else {
      starting = true;
    }
  } else if (ch == ')') {
    stray = depth_ == 0;
    if (depth_ > 0) --depth_;
    if (depth_ == 0) {
      ending = special = true;
    } else {
      starting = true;
    }
  } else {
    starting = true;
    if (start_ == kNpos) start_ = i_;
    // Fast path: the rest of a run of ordinary atom characters changes no state.
    while (i_ + 1 < s_.size() && in_table(kPlainAtomChar, s_[i_ + 1])) ++i_;
  }
  if (ending && start_ != kNpos) {
    push(TokType::kAtom, start_, i_, start_);
    start_ = kNpos;
  }
  if (special) push_delim(ch, stray);
  if (starting && start_ == kNpos) start_ = i_;
  ++i_;
}

}  // namespace bccshield::detail
