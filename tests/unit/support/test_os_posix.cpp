// tests/unit/support/test_os.hpp on POSIX.
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>

#include "test_os.hpp"

namespace bccshield::test_os {

namespace fs = std::filesystem;

fs::path make_temp_folder(const std::string& prefix) {
  std::string pattern = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) return {};
  return pattern;
}

void set_environment(const char* name, const std::string& value) {
  ::setenv(name, value.c_str(), 1);
}

void unset_environment(const char* name) { ::unsetenv(name); }

long process_id() { return static_cast<long>(::getpid()); }

unsigned set_umask(unsigned mask) { return ::umask(static_cast<mode_t>(mask)); }

std::string access_of(const fs::path& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) return "missing";
  std::array<char, 8> text{};
  std::snprintf(text.data(), text.size(), "%04o", info.st_mode & 0777U);
  return text.data();
}

std::string access_for(fs::perms mode, const fs::path& /*folder*/) {
  std::array<char, 8> text{};
  std::snprintf(text.data(), text.size(), "%04o", static_cast<unsigned>(mode & fs::perms::mask));
  return text.data();
}

bool set_machine_policy_value(const char* /*name*/, const std::string& /*bytes*/,
                              bool /*as_text*/) {
  return false;
}

void remove_machine_policy_value(const char* /*name*/) {}

}  // namespace bccshield::test_os
