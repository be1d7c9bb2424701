// The Windows implementation of platform.hpp: wide-character APIs for arguments, environment and
// paths (argv and getenv are in the ANSI code page under msvcrt), UTF-8 everywhere above.
// Facts relied on: /work/shared/docs/windows-facts.md, summarised in HACKING.md ("Windows").
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
// windows.h first: the headers below use its types.
#include <aclapi.h>
#include <fcntl.h>
#include <io.h>
#include <knownfolders.h>
#include <sddl.h>
#include <shellapi.h>
#include <shlobj.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <cwchar>
#include <memory>

#include "bccshield/identity.hpp"
#include "platform.hpp"

namespace bccshield::platform {
namespace {

namespace fs = std::filesystem;

std::string to_utf8(std::wstring_view wide) {
  if (wide.empty()) return {};
  const int size = WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()),
                                       nullptr, 0, nullptr, nullptr);
  std::string out(static_cast<std::size_t>(size > 0 ? size : 0), '\0');
  if (size > 0) {
    WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()), out.data(), size,
                        nullptr, nullptr);
  }
  return out;
}

std::wstring to_wide(std::string_view utf8) {
  if (utf8.empty()) return {};
  const int size =
      MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  std::wstring out(static_cast<std::size_t>(size > 0 ? size : 0), L'\0');
  if (size > 0) {
    MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), out.data(), size);
  }
  return out;
}

// A path in messages: UTF-8 whatever the characters (path::string() uses the ANSI code page and
// throws on characters it cannot hold).
std::string shown(const fs::path& path) { return to_utf8(path.native()); }

std::string system_error(DWORD code = GetLastError()) {
  wchar_t* text = nullptr;
  const DWORD length = FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, code, 0, reinterpret_cast<wchar_t*>(&text), 0, nullptr);
  std::string message = length > 0 ? to_utf8(std::wstring_view(text, length))
                                   : "Windows error " + std::to_string(code);
  LocalFree(text);
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) {
    message.pop_back();
  }
  return message;
}

struct HandleCloser {
  void operator()(HANDLE handle) const { CloseHandle(handle); }
};
using Handle = std::unique_ptr<void, HandleCloser>;

Handle open_handle(HANDLE handle) {
  return Handle(handle == INVALID_HANDLE_VALUE ? nullptr : handle);
}

struct LocalFreer {
  void operator()(void* memory) const { LocalFree(memory); }
};

// The current process's user SID, as a string ("S-1-5-21-...").
std::wstring current_user_sid() {
  HANDLE raw = nullptr;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &raw)) return {};
  const Handle token(raw);
  DWORD size = 0;
  GetTokenInformation(raw, TokenUser, nullptr, 0, &size);
  std::vector<unsigned char> buffer(size);
  if (size == 0 || !GetTokenInformation(raw, TokenUser, buffer.data(), size, &size)) return {};
  const auto* user = reinterpret_cast<const TOKEN_USER*>(buffer.data());
  wchar_t* text = nullptr;
  if (!ConvertSidToStringSidW(user->User.Sid, &text)) return {};
  std::wstring sid(text);
  LocalFree(text);
  return sid;
}

// An owner-only security descriptor, the Windows form of mode 0600/0700: the user and the
// Administrators group (as root on POSIX), nothing inherited from the folder (P = protected).
// No SYSTEM entry: backup and the like read through their privileges, not the list.
struct OwnerOnly {
  std::unique_ptr<void, LocalFreer> descriptor;
  SECURITY_ATTRIBUTES attributes{sizeof(SECURITY_ATTRIBUTES), nullptr, FALSE};
  PACL dacl = nullptr;

  OwnerOnly() {
    const std::wstring user = current_user_sid();
    if (user.empty()) return;
    const std::wstring sddl = L"D:P(A;OICI;FA;;;" + user + L")(A;OICI;FA;;;BA)";
    PSECURITY_DESCRIPTOR raw = nullptr;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1, &raw,
                                                              nullptr)) {
      return;
    }
    descriptor.reset(raw);
    attributes.lpSecurityDescriptor = raw;
    BOOL present = FALSE;
    BOOL defaulted = FALSE;
    GetSecurityDescriptorDacl(raw, &present, &dacl, &defaulted);
  }
  SECURITY_ATTRIBUTES* get() { return descriptor ? &attributes : nullptr; }
  // Re-applies the DACL on an open handle (needs WRITE_DAC; the owner always has it).
  void apply(HANDLE handle) const {
    if (dacl == nullptr) return;
    SetSecurityInfo(handle, SE_FILE_OBJECT,
                    DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION, nullptr,
                    nullptr, dacl, nullptr);
  }
};

bool owner_only(fs::perms mode) {
  using P = fs::perms;
  return (mode & (P::group_all | P::others_all)) == P::none;
}

// Creates each missing folder of `folder`, the new ones owner-only.
void create_owner_only_folders(const fs::path& folder, OwnerOnly& security) {
  std::error_code ec;
  if (folder.empty() || fs::exists(folder, ec)) return;
  create_owner_only_folders(folder.parent_path(), security);
  CreateDirectoryW(folder.c_str(), security.get());
}

// Windows' event source name; without a registered message file the Event Viewer shows the line
// as the event's only insertion string (HACKING.md, "Windows").
constexpr const wchar_t* kEventSource = L"BccShield";

// HKLM\SOFTWARE\Policies\BccShield: admin-only, and where a GPO writes.
constexpr const wchar_t* kPolicyKey = L"SOFTWARE\\Policies\\BccShield";

// Where Thunderbird looks for the host (Gecko NativeManifests.sys.mjs, _winLookup): the default
// value of Software\Mozilla\NativeMessagingHosts\<name>, first in HKCU (64-bit view), then in
// HKLM's 32-bit view, then in HKLM's 64-bit view; the first one found wins.
std::wstring native_messaging_key() {
  return L"Software\\Mozilla\\NativeMessagingHosts\\" + to_wide(host_name);
}

std::optional<std::wstring> registry_string(HKEY root, const std::wstring& key,
                                            const wchar_t* value, REGSAM view) {
  HKEY opened = nullptr;
  if (RegOpenKeyExW(root, key.c_str(), 0, KEY_QUERY_VALUE | view, &opened) != ERROR_SUCCESS) {
    return std::nullopt;
  }
  std::optional<std::wstring> result;
  DWORD size = 0;
  if (RegGetValueW(opened, nullptr, value, RRF_RT_REG_SZ, nullptr, nullptr, &size) ==
          ERROR_SUCCESS &&
      size >= sizeof(wchar_t)) {
    std::wstring text(size / sizeof(wchar_t), L'\0');
    if (RegGetValueW(opened, nullptr, value, RRF_RT_REG_SZ, nullptr, text.data(), &size) ==
        ERROR_SUCCESS) {
      text.resize(size / sizeof(wchar_t));
      while (!text.empty() && text.back() == L'\0') text.pop_back();
      if (!text.empty()) result = text;
    }
  }
  RegCloseKey(opened);
  return result;
}

// The manifest path the machine-wide registration (HKLM) gives Thunderbird, in Gecko's order.
std::optional<fs::path> machine_manifest() {
  for (const REGSAM view : {REGSAM{KEY_WOW64_32KEY}, REGSAM{KEY_WOW64_64KEY}}) {
    if (auto path = registry_string(HKEY_LOCAL_MACHINE, native_messaging_key(), nullptr, view)) {
      return fs::path(*path);
    }
  }
  return std::nullopt;
}

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  return fs::equivalent(a, b, ec);
}

// --- admin_only ------------------------------------------------------------------------------

// Principals that are not administrators whatever the machine: BUILTIN\Users, Authenticated
// Users, Everyone, INTERACTIVE (and the current user when it is not an administrator).
constexpr std::array<const wchar_t*, 4> kUserSids{L"S-1-5-32-545", L"S-1-5-11", L"S-1-1-0",
                                                  L"S-1-5-4"};

// Rights that let their holder change what the host reads: on the file itself (or the last
// folder), writing, deleting or re-permissioning it; on a folder above it, deleting or renaming
// what it holds. Adding a new entry to a folder above does not replace an existing one (unlike
// POSIX, renaming needs DELETE on the entry or FILE_DELETE_CHILD on its folder).
constexpr DWORD kChangeRights = FILE_WRITE_DATA | FILE_APPEND_DATA | DELETE | WRITE_DAC |
                                WRITE_OWNER | GENERIC_WRITE | GENERIC_ALL | FILE_DELETE_CHILD;
constexpr DWORD kAncestorRights =
    DELETE | WRITE_DAC | WRITE_OWNER | GENERIC_ALL | FILE_DELETE_CHILD;

std::wstring sid_text(PSID sid) {
  wchar_t* text = nullptr;
  if (!ConvertSidToStringSidW(sid, &text)) return {};
  std::wstring out(text);
  LocalFree(text);
  return out;
}

bool is_user_sid(const std::wstring& sid, const std::wstring& non_admin_self) {
  for (const wchar_t* user : kUserSids) {
    if (sid == user) return true;
  }
  return !non_admin_self.empty() && sid == non_admin_self;
}

// Empty when only administrators may change `object` with `rights`; otherwise why not.
std::string user_may_change(const fs::path& object, DWORD rights,
                            const std::wstring& non_admin_self) {
  PSID owner = nullptr;
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  const DWORD status = GetNamedSecurityInfoW(object.c_str(), SE_FILE_OBJECT,
                                             OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                                             &owner, nullptr, &dacl, nullptr, &descriptor);
  if (status != ERROR_SUCCESS) {
    return "cannot read the permissions of " + shown(object) + ": " + system_error(status);
  }
  const std::unique_ptr<void, LocalFreer> owned(descriptor);
  // The owner may always rewrite the DACL.
  if (owner != nullptr && is_user_sid(sid_text(owner), non_admin_self)) {
    return shown(object) + " is owned by a user who is not an administrator";
  }
  if (dacl == nullptr) return shown(object) + " has no access list: everyone may change it";
  for (DWORD i = 0; i < dacl->AceCount; ++i) {
    void* raw = nullptr;
    if (!GetAce(dacl, i, &raw)) continue;
    const auto* header = static_cast<const ACE_HEADER*>(raw);
    if (header->AceType != ACCESS_ALLOWED_ACE_TYPE) continue;  // deny ACEs only restrict
    if ((header->AceFlags & INHERIT_ONLY_ACE) != 0) continue;  // applies to children only
    const auto* ace = static_cast<const ACCESS_ALLOWED_ACE*>(raw);
    if ((ace->Mask & rights) == 0) continue;
    // SidStart is the first DWORD of the SID stored inside the ACE.
    auto* sid =
        const_cast<DWORD*>(&ace->SidStart);  // NOLINT(cppcoreguidelines-pro-type-const-cast)
    if (is_user_sid(sid_text(sid), non_admin_self)) {
      return shown(object) + " may be changed by users who are not administrators (" +
             to_utf8(sid_text(sid)) + ")";
    }
  }
  return {};
}

}  // namespace

// --- process ---------------------------------------------------------------------------------

std::vector<std::string> utf8_arguments(int /*argc*/, char** /*argv*/) {
  // msvcrt's argv is in the ANSI code page: a non-ASCII path would arrive with '?' in it.
  int count = 0;
  wchar_t** wide = CommandLineToArgvW(GetCommandLineW(), &count);
  std::vector<std::string> arguments;
  if (wide == nullptr) return arguments;
  for (int i = 1; i < count; ++i) arguments.push_back(to_utf8(wide[i]));
  LocalFree(static_cast<void*>(wide));
  return arguments;
}

void use_binary_stdio() {
  // Text mode would turn 0x0A into 0x0D 0x0A on output and stop input at 0x1A.
  _setmode(_fileno(stdin), _O_BINARY);
  _setmode(_fileno(stdout), _O_BINARY);
}

std::size_t read_stdin(char* into, std::size_t count) {
  std::size_t done = 0;
  while (done < count) {
    // _read takes an unsigned int: at most 1 GiB per call.
    const auto chunk = static_cast<unsigned>(std::min<std::size_t>(count - done, 1U << 30U));
    const int got = _read(_fileno(stdin), into + done, chunk);
    if (got <= 0) break;  // end of input (0) or an error (-1): the caller sees a short read
    done += static_cast<std::size_t>(got);
  }
  return done;
}

void enlarge_stdin_pipe() {}

std::optional<std::string> environment(const char* name) {
  const std::wstring wide_name = to_wide(name);
  const DWORD size = GetEnvironmentVariableW(wide_name.c_str(), nullptr, 0);
  if (size <= 1) return std::nullopt;  // unset (0) or empty (1: the terminator)
  std::wstring value(size, L'\0');
  const DWORD length = GetEnvironmentVariableW(wide_name.c_str(), value.data(), size);
  if (length == 0 || length >= size) return std::nullopt;
  value.resize(length);
  return to_utf8(value);
}

std::vector<std::string> environment_names(std::string_view prefix) {
  std::vector<std::string> names;
  wchar_t* block = GetEnvironmentStringsW();
  if (block == nullptr) return names;
  // "NAME=value\0NAME=value\0\0"; entries whose name starts with '=' (the per-drive current
  // folders, "=C:=C:\\...") are no variables.
  for (const wchar_t* entry = block; *entry != L'\0'; entry += std::wcslen(entry) + 1) {
    const std::wstring_view variable(entry);
    const auto equals = variable.find(L'=', 1);
    if (variable.front() == L'=' || equals == std::wstring_view::npos) continue;
    std::string name = to_utf8(variable.substr(0, equals));
    if (name.starts_with(prefix)) names.push_back(std::move(name));
  }
  FreeEnvironmentStringsW(block);
  return names;
}

void unset_environment(const std::string& name) {
  // The Win32 environment is the one environment() reads (GetEnvironmentVariableW).
  SetEnvironmentVariableW(to_wide(name).c_str(), nullptr);
}

std::optional<fs::path> executable_path() {
  std::wstring buffer(MAX_PATH, L'\0');
  for (;;) {
    const DWORD length =
        GetModuleFileNameW(nullptr, buffer.data(), static_cast<DWORD>(buffer.size()));
    if (length == 0) return std::nullopt;
    if (length < buffer.size()) {
      buffer.resize(length);
      return fs::path(buffer);
    }
    buffer.resize(buffer.size() * 2);  // truncated: long paths (\\?\...) are allowed
  }
}

void tune_allocator() {}  // the Windows heap keeps freed blocks for reuse already
void prepare_heap(std::size_t /*request_bytes*/) {}  // see platform.hpp: Linux only

std::tm utc_time(std::time_t when) {
  std::tm parts{};
  gmtime_s(&parts, &when);
  return parts;
}

// --- files -----------------------------------------------------------------------------------

bool write_file(const fs::path& file, std::string_view text, fs::perms mode, IfExists if_exists,
                std::string& error) {
  // Windows has no mode bits: an owner-only mode becomes an owner-only access list, any other
  // mode keeps what the folder gives (the install folder: administrators write, users read).
  OwnerOnly security;
  Handle handle = open_handle(CreateFileW(
      file.c_str(), GENERIC_WRITE | READ_CONTROL | WRITE_DAC, 0,
      owner_only(mode) ? security.get() : nullptr,
      if_exists == IfExists::Replace ? CREATE_ALWAYS : CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr));
  const bool existed = GetLastError() == ERROR_ALREADY_EXISTS;  // CREATE_ALWAYS over a file
  if (!handle) {
    error = "cannot create " + shown(file) + ": " + system_error();
    return false;
  }
  // A new file has the list it was created with; a replaced one keeps its old list: set it again.
  if (owner_only(mode) && existed) security.apply(handle.get());
  DWORD written = 0;
  const bool ok = WriteFile(handle.get(), text.data(), static_cast<DWORD>(text.size()), &written,
                            nullptr) != 0 &&
                  written == text.size() && FlushFileBuffers(handle.get()) != 0;
  if (!ok) {
    error = "cannot write " + shown(file) + ": " + system_error();
    handle.reset();
    DeleteFileW(file.c_str());
  }
  return ok;
}

bool append_to_file(const fs::path& file, std::string_view bytes, std::string& error) {
  OwnerOnly security;
  if (file.has_parent_path()) create_owner_only_folders(file.parent_path(), security);
  // FILE_APPEND_DATA without FILE_WRITE_DATA: every WriteFile goes to the end of the file in one
  // step, so concurrent hosts keep their lines whole (msvcrt's _O_APPEND seeks, then writes).
  // FILE_FLAG_OPEN_REPARSE_POINT opens a link itself instead of its target: refused below.
  const Handle handle = open_handle(
      CreateFileW(file.c_str(), FILE_APPEND_DATA | SYNCHRONIZE | READ_CONTROL | WRITE_DAC,
                  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, security.get(),
                  OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, nullptr));
  const bool existed = GetLastError() == ERROR_ALREADY_EXISTS;  // OPEN_ALWAYS opened, not created
  if (!handle) {
    error = "cannot open " + shown(file) + ": " + system_error();
    return false;
  }
  BY_HANDLE_FILE_INFORMATION info{};
  if (!GetFileInformationByHandle(handle.get(), &info) ||
      (info.dwFileAttributes & (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY)) != 0) {
    error = "cannot open " + shown(file) + ": a link or a folder is in its place";
    return false;
  }
  // Owner-only again on every later open, even if someone loosened it.
  if (existed) security.apply(handle.get());
  DWORD written = 0;
  if (!WriteFile(handle.get(), bytes.data(), static_cast<DWORD>(bytes.size()), &written, nullptr) ||
      written != bytes.size()) {
    error = "cannot write " + shown(file) + ": " + system_error();
    return false;
  }
  return true;
}

namespace {
// A name no other process can guess in advance for the temporary of replace_file_atomically.
std::wstring random_suffix() {
  static std::atomic<unsigned> counter{0};
  LARGE_INTEGER ticks{};
  QueryPerformanceCounter(&ticks);
  return L"." + std::to_wstring(GetCurrentProcessId()) + L"-" +
         std::to_wstring(static_cast<unsigned long long>(ticks.QuadPart)) + L"-" +
         std::to_wstring(counter.fetch_add(1));
}
}  // namespace

bool replace_file_atomically(const fs::path& file, std::string_view bytes, fs::perms new_mode,
                             std::string& error) {
  // Windows has no mode bits: the replaced file's access list is copied onto the temporary (as
  // fchmod/fchown do on POSIX); a new file is owner-only when `new_mode` is, else it inherits
  // the folder's list.
  const DWORD attributes = GetFileAttributesW(file.c_str());
  const bool exists = attributes != INVALID_FILE_ATTRIBUTES;
  if (exists && (attributes & (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY)) != 0) {
    error = shown(file) + " is not a regular file (a link?): refusing to replace it";
    return false;
  }
  PACL old_dacl = nullptr;
  PSECURITY_DESCRIPTOR old_descriptor = nullptr;
  if (exists &&
      GetNamedSecurityInfoW(file.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr,
                            nullptr, &old_dacl, nullptr, &old_descriptor) != ERROR_SUCCESS) {
    error = "cannot read the access list of " + shown(file);
    return false;
  }
  const std::unique_ptr<void, LocalFreer> old_security(old_descriptor);
  OwnerOnly security;
  const fs::path temporary = file.wstring() + random_suffix();
  // CREATE_NEW: never opens an existing file or a link planted at that name.
  Handle handle =
      open_handle(CreateFileW(temporary.c_str(), GENERIC_WRITE | READ_CONTROL | WRITE_DAC, 0,
                              !exists && owner_only(new_mode) ? security.get() : nullptr,
                              CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!handle) {
    error = "cannot create a temporary file next to " + shown(file) + ": " + system_error();
    return false;
  }
  bool ok = true;
  if (old_dacl != nullptr) {
    ok = SetSecurityInfo(handle.get(), SE_FILE_OBJECT,
                         DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION, nullptr,
                         nullptr, old_dacl, nullptr) == ERROR_SUCCESS;
  }
  DWORD written = 0;
  ok = ok &&
       WriteFile(handle.get(), bytes.data(), static_cast<DWORD>(bytes.size()), &written, nullptr) !=
           0 &&
       written == bytes.size() && FlushFileBuffers(handle.get()) != 0;
  handle.reset();
  // MOVEFILE_WRITE_THROUGH: returns once the rename is on disk (the folder flush of POSIX).
  ok = ok && MoveFileExW(temporary.c_str(), file.c_str(),
                         MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH) != 0;
  if (!ok) {
    error = "cannot replace " + shown(file) + ": " + system_error();
    DeleteFileW(temporary.c_str());
  }
  return ok;
}

std::optional<FolderLock> FolderLock::acquire(const fs::path& folder, std::string& error) {
  // Windows cannot lock a folder: a file inside it is locked instead (LockFileEx, exclusive,
  // blocking), left in place so every process opens the same file.
  OwnerOnly security;
  const fs::path lock_file = folder / L".bccshield.lock";
  HANDLE handle =
      CreateFileW(lock_file.c_str(), GENERIC_READ | GENERIC_WRITE,
                  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, security.get(),
                  OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
  if (handle == INVALID_HANDLE_VALUE) {
    error = "cannot open " + shown(lock_file) + " to lock " + shown(folder) + ": " + system_error();
    return std::nullopt;
  }
  OVERLAPPED whole{};
  if (!LockFileEx(handle, LOCKFILE_EXCLUSIVE_LOCK, 0, MAXDWORD, MAXDWORD, &whole)) {
    error = "cannot lock " + shown(folder) + ": " + system_error();
    CloseHandle(handle);
    return std::nullopt;
  }
  return FolderLock(reinterpret_cast<std::intptr_t>(handle));
}

FolderLock::FolderLock(FolderLock&& other) noexcept : handle_(other.handle_) { other.handle_ = -1; }

FolderLock& FolderLock::operator=(FolderLock&& other) noexcept {
  if (this != &other) {
    if (handle_ != -1) CloseHandle(reinterpret_cast<HANDLE>(handle_));
    handle_ = other.handle_;
    other.handle_ = -1;
  }
  return *this;
}

FolderLock::~FolderLock() {
  // -1 is INVALID_HANDLE_VALUE; closing the handle releases the lock.
  if (handle_ != -1) CloseHandle(reinterpret_cast<HANDLE>(handle_));
}

// --- per-user locations ----------------------------------------------------------------------

namespace {
// %LOCALAPPDATA%\BccShield, from the shell (Thunderbird gives the host no HOME; the folder is
// the user's own and not roamed).
std::optional<fs::path> local_app_data_folder() {
  wchar_t* folder = nullptr;
  std::optional<fs::path> result;
  if (SUCCEEDED(SHGetKnownFolderPath(FOLDERID_LocalAppData, KF_FLAG_DEFAULT, nullptr, &folder)) &&
      folder != nullptr && *folder != L'\0') {
    result = fs::path(folder) / L"BccShield";
  }
  CoTaskMemFree(folder);
  return result;
}
}  // namespace

std::optional<fs::path> user_state_folder() { return local_app_data_folder(); }

std::optional<fs::path> user_config_folder() { return local_app_data_folder(); }

// --- machine-wide locations ------------------------------------------------------------------

fs::path machine_file(MachineFile which) {
  // The file names are those of Linux (identity.hpp), in the install folder's "policy" folder;
  // the MSI creates it, and Program Files gives it an administrators-only access list.
  const auto name = [which]() -> fs::path {
    switch (which) {
      case MachineFile::Policy:
        return fs::path(system_policy_file).filename();
      case MachineFile::PolicyKey:
        return fs::path(system_policy_key_file).filename();
      case MachineFile::AuditKey:
        return fs::path(system_audit_key_file).filename();
      case MachineFile::AuditConfig:
        return fs::path(system_audit_config_file).filename();
      case MachineFile::HostConfig:
        return fs::path(system_host_config_file).filename();
      case MachineFile::PolicySerial:
        return fs::path(system_policy_serial_file).filename();
    }
    return {};
  }();
  const auto self = executable_path();
  // Without its own path the host cannot know its folder: a name that exists nowhere, never a
  // relative path that would resolve in the working folder.
  if (!self) return fs::path(L"\\\\?\\BccShield-install-folder-unknown") / name;
  return self->parent_path() / L"policy" / name;
}

std::optional<std::string> machine_policy_value(std::string_view name) {
  const std::wstring value_name = to_wide(name);
  HKEY key = nullptr;
  if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, kPolicyKey, 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, &key) !=
      ERROR_SUCCESS) {
    return std::nullopt;
  }
  std::optional<std::string> result;
  DWORD type = 0;
  DWORD size = 0;
  LSTATUS status = RegQueryValueExW(key, value_name.c_str(), nullptr, &type, nullptr, &size);
  std::vector<unsigned char> data;
  while (status == ERROR_SUCCESS || status == ERROR_MORE_DATA) {
    data.resize(size);
    status = RegQueryValueExW(key, value_name.c_str(), nullptr, &type, data.data(), &size);
    if (status == ERROR_SUCCESS) {
      data.resize(size);
      break;
    }
  }
  if (status == ERROR_SUCCESS) {
    if (type == REG_BINARY) {
      result = std::string(data.begin(), data.end());  // the exact bytes, as signed
    } else if (type == REG_SZ) {
      // UTF-16 to UTF-8, without the terminator the registry may or may not have stored.
      std::wstring text(data.size() / sizeof(wchar_t), L'\0');
      std::memcpy(text.data(), data.data(), text.size() * sizeof(wchar_t));
      if (!text.empty() && text.back() == L'\0') text.pop_back();
      result = to_utf8(text);
    }
    // Other types (REG_EXPAND_SZ, REG_MULTI_SZ, numbers) are not ours: absent.
  }
  RegCloseKey(key);
  return result;
}

bool running_as_admin() {
  // The Administrators group counts only when enabled in this token: under UAC an administrator's
  // ordinary (filtered) token has it deny-only, and that is how Thunderbird runs.
  SID_IDENTIFIER_AUTHORITY nt = SECURITY_NT_AUTHORITY;
  PSID administrators = nullptr;
  if (!AllocateAndInitializeSid(&nt, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS, 0, 0,
                                0, 0, 0, 0, &administrators)) {
    return false;
  }
  BOOL member = FALSE;
  if (!CheckTokenMembership(nullptr, administrators, &member)) member = FALSE;
  FreeSid(administrators);
  return member != FALSE;
}

bool admin_only(const fs::path& file, std::string& why) {
  std::error_code ec;
  const fs::path target = fs::absolute(file, ec).lexically_normal();
  if (ec) {
    why = "cannot resolve " + shown(file);
    return false;
  }
  const std::wstring non_admin_self = running_as_admin() ? std::wstring() : current_user_sid();
  bool first = true;
  for (fs::path step = target;; step = step.parent_path()) {
    const DWORD attributes = GetFileAttributesW(step.c_str());
    if (attributes == INVALID_FILE_ATTRIBUTES) {
      why = "cannot read " + shown(step) + ": " + system_error();
      return false;
    }
    // A link or junction on the way hands the decision to wherever it points: refused.
    if ((attributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0) {
      why = shown(step) + " is a link";
      return false;
    }
    if (std::string reason =
            user_may_change(step, first ? kChangeRights : kAncestorRights, non_admin_self);
        !reason.empty()) {
      why = std::move(reason);
      return false;
    }
    first = false;
    if (step == step.root_path() || step.parent_path() == step) break;
  }
  return true;
}

// --- which host answered ---------------------------------------------------------------------

bool is_system_host(const fs::path& executable) {
  // The install folder is the one the machine registration's manifest is in (the MSI writes the
  // manifest next to the exe, with a relative "path").
  const auto manifest = machine_manifest();
  if (!manifest || !same_file(manifest->parent_path(), executable.parent_path())) return false;
  std::string ignored;
  return admin_only(executable, ignored);
}

bool is_system_manifest(const std::optional<fs::path>& manifest) {
  // Gecko reads HKCU first: a user's registration shadows the machine's, whatever it points to.
  if (!manifest) return false;
  if (registry_string(HKEY_CURRENT_USER, native_messaging_key(), nullptr, KEY_WOW64_64KEY)) {
    return false;
  }
  std::string ignored;
  return admin_only(*manifest, ignored);
}

// --- system log ------------------------------------------------------------------------------

std::optional<int> system_log_facility(std::string_view name) {
  // audit.conf names a syslog facility; Windows has one Application log for all of them.
  constexpr std::array<std::string_view, 12> kKnown{"user",   "daemon", "auth",   "authpriv",
                                                    "local0", "local1", "local2", "local3",
                                                    "local4", "local5", "local6", "local7"};
  for (const auto known : kKnown) {
    if (name == known) return 0;
  }
  return std::nullopt;
}

int default_system_log_facility() { return 0; }

void system_log(int /*facility*/, std::string_view line) {
  HANDLE source = RegisterEventSourceW(nullptr, kEventSource);
  if (source == nullptr) return;  // best effort, as syslog
  const std::wstring message = to_wide(line);
  const wchar_t* strings[] = {message.c_str()};
  ReportEventW(source, EVENTLOG_INFORMATION_TYPE, 0, 1, nullptr, 1, 0, strings, nullptr);
  DeregisterEventSource(source);
}

}  // namespace bccshield::platform
