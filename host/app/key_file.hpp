#pragma once
// Key and signature files (audit secret, policy signing key, policy public key, signatures):
// '#' comment lines, then one base64 line of exactly the key's size. One reader, one writer.

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace bccshield {

// A key file is a few lines: anything longer is not one (and is never read further).
inline constexpr std::size_t max_key_file_bytes = 4096;

// Decodes the first non-comment line of `text` into `out`; false unless it is base64 of exactly
// out.size() bytes.
bool decode_key_text(std::string_view text, std::span<unsigned char> out);

enum class KeyFileStatus { Ok, Missing, Unreadable, Invalid };

// Reads `file` and decodes it into `out`. The file's text is wiped after decoding. The caller
// words the failure: it knows which key it wanted.
KeyFileStatus read_key_file(const std::filesystem::path& file, std::span<unsigned char> out);

// `comment` (lines each starting with '#', ending with '\n') followed by the base64 line.
std::string key_file_text(std::string_view comment, std::span<const unsigned char> bytes);

}  // namespace bccshield
