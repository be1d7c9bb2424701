#include "file_util.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

namespace bccshield {
namespace {

namespace fs = std::filesystem;

std::string megabytes(std::size_t bytes) {
  return bytes >= 1024U * 1024U ? std::to_string(bytes / (1024U * 1024U)) + " MiB"
                                : std::to_string(bytes) + " bytes";
}

FileContent read_stream(std::istream& in, const std::string& name, std::size_t limit) {
  FileContent content;
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

std::optional<fs::path> env_path(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read at start-up
  if (value == nullptr || *value == '\0') return std::nullopt;
  return fs::path(value);
}

FileContent read_file(const fs::path& file, std::size_t limit) {
  std::error_code ec;
  std::ifstream in;
  if (!fs::is_directory(file, ec)) in.open(file, std::ios::binary);  // a folder opens, then fails
  if (!in.is_open()) {
    FileContent content;
    content.status = fs::exists(file, ec) ? FileStatus::Unreadable : FileStatus::Missing;
    content.error = "cannot read " + file.string();
    return content;
  }
  return read_stream(in, file.string(), limit);
}

FileContent read_file_or_stdin(const std::string& name, std::size_t limit) {
  if (name == "-") return read_stream(std::cin, "standard input", limit);
  return read_file(name, limit);
}

bool write_file(const fs::path& file, std::string_view text, fs::perms mode, IfExists if_exists,
                std::string& error) {
  const auto raw_mode = static_cast<mode_t>(mode & fs::perms::mask);
  const int flags =
      O_WRONLY | O_CREAT | O_CLOEXEC | (if_exists == IfExists::Replace ? O_TRUNC : O_EXCL);
  const int fd = ::open(file.c_str(), flags, raw_mode);
  if (fd < 0) {
    error = "cannot create " + file.string() + ": " +
            std::strerror(errno);  // NOLINT(concurrency-mt-unsafe)
    return false;
  }
  ::fchmod(fd, raw_mode);  // the umask must not loosen or tighten what was asked
  const auto written = ::write(fd, text.data(), text.size());
  const bool ok = written == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    std::error_code ec;
    fs::remove(file, ec);
    error = "cannot write " + file.string();
  }
  return ok;
}

}  // namespace bccshield
