#pragma once
// RFC 2047 encoded-word decoding, for display text only (never applied to addresses).
// Hand-written charset tables (no iconv: the core also builds with Emscripten).

#include <string>
#include <string_view>

namespace bccshield {

// Appends the UTF-8 decoding of every encoded-word (=?charset?B|Q?text?=) found in `text`.
// Follows Thunderbird's jsmime: encoded-words are found anywhere, whitespace-only runs
// between two encoded-words are dropped (RFC 2047 6.2), consecutive words in the same
// charset are decoded as one byte stream (tolerates characters split across words).
// Charsets: UTF-8, US-ASCII, ISO-8859-1, ISO-8859-15, Windows-1252 (and their common
// labels; as in browsers, US-ASCII and ISO-8859-1 decode as Windows-1252). A word in an
// unknown charset or with a malformed B payload is copied undecoded. Invalid UTF-8 yields
// U+FFFD. Text outside encoded-words is copied unchanged.
void decode_rfc2047_into(std::string_view text, std::string& out);
[[nodiscard]] std::string decode_rfc2047(std::string_view text);

// True when `label` (case-insensitive, optional RFC 2231 "*language" suffix) is decodable.
[[nodiscard]] bool rfc2047_charset_supported(std::string_view label);

}  // namespace bccshield
