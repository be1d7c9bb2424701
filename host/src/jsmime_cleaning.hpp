#pragma once
// jsmime's cleaning of display and local text (cleanToken, then the whitespace collapsing of
// names): characters that do not display, and could defeat the collapsing in a spoofed name,
// become a space or disappear.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bccshield::detail {

// True when cleaning cannot change `s`: printable ASCII plus valid UTF-8 in ranges with
// nothing to clean (Latin letters U+00A1..U+02FF, Greek/Cyrillic, CJK U+4000..U+9FFF).
// Anything else takes the exact path.
bool is_clean_text(std::string_view s);

// A code point that cleaning would touch, a joiner, a variation selector or a JavaScript
// space: invisible, so never part of an address we can show the user (and unstable when
// re-parsed).
bool has_invisible(std::string_view s);

// Collapses whitespace runs to one space and trims (jsmime: replace(/\s+/g, " ").trim()).
void normalize_spaces(std::string_view in, std::string& out);

// True when `s` is a name that cleaning and normalize_spaces both leave as it is: not empty,
// clean text (is_clean_text) with single spaces between words and no other whitespace.
bool is_normal_clean_name(std::string_view s);

// jsmime cleanToken, keeping its scratch space between calls (the parser cleans every token).
class TextCleaner {
 public:
  // Appends the cleaned `token` to `out`; returns true when anything was changed.
  bool clean(std::string_view token, std::string& out);

 private:
  std::vector<std::uint32_t> a_, b_;
  std::string utf8_;
};

}  // namespace bccshield::detail
