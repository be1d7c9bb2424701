#pragma once
// Tokenizer of address lists: jsmime getHeaderTokens with delimiters ":,;<>@", quoted
// strings, domain literals, comments and encoded-words, producing one token at a time.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace bccshield::detail {

enum class TokType : std::uint8_t { kDelim, kAtom, kQuoted, kQuotedOpen, kLiteral, kEncoded };

struct Token {
  TokType type = TokType::kAtom;
  char delim = 0;
  bool stray = false;     // a ')' with no open comment
  std::string_view raw;   // atom/literal text with escapes; quoted-string content; encoded words
  std::size_t begin = 0;  // byte offsets in the input
  std::size_t end = 0;
};

// Length of a run of encoded-words (separated only by whitespace) starting at pos, or 0.
std::size_t encoded_words_length(std::string_view s, std::size_t pos);

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
        flush_open_token();
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
  static constexpr std::size_t kNpos = std::string_view::npos;

  void push(TokType type, std::size_t from, std::size_t to, std::size_t begin);
  void push_delim(char c, bool stray = false);
  [[nodiscard]] std::size_t utf8_len(std::size_t at) const;
  void flush_open_token();
  void step();

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

}  // namespace bccshield::detail
