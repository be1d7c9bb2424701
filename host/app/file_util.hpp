#pragma once
// The edge's file primitives. Loaders and commands locate, read and create files only through
// these, and learn about failures one way: a status and a sentence naming the file (never its
// content), which a command passes to print_error.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "platform.hpp"

namespace bccshield {

// A UTF-8 string (an argument, an environment value) as a path, and a path as UTF-8 for a
// message. std::filesystem's own char conversions use the ANSI code page on Windows: a name
// with "é" would be another file, and one with "Ω" would throw.
std::filesystem::path path_from_utf8(std::string_view text);
std::string utf8_of(const std::filesystem::path& path);

// $name as a path; nullopt when unset or empty (read at start-up, before any thread exists).
std::optional<std::filesystem::path> env_path(const char* name);

enum class FileStatus { Ok, Missing, Unreadable, TooLarge };

struct FileContent {
  FileStatus status = FileStatus::Ok;
  std::string text;   // with Ok
  std::string error;  // otherwise: why, naming the file
};

// The whole of `file`, refused when longer than `limit` bytes (never read further).
FileContent read_file(const std::filesystem::path& file, std::size_t limit);
// As read_file; "-" is standard input.
FileContent read_file_or_stdin(const std::string& name, std::size_t limit);

// File creation is the platform's (exact mode, exclusive create): see platform.hpp.
using platform::IfExists;
using platform::write_file;

}  // namespace bccshield
