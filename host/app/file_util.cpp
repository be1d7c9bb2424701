#include "file_util.hpp"

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

#include "platform.hpp"

namespace bccshield {
namespace {

namespace fs = std::filesystem;

std::string megabytes(std::size_t bytes) {
  return bytes >= 1024U * 1024U ? std::to_string(bytes / (1024U * 1024U)) + " MiB"
                                : std::to_string(bytes) + " bytes";
}

// `expected`: the size the file says it has, when known: the text is allocated once (no copy per
// doubling of a 450 KB message).
FileContent read_stream(std::istream& in, const std::string& name, std::size_t limit,
                        std::uintmax_t expected = 0) {
  FileContent content;
  if (expected > 0 && expected <= limit) content.text.reserve(static_cast<std::size_t>(expected));
  std::array<char, 65536> buffer{};
  while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
    content.text.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
    if (content.text.size() > limit) {
      content.text.clear();
      content.status = FileStatus::TooLarge;
      content.error = name + " is larger than " + megabytes(limit);
      return content;
    }
  }
  if (in.bad()) {
    content.text.clear();
    content.status = FileStatus::Unreadable;
    content.error = "cannot read " + name;
  }
  return content;
}

}  // namespace

fs::path path_from_utf8(std::string_view text) {
  return fs::path(std::u8string(text.begin(), text.end()));
}

std::string utf8_of(const fs::path& path) {
  const std::u8string text = path.u8string();
  return {text.begin(), text.end()};
}

std::optional<fs::path> env_path(const char* name) {
  auto value = platform::environment(name);
  if (!value) return std::nullopt;
  return path_from_utf8(*value);
}

FileContent read_file(const fs::path& file, std::size_t limit) {
  std::error_code ec;
  std::ifstream in;
  if (!fs::is_directory(file, ec)) in.open(file, std::ios::binary);  // a folder opens, then fails
  if (!in.is_open()) {
    FileContent content;
    content.status = fs::exists(file, ec) ? FileStatus::Unreadable : FileStatus::Missing;
    content.error = "cannot read " + utf8_of(file);
    return content;
  }
  const std::uintmax_t size = fs::file_size(file, ec);
  return read_stream(in, utf8_of(file), limit, ec ? 0 : size);
}

FileContent read_file_or_stdin(const std::string& name, std::size_t limit) {
  if (name == "-") return read_stream(std::cin, "standard input", limit);
  return read_file(path_from_utf8(name), limit);
}

}  // namespace bccshield
