#include "bccshield/address_list.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

#include "bccshield/rfc2047.hpp"

// The reading follows Thunderbird's jsmime parseAddressingHeader (the reference: what
// Thunderbird sends to is what we must classify), re-implemented as one streaming pass:
// a tokenizer (atoms, quoted strings, domain literals, comments, encoded-words) feeding a
// small state machine. Departures from jsmime are listed in
// tests/conformance/known_deviations.json; the main ones: encoded-words are never decoded
// inside an address, and an entry that is not a usable mailbox becomes a ParseProblem.

namespace bccshield {
namespace {

constexpr std::size_t kNpos = std::string_view::npos;
constexpr std::size_t kMaxProblemText = 200;
constexpr const char* kMissingGroupName = "missing-group-name";

// ---------------------------------------------------------------------------------------
// UTF-8 helpers

// Decodes one code point at s[i] (s is valid UTF-8 here); advances i.
std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
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

// ---------------------------------------------------------------------------------------
// Eight bytes at a time (SWAR): the common text is printable ASCII.

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

std::uint64_t load8(const char* p) {
  std::uint64_t word = 0;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// Length of the leading run of bytes in 0x20..0x7E.
std::size_t printable_ascii_prefix(std::string_view s) {
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    const std::uint64_t word = load8(s.data() + i);
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
std::size_t ascii_prefix(std::string_view s) {
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    if ((load8(s.data() + i) & kHighs) != 0) break;
  }
  while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
  return i;
}

// True when cleaning cannot change `s`: printable ASCII plus valid UTF-8 in ranges with
// nothing to clean (Latin letters U+00A1..U+02FF, Greek/Cyrillic, CJK U+4000..U+9FFF).
// Anything else takes the exact path.
bool is_clean_text(std::string_view s) {
  const std::size_t n = s.size();
  for (std::size_t i = printable_ascii_prefix(s); i < n; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b >= 0x20 && b < 0x7F) continue;
    if (b == '\t' || b == '\n' || b == '\r') continue;
    if (b < 0x80 || i + 1 >= n) return false;
    const auto c1 = static_cast<unsigned char>(s[i + 1]);
    if ((c1 & 0xC0U) != 0x80U) return false;
    if (b >= 0xC2 && b <= 0xD7) {
      if (b == 0xC2 && (c1 <= 0xA0 || c1 == 0xAD)) return false;  // C1 controls, NBSP, SHY
      if (b == 0xCD && c1 == 0x8F) return false;                  // U+034F
      ++i;
      continue;
    }
    if (b >= 0xE4 && b <= 0xE9 && i + 2 < n &&
        (static_cast<unsigned char>(s[i + 2]) & 0xC0U) == 0x80U) {
      i += 2;
      continue;
    }
    return false;
  }
  return true;
}

// jsmime cleanToken: characters that do not display (and could defeat whitespace
// collapsing in spoofed names) become a space or disappear.
enum class CleanAction : std::uint8_t { kKeep, kSpace, kDrop };

CleanAction clean_action(std::uint32_t cp) {
  if (cp < 0x20)
    return (cp == '\t' || cp == '\n' || cp == '\r') ? CleanAction::kKeep : CleanAction::kDrop;
  if (cp < 0x7F) return CleanAction::kKeep;
  if (cp <= 0x9F) return CleanAction::kDrop;  // DEL and C1 controls
  if (cp == 0xA0 || cp == 0xAD) return CleanAction::kSpace;
  if (cp < 0x34F) return CleanAction::kKeep;
  if (cp == 0x34F) return CleanAction::kDrop;
  if (cp == 0x61C || cp == 0x6DD || cp == 0x70F || cp == 0x8E2) return CleanAction::kSpace;
  if (cp == 0x1680) return CleanAction::kSpace;
  if (cp == 0x17B4 || cp == 0x17B5 || (cp >= 0x180B && cp <= 0x180D)) return CleanAction::kDrop;
  if (cp == 0x180E) return CleanAction::kSpace;
  if (cp >= 0x2000 && cp <= 0x200C) return CleanAction::kSpace;
  if (cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202F) || cp == 0x205F) {
    return CleanAction::kSpace;
  }
  if ((cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x206F)) return CleanAction::kSpace;
  if (cp == 0x2800 || cp == 0x3000) return CleanAction::kSpace;
  if (cp >= 0xFE00 && cp <= 0xFE0D) return CleanAction::kDrop;
  if (cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB)) return CleanAction::kSpace;
  if (cp < 0x10000) return CleanAction::kKeep;
  if (cp == 0x110BD || cp == 0x110CD || (cp >= 0x13430 && cp <= 0x13438))
    return CleanAction::kSpace;
  if ((cp >= 0x1BCA0 && cp <= 0x1BCA3) || (cp >= 0x1D173 && cp <= 0x1D17A))
    return CleanAction::kSpace;
  if (cp == 0xE0001 || (cp >= 0xE0020 && cp <= 0xE007F)) return CleanAction::kSpace;
  if (cp >= 0xE0100 && cp <= 0xE01EF) return CleanAction::kDrop;
  return CleanAction::kKeep;
}

constexpr std::uint32_t kZwj = 0x200D;
bool is_vs(std::uint32_t cp) { return cp == 0xFE0E || cp == 0xFE0F; }

// Appends the cleaned `token` to `out`; returns true when anything was changed.
bool clean_token_into(std::string_view token, std::string& out, std::vector<std::uint32_t>& a,
                      std::vector<std::uint32_t>& b, std::string& utf8) {
  if (is_clean_text(token)) {
    out.append(token);
    return false;
  }
  utf8.clear();
  bool changed = append_valid_utf8(token, utf8);
  a.clear();
  for (std::size_t i = 0; i < utf8.size();) {
    const std::uint32_t cp = next_code_point(utf8, i);
    switch (clean_action(cp)) {
      case CleanAction::kKeep:
        a.push_back(cp);
        break;
      case CleanAction::kSpace:
        a.push_back(' ');
        changed = true;
        break;
      case CleanAction::kDrop:
        changed = true;
        break;
    }
  }
  // A zero-width joiner next to a space (or at an end) becomes a space.
  b.clear();
  for (std::size_t k = 0; k < a.size();) {
    if (k == 0 && a[k] == kZwj) {
      b.push_back(' ');
      k += 1;
    } else if (a[k] == ' ' && k + 1 < a.size() && a[k + 1] == kZwj) {
      b.push_back(' ');
      k += 2;
    } else if (a[k] == kZwj && (k + 1 == a.size() || a[k + 1] == ' ')) {
      b.push_back(' ');
      k += (k + 1 == a.size()) ? std::size_t{1} : std::size_t{2};
    } else {
      b.push_back(a[k]);
      k += 1;
      continue;
    }
    changed = true;
  }
  // Variation selectors at the start or after a space become one space.
  a.clear();
  for (std::size_t k = 0; k < b.size();) {
    std::size_t run = k;
    if (k == 0 && is_vs(b[k])) {
      run = k;
    } else if (b[k] == ' ' && k + 1 < b.size() && is_vs(b[k + 1])) {
      run = k + 1;
    } else {
      a.push_back(b[k]);
      ++k;
      continue;
    }
    while (run < b.size() && is_vs(b[run])) ++run;
    a.push_back(' ');
    k = run;
    changed = true;
  }
  // Runs of variation selectors keep their first one.
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (k > 0 && is_vs(a[k]) && is_vs(a[k - 1])) {
      changed = true;
      continue;
    }
    append_code_point(a[k], out);
  }
  return changed;
}

// JavaScript's \s (what jsmime collapses in names).
bool is_js_space(std::uint32_t cp) {
  return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

// Collapses whitespace runs to one space and trims (jsmime: replace(/\s+/g, " ").trim()).
void normalize_spaces(std::string_view in, std::string& out) {
  // Printable ASCII without leading, trailing or doubled spaces is already normal.
  if (!in.empty() && in.front() != ' ' && in.back() != ' ' &&
      printable_ascii_prefix(in) == in.size() && in.find("  ") == kNpos) {
    out.assign(in);
    return;
  }
  out.clear();
  out.reserve(in.size());
  bool pending_space = false;
  for (std::size_t i = 0; i < in.size();) {
    const std::size_t start = i;
    const auto byte = static_cast<unsigned char>(in[i]);
    const std::uint32_t cp = byte < 0x80 ? (++i, byte) : next_code_point(in, i);
    if (is_js_space(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    if (i - start == 1) {
      // Copy the whole run of printable ASCII at once.
      while (i < in.size() && static_cast<unsigned char>(in[i]) > ' ' &&
             static_cast<unsigned char>(in[i]) < 0x7F) {
        ++i;
      }
    }
    out.append(in.substr(start, i - start));
  }
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

// Characters a deliverable host name can hold (LDH, '_', UTF-8 for IDN). RFC 5322 atext
// also allows e.g. '=' and '?', which would let "user@=?UTF-8?Q?corp.example?=" pass.
constexpr bool is_host_char(unsigned char c) {
  return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_';
}

constexpr std::array<bool, 256> kHostChar = [] {
  std::array<bool, 256> table{};
  for (std::size_t c = 0; c < table.size(); ++c)
    table[c] = is_host_char(static_cast<unsigned char>(c));
  return table;
}();

// A code point that cleaning would touch, a joiner or a variation selector: invisible, so
// never part of an address we can show the user (and unstable when re-parsed).
bool has_invisible(std::string_view s) {
  for (std::size_t i = ascii_prefix(s); i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::uint32_t cp = next_code_point(s, i);
    if (clean_action(cp) != CleanAction::kKeep || cp == kZwj || is_vs(cp) || is_js_space(cp)) {
      return true;
    }
  }
  return false;
}

// Labels of host characters, or a domain literal without nested brackets or spaces.
bool valid_domain(std::string_view d) {
  if (d.empty() || has_invisible(d)) return false;
  if (d.front() == '[') {
    if (d.size() < 2 || d.back() != ']') return false;
    for (std::size_t i = 1; i + 1 < d.size(); ++i) {
      const auto c = static_cast<unsigned char>(d[i]);
      if (c == '[' || c == ']' || c == '\\' || c <= ' ' || c == 0x7F) return false;
    }
    return true;
  }
  bool label_empty = true;
  for (char ch : d) {
    const auto c = static_cast<unsigned char>(ch);
    if (kHostChar[c]) {
      label_empty = false;
    } else if (c == '.' && !label_empty) {
      label_empty = true;
    } else {
      return false;
    }
  }
  return !label_empty;
}

// jsmime keeps the local part quoted when it contains one of these.
constexpr std::array<bool, 256> kQuoteInLocalPart = [] {
  std::array<bool, 256> table{};
  for (char c : std::string_view(" !()<>[]:;@\\,\"")) table[static_cast<unsigned char>(c)] = true;
  return table;
}();

bool local_part_needs_quotes(std::string_view lp) {
  bool prev_equals = false;
  for (char c : lp) {
    const auto b = static_cast<unsigned char>(c);
    if (kQuoteInLocalPart[b]) return true;
    // Unquoted, "=?...?=" would be read back as an encoded-word.
    if (prev_equals && c == '?') return true;
    prev_equals = c == '=';
  }
  return false;
}

void append_quoted(std::string_view text, std::string& out) {
  out.push_back('"');
  for (char c : text) {
    if (c == '\\' || c == '"') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

void unescape_into(std::string_view raw, std::string& out) {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\') {
      ++i;
      if (i == raw.size()) break;  // a trailing backslash is dropped
    }
    out.push_back(raw[i]);
  }
}

bool is_wsp(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool has_line_break_or_tab(std::string_view s) {
  for (char c : s) {
    if (c == '\t' || c == '\r' || c == '\n') return true;
  }
  return false;
}

bool is_wsp_only(std::string_view s) {
  for (char c : s) {
    if (!is_wsp(c)) return false;
  }
  return true;
}

// ParseProblem::text: valid UTF-8 of at most kMaxProblemText bytes (cut after the repair,
// which can grow a byte to three).
std::string bounded_text(std::string_view raw) {
  std::string text;
  append_valid_utf8(raw.substr(0, kMaxProblemText), text);
  if (text.size() > kMaxProblemText) {
    std::size_t cut = kMaxProblemText;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;
    text.resize(cut);
  }
  return text;
}

// ---------------------------------------------------------------------------------------
// Tokenizer (jsmime getHeaderTokens with delimiters ":,;<>@", quoted strings, domain
// literals, comments and encoded-words), producing one token at a time.

enum class TokType : std::uint8_t { kDelim, kAtom, kQuoted, kQuotedOpen, kLiteral, kEncoded };

struct Token {
  TokType type = TokType::kAtom;
  char delim = 0;
  bool stray = false;     // a ')' with no open comment
  std::string_view raw;   // atom/literal text with escapes; quoted-string content; encoded words
  std::size_t begin = 0;  // byte offsets in the input
  std::size_t end = 0;
};

// RFC 5322 atext plus space: such a name needs no quotes.
constexpr std::array<bool, 256> kAtext = [] {
  std::array<bool, 256> table{};
  for (std::size_t c = 0; c < table.size(); ++c) table[c] = is_atext(static_cast<unsigned char>(c));
  return table;
}();

bool name_is_plain_phrase(std::string_view name) {
  if (name.empty() || name.front() == ' ' || name.back() == ' ') return false;
  bool prev_space = false;
  bool prev_equals = false;
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == ' ') {
      if (prev_space) return false;
      prev_space = true;
      prev_equals = false;
      continue;
    }
    // An atom that looks like an encoded-word would be decoded by the reader.
    if (!kAtext[c] || (prev_equals && c == '?')) return false;
    prev_space = false;
    prev_equals = c == '=';
  }
  return true;
}

// Fast path (Parser::fast_entry) character sets: a name atom, a local part, a domain.
constexpr std::array<bool, 256> char_set(std::string_view extra) {
  std::array<bool, 256> table{};
  for (std::size_t c = 0; c < table.size(); ++c) {
    table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
  for (char c : extra) table[static_cast<unsigned char>(c)] = true;
  return table;
}
constexpr std::array<bool, 256> with_utf8(std::array<bool, 256> table) {
  for (std::size_t c = 0x80; c < table.size(); ++c) table[c] = true;
  return table;
}
constexpr std::array<bool, 256> kFastNameChar = with_utf8(char_set("-_'"));
constexpr std::array<bool, 256> kFastLocalChar = char_set("._+-");
constexpr std::array<bool, 256> kFastDomainChar = with_utf8(char_set(".-"));

// Characters that neither delimit, quote, escape, nest nor may start an encoded-word.
constexpr std::array<bool, 256> kPlainAtomChar = [] {
  std::array<bool, 256> table{};
  for (bool& entry : table) entry = true;
  for (char c : std::string_view(" \t\r\n:,;<>@\"[()\\="))
    table[static_cast<unsigned char>(c)] = false;
  return table;
}();

bool is_plain_atom_char(char c) { return kPlainAtomChar[static_cast<unsigned char>(c)]; }

// Length of a run of encoded-words (separated only by whitespace) starting at pos, or 0.
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
    if (r == kNpos || r + 2 >= s.size()) break;
    const char enc = s[r + 1];
    if ((enc != 'B' && enc != 'b' && enc != 'Q' && enc != 'q') || s[r + 2] != '?') break;
    r = s.find('?', r + 3);
    if (r == kNpos || r + 1 >= s.size() || s[r + 1] != '=') break;
    // RFC 2047 5(3): no specials or spaces inside an encoded-word in a phrase. Thunderbird's
    // compose window does not decode, so for it such characters are structure: read the word
    // as plain text, or the host could see another address than the one mail goes to.
    if (s.substr(q, r + 2 - q).find_first_of(" \t\"<>(),;:@\\[]") != kNpos) break;
    end = r + 2;
    p = end;
    first = false;
  }
  return end == 0 ? 0 : end - pos;
}

class Tokenizer {
 public:
  Tokenizer(std::string_view text, std::size_t max_depth) : s_(text), max_depth_(max_depth) {}

  bool next(Token& out) {
    for (;;) {
      if (q_pos_ < q_len_) {
        out = queue_[q_pos_++];
        return true;
      }
      q_pos_ = q_len_ = 0;
      if (i_ >= s_.size()) {
        if (done_) return false;
        done_ = true;
        if (start_ != kNpos) {
          // An unterminated quoted string runs to the end (and is not 2047-decoded).
          if (end_quote_ == '"') {
            push(TokType::kQuotedOpen, start_ + 1, s_.size(), start_);
            unterminated_ = true;
          } else {
            push(TokType::kAtom, start_, s_.size(), start_);
            if (end_quote_ == ']') unterminated_ = true;
          }
          start_ = kNpos;
        }
        if (depth_ > 0) unterminated_ = true;
        continue;
      }
      step();
    }
  }

  // Times the comment nesting went past the cap (callers compare to a saved value).
  [[nodiscard]] std::size_t depth_overflows() const { return depth_overflows_; }
  [[nodiscard]] std::size_t position() const { return i_; }
  // Between tokens: nothing queued, open or pending.
  [[nodiscard]] bool at_rest() const {
    return q_pos_ >= q_len_ && start_ == kNpos && end_quote_ == 0 && depth_ == 0 && !done_;
  }
  // Continues at `pos` (only when at rest, past text the caller has read itself).
  void skip_to(std::size_t pos) { i_ = pos; }

 private:
  void push(TokType type, std::size_t from, std::size_t to, std::size_t begin) {
    Token& t = queue_[q_len_++];
    t = Token{};
    t.type = type;
    t.raw = s_.substr(from, to - from);
    t.begin = begin;
    t.end = to;
  }
  void push_delim(char c, bool stray = false) {
    Token& t = queue_[q_len_++];
    t = Token{};
    t.type = TokType::kDelim;
    t.delim = c;
    t.stray = stray;
    t.begin = i_;
    t.end = i_ + 1;
  }

  std::size_t utf8_len(std::size_t at) const {
    if (at >= s_.size()) return 0;
    std::size_t len = 1;
    while (at + len < s_.size() && (static_cast<unsigned char>(s_[at + len]) & 0xC0U) == 0x80U &&
           len < 4) {
      ++len;
    }
    return len;
  }

  void step() {
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
      while (i_ + 1 < s_.size() && is_plain_atom_char(s_[i_ + 1])) ++i_;
    }
    if (ending && start_ != kNpos) {
      push(TokType::kAtom, start_, i_, start_);
      start_ = kNpos;
    }
    if (special) push_delim(ch, stray);
    if (starting && start_ == kNpos) start_ = i_;
    ++i_;
  }

 public:
  bool unterminated_ = false;

 private:
  std::string_view s_;
  std::size_t max_depth_;
  std::size_t i_ = 0;
  std::size_t start_ = kNpos;
  char end_quote_ = 0;
  std::size_t depth_ = 0;
  std::size_t depth_overflows_ = 0;
  bool done_ = false;
  std::array<Token, 2> queue_{};
  std::size_t q_len_ = 0;
  std::size_t q_pos_ = 0;
};

// ---------------------------------------------------------------------------------------
// Parser: jsmime's state machine plus problem reporting.

class Parser {
 public:
  Parser(std::string_view text, const ParseLimits& limits, AddressVisitor* visitor = nullptr)
      : s_(text), limits_(limits), tok_(text, limits.max_comment_depth), visitor_(visitor) {
    display_.reserve(64);
    local_.reserve(64);
    address_.reserve(64);
  }

  ParsedAddressList run() {
    Token t;
    std::size_t overflows = 0;
    while (!stopped_ && tok_.next(t)) {
      if (tok_.depth_overflows() != overflows) {
        overflows = tok_.depth_overflows();
        too_deep_ = true;
      }
      handle(t);
      if (t.type == TokType::kDelim && (t.delim == ',' || t.delim == ':' || t.delim == ';')) {
        while (!stopped_ && fast_entry()) {
        }
      }
    }
    if (!stopped_) {
      finish_entry(s_.size());
      if (!group_name_.empty()) emit_group();
    }
    flush_pending_top_level();
    return std::move(out_);
  }

 private:
  void handle(const Token& t) {
    if (t.type == TokType::kDelim) {
      switch (t.delim) {
        case ':':
          on_colon(t);
          break;
        case '<':
          on_open_angle();
          break;
        case '>':
          if (after_address_) {
            on_text(t);
            return;
          }
          in_angle_ = false;
          last_comment_.clear();
          after_address_ = true;
          angle_closed_ = true;
          in_route_ = false;
          break;
        case '(':
          in_comment_ = true;
          preserve_space_ = needs_space_;
          if (!needs_space_) needs_space_ = !display_.empty() && display_.back() != ' ';
          comment_.assign(needs_space_ ? " (" : "(");
          comment_closed_ = false;
          break;
        case ')':
          in_comment_ = false;
          // jsmime re-appends its previous comment on a stray ')'; starting afresh keeps
          // the pass linear on "))))...".
          if (t.stray) comment_.clear();
          comment_.push_back(')');
          last_comment_ = comment_;
          if (in_angle_) {
            // jsmime restores a stale flag after a stray ')', gluing "a@b.org )x" into
            // "b.orgx": a stray ')' separates like any comment.
            needs_space_ = t.stray || preserve_space_;
          } else {
            display_ += comment_;
            needs_space_ = true;
          }
          comment_closed_ = true;
          return;
        case '@':
          if (after_address_) {
            text_after_address_ = true;
            return;
          }
          if (!in_angle_) {
            address_ = local_;
            address_bad_ = local_bad_;
            open_quote_ = local_open_quote_;
            display_.clear();
            local_.clear();
            in_angle_ = true;
          } else if (address_.empty() && angle_fresh_) {
            in_route_ = true;  // obs-route: <@a,@b:user@domain>
          }
          angle_fresh_ = false;
          address_.push_back('@');
          ++at_count_;
          break;
        case ',':
          if (in_route_ && in_angle_ && next_is_at(t.end)) break;
          extend_separator_run(t);
          finish_entry(t.begin);
          after_address_ = false;
          entry_start_ = t.end;
          break;
        case ';':
          extend_separator_run(t);
          finish_entry(t.begin);
          end_group();
          entry_start_ = t.end;
          break;
        default:
          break;
      }
      needs_space_ = false;
      return;
    }
    on_text(t);
  }

  // Empty entries right after a missing-group-name problem join it (":;:;:;" is one).
  void extend_separator_run(const Token& t) {
    if (display_.empty() && address_.empty() && local_.empty() && !angle_closed_ &&
        last_problem_reason_ == kMissingGroupName && last_problem_end_ == entry_start_) {
      last_problem_end_ = t.end;
    }
  }

  bool next_is_at(std::size_t from) const {
    // obs-domain-list allows empty elements: "<@a,,@b:user@c>".
    while (from < s_.size() && (is_wsp(s_[from]) || s_[from] == ',')) ++from;
    return from < s_.size() && s_[from] == '@';
  }

  void on_colon(const Token& t) {
    if (in_route_ && in_angle_) {
      // End of an obs-route: what follows is the real addr-spec.
      address_.clear();
      address_bad_ = false;
      at_count_ = 0;
      in_route_ = false;
      needs_space_ = false;
      return;
    }
    if (!address_.empty()) {
      // jsmime (like Thunderbird) discards an address written where a group name goes.
      add_problem(entry_start_, t.begin, "address-as-group-name");
    }
    scratch_.clear();
    clean(display_, scratch_);
    normalize_spaces(scratch_, group_name_);
    if (group_name_.empty() && address_.empty()) {
      // A group needs a name; a run of such colons ("::::") is one problem.
      if (!(last_problem_reason_ == kMissingGroupName && last_problem_end_ == entry_start_)) {
        add_problem(entry_start_, t.end, kMissingGroupName);
      }
      last_problem_end_ = t.end;
    }
    reset_entry();
    flush_pending_top_level();
    entry_start_ = t.end;
    needs_space_ = false;
  }

  void on_open_angle() {
    if (after_address_ && !in_angle_) {
      // Several <...>: the last one is the address, the earlier ones become name text.
      display_ += " <";
      display_ += address_;
      display_ += '>';
      local_.clear();
      address_.clear();
      at_count_ = 0;
      after_address_ = false;
    }
    if (in_angle_) {
      if (!address_.empty()) {
        display_ = address_;
      }
      local_.clear();
      address_.clear();
      at_count_ = 0;
      address_bad_ = false;
    } else {
      in_angle_ = true;
    }
    angle_fresh_ = true;
    in_route_ = false;
  }

  void on_text(const Token& t) {
    // Display form: encoded-words decoded; address form: exactly as written. Views point
    // into the input when nothing needs rewriting (the common case: no copy).
    std::string_view disp;
    std::string_view addr;
    bool addr_changed = false;
    const bool plain =
        t.type != TokType::kDelim && t.type != TokType::kEncoded && t.raw.find('\\') == kNpos &&
        is_clean_text(t.raw) &&
        (t.type != TokType::kQuoted || (t.raw.find("=?") == kNpos && !is_wsp_only(t.raw)));
    if (plain) {
      disp = addr = t.raw;
    } else {
      disp_.clear();
      addr_.clear();
      switch (t.type) {
        case TokType::kDelim:
          disp_.push_back(t.delim);
          addr_.push_back(t.delim);
          break;
        case TokType::kAtom:
        case TokType::kLiteral:
        case TokType::kQuotedOpen:
          scratch_.clear();
          unescape_into(t.raw, scratch_);
          addr_changed = clean(scratch_, addr_);
          disp_ = addr_;
          break;
        case TokType::kQuoted:
          // jsmime decodes encoded-words even inside quoted strings (display only).
          scratch_.clear();
          decode_rfc2047_into(t.raw, scratch_);
          scratch2_.clear();
          clean(scratch_, scratch2_);
          scratch_.clear();
          unescape_into(scratch2_, scratch_);
          clean(scratch_, disp_);
          scratch_.clear();
          unescape_into(t.raw, scratch_);
          addr_changed = clean(scratch_, addr_);
          break;
        case TokType::kEncoded:
          scratch_.clear();
          decode_rfc2047_into(t.raw, scratch_);
          scratch2_.clear();
          clean(scratch_, scratch2_);
          clean(scratch2_, disp_);
          addr_changed = clean(t.raw, addr_);
          break;
      }
      disp = disp_;
      addr = addr_;
    }
    angle_fresh_ = false;
    if (!in_comment_) has_text_ = true;
    const bool spaced = needs_space_ && !disp.empty() && disp.front() != '.';
    if (in_comment_) {
      if (spaced) comment_.push_back(' ');
      comment_ += disp;
    } else if (in_angle_) {
      // obs-local-part / obs-domain: CFWS around a dot is not part of the address.
      if (spaced && !address_.empty() && address_.back() != '.') address_.push_back(' ');
      address_ += addr;
      address_bad_ = address_bad_ || addr_changed;
      open_quote_ = open_quote_ || t.type == TokType::kQuotedOpen;
    } else {
      if (!after_address_) {
        if (spaced) display_.push_back(' ');
        display_ += disp;
      } else if (!disp.empty()) {
        text_after_address_ = true;
      }
      if (spaced && !comment_closed_ && !local_.empty() && local_.back() != '.') {
        local_.push_back(' ');
      }
      local_ += addr;
      local_bad_ = local_bad_ || addr_changed;
      local_open_quote_ = local_open_quote_ || t.type == TokType::kQuotedOpen;
      comment_closed_ = false;
    }
    needs_space_ = !disp.empty() && disp.front() != '.';
  }

  bool clean(std::string_view in, std::string& out) {
    return clean_token_into(in, out, cps_a_, cps_b_, scratch_utf8_);
  }

  void reset_entry() {
    display_.clear();
    local_.clear();
    address_.clear();
    last_comment_.clear();
    in_angle_ = in_comment_ = needs_space_ = after_address_ = false;
    at_count_ = 0;
    address_bad_ = local_bad_ = false;
    open_quote_ = local_open_quote_ = false;
    angle_fresh_ = in_route_ = angle_closed_ = false;
    text_after_address_ = too_deep_ = has_text_ = false;
  }

  // jsmime addToAddrList, with the entry either becoming a Mailbox or a ParseProblem.
  void finish_entry(std::size_t end) {
    normalize_spaces(display_, name_);
    if (name_.empty() && !last_comment_.empty()) {
      const std::size_t offset = last_comment_[0] == ' ' ? 2 : 1;
      if (last_comment_.size() > offset) {
        name_.assign(last_comment_, offset, last_comment_.size() - offset - 1);
      }
    }
    const bool has_content = !name_.empty() || !address_.empty();
    const char* reason = nullptr;
    std::size_t at = kNpos;
    if (too_deep_) {
      reason = "comment-too-deep";
    } else if (!has_content) {
      if (angle_closed_) reason = "no-address";  // "<>"
    } else if (address_.empty() && !has_text_ && !angle_closed_) {
      // Only comments (CFWS): an empty list element, e.g. "(Recipient list suppressed)".
      reset_entry();
      return;
    } else if (address_.empty()) {
      reason = "no-address";
    } else if ((at = address_.rfind('@')) == kNpos || at_count_ == 0) {
      // at_count_ == 0: the only '@' is escaped or quoted ("<a\@b>"), not a separator.
      reason = "no-domain";
    } else if (open_quote_) {
      // Thunderbird would take the '@' inside the unclosed quote as the separator; strict
      // parsers refuse the address.
      reason = "unterminated-quote";
    } else if (at_count_ > 1) {
      reason = "multiple-at";
    } else if (at + 1 == address_.size()) {
      reason = "missing-domain";
    } else if (at == 0) {
      reason = "missing-local-part";
    } else if (address_bad_ || (printable_ascii_prefix(address_) != address_.size() &&
                                (has_line_break_or_tab(address_) ||
                                 has_invisible(std::string_view(address_).substr(0, at))))) {
      // Line breaks or tabs inside the address (escaped or quoted) are never deliverable.
      reason = "invalid-character";
    } else if (!valid_domain(std::string_view(address_).substr(at + 1))) {
      reason = "invalid-domain";
    }
    if (reason != nullptr) {
      add_problem(entry_start_, end, reason);
    } else if (has_content) {
      if (!count_entry(end)) return;
      emit_mailbox(at, end);
    }
    reset_entry();
  }

  // The mailbox name_ / address_ (split at `at`) to the visitor or the result.
  void emit_mailbox(std::size_t at, std::size_t end) {
    const std::string_view lp = std::string_view(address_).substr(0, at);
    if (visitor_ != nullptr) {
      MailboxView view;
      view.name = name_;
      if (local_part_needs_quotes(lp)) {
        quoted_.clear();
        append_quoted(lp, quoted_);
        view.local_part = quoted_;
      } else {
        view.local_part = lp;
      }
      view.domain = std::string_view(address_).substr(at + 1);
      visitor_->mailbox(view);
    } else {
      Mailbox m;
      m.name = std::move(name_);
      name_.clear();
      if (local_part_needs_quotes(lp)) {
        append_quoted(lp, m.local_part);
      } else {
        m.local_part.assign(lp);
      }
      m.domain.assign(address_, at + 1, kNpos);
      pending_.push_back(std::move(m));
    }
    if (text_after_address_) add_problem(entry_start_, end, "text-after-address");
  }

  // Fast path, right after a ',', ':' or ';', for the everyday entry shapes
  //   Plain Name <local@domain>,   "Quoted, Name" <local@domain>,   local@domain,
  // optionally followed by a (plain comment), with nothing to clean, unquote, decode or
  // report, ended by ',' or ';': the same mailbox the token-by-token reading gives, read
  // straight off the input. Anything else (or the last entry) returns false and takes the
  // general path. Every scan stops at the next top-level ',' so the pass stays linear.
  bool fast_entry() {
    const std::size_t n = s_.size();
    std::size_t p = tok_.position();
    if (!tok_.at_rest() || p != entry_start_ || in_angle_ || after_address_ || !display_.empty() ||
        !address_.empty() || !local_.empty()) {
      return false;
    }
    while (p < n && is_wsp(s_[p])) ++p;
    const std::size_t text_begin = p;
    std::string_view name;
    bool quoted_name = false;
    bool encoded_name = false;
    std::size_t local_begin = p;
    std::size_t local_end = p;
    if (p + 1 < n && s_[p] == '=' && s_[p + 1] == '?') {
      // A run of encoded-words as the name: decoded and cleaned exactly as on_text does.
      const std::size_t length = encoded_words_length(s_, p);
      if (length == 0) return false;
      scratch_.clear();
      decode_rfc2047_into(s_.substr(p, length), scratch_);
      scratch2_.clear();
      clean(scratch_, scratch2_);
      disp_.clear();
      clean(scratch2_, disp_);
      normalize_spaces(disp_, decoded_name_);
      if (decoded_name_.empty()) return false;
      name = decoded_name_;
      encoded_name = true;
      p += length;
    } else if (p < n && s_[p] == '"') {
      quoted_name = true;
      std::size_t q = p + 1;
      while (q < n && s_[q] != '"') {
        const auto c = static_cast<unsigned char>(s_[q]);
        if (c < 0x20 || c >= 0x7F || c == '\\') return false;
        ++q;
      }
      if (q >= n) return false;
      name = s_.substr(p + 1, q - p - 1);
      if (name.empty() || name.front() == ' ' || name.back() == ' ' || name.find("  ") != kNpos ||
          name.find("=?") != kNpos) {
        return false;
      }
      p = q + 1;
    } else {
      while (local_end < n && kFastLocalChar[static_cast<unsigned char>(s_[local_end])])
        ++local_end;
      if (local_end == p) return false;
      if (local_end < n && s_[local_end] == '@') {
        p = local_end;  // a bare addr-spec
      } else {
        name = fast_words(p);
        if (name.empty()) return false;
      }
    }
    const bool angle = !name.empty();
    const std::size_t name_end = p;
    if (angle) {
      while (p < n && is_wsp(s_[p])) ++p;
      if (p >= n || s_[p] != '<') return false;
      local_begin = local_end = p + 1;
      while (local_end < n && kFastLocalChar[static_cast<unsigned char>(s_[local_end])])
        ++local_end;
      if (local_end == local_begin || local_end >= n || s_[local_end] != '@') return false;
    }
    const std::size_t domain_begin = local_end + 1;
    std::size_t domain_end = domain_begin;
    unsigned int bytes = 0;  // OR of every byte: UTF-8 when the high bit is set
    bool label_empty = true;
    bool labels_ok = true;  // no empty label (checked here for ASCII domains)
    while (domain_end < n && kFastDomainChar[static_cast<unsigned char>(s_[domain_end])]) {
      const char c = s_[domain_end];
      bytes |= static_cast<unsigned char>(c);
      if (c == '.') {
        labels_ok = labels_ok && !label_empty;
        label_empty = true;
      } else {
        label_empty = false;
      }
      ++domain_end;
    }
    const std::string_view domain = s_.substr(domain_begin, domain_end - domain_begin);
    if ((bytes & 0x80U) == 0) {
      // ASCII letters, digits, '-' and '.': valid_domain reduces to the label check.
      if (!labels_ok || label_empty) return false;
    } else if (!valid_domain(domain) || !is_clean_text(domain)) {
      return false;
    }
    p = domain_end;
    if (angle) {
      if (p >= n || s_[p] != '>') return false;
      ++p;
    }
    const std::size_t text_end = p;
    while (p < n && is_wsp(s_[p])) ++p;
    // A trailing comment of plain words: part of the name after an angle address, the name
    // itself after a bare one (jsmime).
    std::string_view comment;
    if (p < n && s_[p] == '(') {
      ++p;
      comment = fast_words(p);
      if (comment.empty() || p >= n || s_[p] != ')') return false;
      ++p;
      while (p < n && is_wsp(s_[p])) ++p;
    }
    if (p >= n || (s_[p] != ',' && s_[p] != ';')) return false;
    // The entry ends at this ',' or ';': exactly what finish_entry (and end_group) would do.
    if (encoded_name && !comment.empty()) return false;
    if (!count_entry(p)) return false;
    const std::string_view local = s_.substr(local_begin, local_end - local_begin);
    if (visitor_ != nullptr && (comment.empty() || !angle)) {
      // Straight from the input. The local part never needs quotes (kFastLocalChar); an
      // atom name is a plain phrase (kFastNameChar is atext), a quoted one has nothing to
      // escape: format_mailbox would give the input text itself when one space precedes '<'.
      MailboxView view;
      view.name = angle ? name : comment;
      view.local_part = local;
      view.domain = domain;
      if (!angle && comment.empty()) {
        view.formatted = s_.substr(text_begin, text_end - text_begin);
      } else if (angle && !encoded_name && comment.empty() && s_[name_end] == ' ' &&
                 s_[name_end + 1] == '<' && (!quoted_name || !name_is_plain_phrase(name))) {
        view.formatted = s_.substr(text_begin, text_end - text_begin);
      }
      visitor_->mailbox(view);
    } else {
      fast_emit(angle ? name : std::string_view(), comment, local, domain, p);
    }
    reset_entry();
    if (s_[p] == ';') end_group();
    entry_start_ = p + 1;
    tok_.skip_to(p + 1);
    return true;
  }

  void fast_emit(std::string_view name, std::string_view comment, std::string_view local,
                 std::string_view domain, std::size_t end) {
    if (!name.empty()) {
      name_.assign(name);
      if (!comment.empty()) {
        name_ += " (";
        name_ += comment;
        name_ += ')';
      }
    } else {
      name_.assign(comment);
    }
    address_.assign(local);
    address_.push_back('@');
    address_.append(domain);
    emit_mailbox(local.size(), end);
  }

  // Words of name characters (UTF-8 included) separated by single spaces, from `p` (moved
  // past them); empty when there are none or they are not clean text.
  std::string_view fast_words(std::size_t& p) const {
    const std::size_t n = s_.size();
    const std::size_t begin = p;
    unsigned int bytes = 0;  // OR of every byte: UTF-8 when the high bit is set
    for (;;) {
      if (p >= n || !kFastNameChar[static_cast<unsigned char>(s_[p])]) return {};
      while (p < n && kFastNameChar[static_cast<unsigned char>(s_[p])]) {
        bytes |= static_cast<unsigned char>(s_[p]);
        ++p;
      }
      if (p + 1 < n && s_[p] == ' ' && kFastNameChar[static_cast<unsigned char>(s_[p + 1])]) {
        ++p;
        continue;
      }
      break;
    }
    const std::string_view words = s_.substr(begin, p - begin);
    // Printable ASCII is clean text.
    return (bytes & 0x80U) == 0 || is_clean_text(words) ? words : std::string_view();
  }

  // Enforces max_entries: past it, the rest of the input is one problem and parsing stops.
  bool count_entry(std::size_t /*end*/) {
    if (count_ < limits_.max_entries) {
      ++count_;
      return true;
    }
    stopped_ = true;
    ParseProblem p;
    p.text = problem_text(entry_start_, s_.size());
    p.reason = "too-many-entries";
    out_.problems.push_back(std::move(p));
    return false;
  }

  void add_problem(std::size_t from, std::size_t to, const char* reason) {
    if (stopped_ || !count_entry(to)) return;
    last_problem_reason_ = reason;
    last_problem_end_ = to;
    ParseProblem p;
    p.text = problem_text(from, to);
    p.reason = reason;
    out_.problems.push_back(std::move(p));
  }

  std::string problem_text(std::size_t from, std::size_t to) const {
    if (to > s_.size()) to = s_.size();
    if (from > to) from = to;
    std::string_view raw = s_.substr(from, to - from);
    while (!raw.empty() && is_wsp(raw.front())) raw.remove_prefix(1);
    while (!raw.empty() && is_wsp(raw.back())) raw.remove_suffix(1);
    return bounded_text(raw);
  }

  // At a ';': the group ends (a ';' outside a group ends the top-level run).
  void end_group() {
    if (group_name_.empty()) {
      flush_pending_top_level();
    } else {
      emit_group();
    }
    group_name_.clear();
  }

  void emit_group() {
    if (visitor_ != nullptr) {
      visitor_->group_end();
      return;
    }
    out_.entries.emplace_back(Group{std::move(group_name_), std::move(pending_)});
    pending_.clear();
  }

  void flush_pending_top_level() {
    for (Mailbox& m : pending_) out_.entries.emplace_back(std::move(m));
    pending_.clear();
  }

  std::string_view s_;
  const ParseLimits& limits_;
  Tokenizer tok_;
  ParsedAddressList out_;
  std::vector<Mailbox> pending_;  // mailboxes of the current group (or top level)
  std::string group_name_;
  std::string display_, local_, address_, comment_, last_comment_, name_;
  std::string disp_, addr_, scratch_, scratch2_, scratch_utf8_, quoted_, decoded_name_;
  AddressVisitor* visitor_ = nullptr;
  std::vector<std::uint32_t> cps_a_, cps_b_;
  std::size_t entry_start_ = 0;
  const char* last_problem_reason_ = nullptr;
  std::size_t last_problem_end_ = 0;
  std::size_t at_count_ = 0;
  std::size_t count_ = 0;
  bool in_angle_ = false, in_comment_ = false, needs_space_ = false, after_address_ = false;
  bool preserve_space_ = false, comment_closed_ = false;
  bool address_bad_ = false, local_bad_ = false;
  bool open_quote_ = false, local_open_quote_ = false;
  bool angle_fresh_ = false, in_route_ = false, angle_closed_ = false;
  bool text_after_address_ = false, too_deep_ = false, has_text_ = false;
  bool stopped_ = false;
};

}  // namespace

std::string Mailbox::address() const {
  if (domain.empty()) return local_part;
  std::string out;
  out.reserve(local_part.size() + 1 + domain.size());
  out += local_part;
  out += '@';
  out += domain;
  return out;
}

std::vector<Mailbox> ParsedAddressList::mailboxes() const {
  std::vector<Mailbox> out;
  out.reserve(entries.size());
  for (const AddressEntry& entry : entries) {
    if (const auto* mailbox = std::get_if<Mailbox>(&entry)) {
      out.push_back(*mailbox);
    } else {
      const auto& group = std::get<Group>(entry);
      out.insert(out.end(), group.members.begin(), group.members.end());
    }
  }
  return out;
}

ParsedAddressList parse_address_list(std::string_view text, const ParseLimits& limits) {
  if (text.size() > limits.max_input_bytes) {
    ParsedAddressList refused;
    ParseProblem p;
    p.text = bounded_text(text);
    p.reason = "input-too-large";
    refused.problems.push_back(std::move(p));
    return refused;
  }
  return Parser(text, limits).run();
}

std::vector<ParseProblem> visit_address_list(std::string_view text, AddressVisitor& visitor,
                                             const ParseLimits& limits) {
  if (text.size() > limits.max_input_bytes) {
    ParseProblem p;
    p.text = bounded_text(text);
    p.reason = "input-too-large";
    std::vector<ParseProblem> refused;
    refused.push_back(std::move(p));
    return refused;
  }
  return Parser(text, limits, &visitor).run().problems;
}

void append_formatted_mailbox(const MailboxView& mailbox, std::string& out) {
  if (!mailbox.name.empty()) {
    if (name_is_plain_phrase(mailbox.name)) {
      out += mailbox.name;
    } else {
      append_quoted(mailbox.name, out);
    }
    out += " <";
  }
  out += mailbox.local_part;
  if (!mailbox.domain.empty()) {
    out += '@';
    out += mailbox.domain;
  }
  if (!mailbox.name.empty()) out += '>';
}

std::string format_mailbox(const Mailbox& mailbox) {
  std::string out;
  const std::string address = mailbox.address();
  if (mailbox.name.empty()) return address;
  out.reserve(mailbox.name.size() + address.size() + 5);
  if (name_is_plain_phrase(mailbox.name)) {
    out += mailbox.name;
  } else {
    append_quoted(mailbox.name, out);
  }
  out += " <";
  out += address;
  out += '>';
  return out;
}

}  // namespace bccshield
