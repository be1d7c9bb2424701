#include "key_file.hpp"

#include <sodium.h>

#include <cstring>

#include "file_util.hpp"

namespace bccshield {

bool decode_key_text(std::string_view text, std::span<unsigned char> out) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    std::size_t written = 0;
    const int rc = sodium_base642bin(out.data(), out.size(), line.data(), line.size(), nullptr,
                                     &written, nullptr, sodium_base64_VARIANT_ORIGINAL);
    return rc == 0 && written == out.size();
  }
  return false;
}

KeyFileStatus read_key_file(const std::filesystem::path& file, std::span<unsigned char> out) {
  FileContent content = read_file(file, max_key_file_bytes);
  KeyFileStatus status = KeyFileStatus::Ok;
  if (content.status == FileStatus::Missing) {
    status = KeyFileStatus::Missing;
  } else if (content.status != FileStatus::Ok) {
    status =
        content.status == FileStatus::TooLarge ? KeyFileStatus::Invalid : KeyFileStatus::Unreadable;
  } else if (!decode_key_text(content.text, out)) {
    status = KeyFileStatus::Invalid;
  }
  sodium_memzero(content.text.data(), content.text.size());
  return status;
}

std::string key_file_text(std::string_view comment, std::span<const unsigned char> bytes) {
  std::string b64(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  b64.resize(std::strlen(b64.c_str()));
  std::string text;
  text.reserve(comment.size() + b64.size() + 1);
  text.append(comment).append(b64).append("\n");
  sodium_memzero(b64.data(), b64.size());
  return text;
}

}  // namespace bccshield
