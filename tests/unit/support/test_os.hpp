#pragma once
// The few operating-system calls the unit tests make themselves (temporary folders, the
// environment, file access), with one implementation per OS chosen by tests/CMakeLists.txt, so
// the same tests run on Linux and, under Wine, on Windows. The host's own OS calls are in
// host/app/platform.hpp.

#include <filesystem>
#include <string>

namespace bccshield::test_os {

// A new, empty, uniquely named folder under the temporary folder.
std::filesystem::path make_temp_folder(const std::string& prefix);

// Sets or removes an environment variable of this process (the host reads it with
// platform::environment).
void set_environment(const char* name, const std::string& value);
void unset_environment(const char* name);

// This process's id (unique names for files shared by concurrently running tests).
long process_id();

// Sets the file-creation mask and returns the previous one; Windows has none (returns 0).
unsigned set_umask(unsigned mask);

// Who may access `file`, in a form comparable with access_for: POSIX: the mode in octal
// ("0600"); Windows (no mode bits): "owner only" when no allow entry of its access list grants
// anything to Everyone, Authenticated Users, BUILTIN\\Users or INTERACTIVE, else "shared".
std::string access_of(const std::filesystem::path& file);
// What access_of gives for a file the host created with `mode` in `folder`: POSIX: `mode`
// exactly; Windows: "owner only" for an owner-only mode, otherwise what the folder gives (a
// file inherits its folder's access list).
std::string access_for(std::filesystem::perms mode, const std::filesystem::path& folder);

// Stores `bytes` as the machine policy value `name` (Windows: HKLM\\SOFTWARE\\Policies\\BccShield,
// REG_BINARY, or REG_SZ from UTF-8 when `as_text`; needs administrator rights, which Wine's
// user has); false where the OS has no such store (POSIX). remove_machine_policy_value undoes it.
bool set_machine_policy_value(const char* name, const std::string& bytes, bool as_text);
void remove_machine_policy_value(const char* name);

}  // namespace bccshield::test_os
