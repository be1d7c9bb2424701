// tests/unit/support/test_os.hpp on Windows (wide-character APIs, as the host's platform layer).
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
// windows.h first: the headers below use its types.
#include <aclapi.h>
#include <process.h>
#include <sddl.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cwchar>
#include <memory>
#include <string_view>
#include <vector>

#include "test_os.hpp"

namespace bccshield::test_os {

namespace fs = std::filesystem;

namespace {
std::wstring wide(const std::string& utf8) {
  const int size =
      MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  std::wstring out(static_cast<std::size_t>(size), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), out.data(), size);
  return out;
}

std::wstring sid_text(PSID sid) {
  wchar_t* text = nullptr;
  if (!ConvertSidToStringSidW(sid, &text)) return {};
  std::wstring out(text);
  LocalFree(text);
  return out;
}

[[maybe_unused]] std::wstring current_user_sid() {
  HANDLE token = nullptr;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) return {};
  DWORD size = 0;
  GetTokenInformation(token, TokenUser, nullptr, 0, &size);
  std::vector<unsigned char> buffer(size);
  std::wstring sid;
  if (size > 0 && GetTokenInformation(token, TokenUser, buffer.data(), size, &size)) {
    sid = sid_text(reinterpret_cast<const TOKEN_USER*>(buffer.data())->User.Sid);
  }
  CloseHandle(token);
  return sid;
}
}  // namespace

fs::path make_temp_folder(const std::string& prefix) {
  for (;;) {
    std::array<unsigned char, 6> random{};
    randombytes_buf(random.data(), random.size());
    std::array<char, 13> hex{};
    sodium_bin2hex(hex.data(), hex.size(), random.data(), random.size());
    const fs::path folder = fs::temp_directory_path() / (prefix + "-" + hex.data());
    if (CreateDirectoryW(folder.c_str(), nullptr)) return folder;
    if (GetLastError() != ERROR_ALREADY_EXISTS) return {};
  }
}

void set_environment(const char* name, const std::string& value) {
  SetEnvironmentVariableW(wide(name).c_str(), wide(value).c_str());
}

void unset_environment(const char* name) { SetEnvironmentVariableW(wide(name).c_str(), nullptr); }

long process_id() { return static_cast<long>(GetCurrentProcessId()); }

unsigned set_umask(unsigned /*mask*/) { return 0; }

std::string access_of(const fs::path& file) {
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  if (GetNamedSecurityInfoW(file.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr,
                            nullptr, &dacl, nullptr, &descriptor) != ERROR_SUCCESS) {
    return "missing";
  }
  bool owner_only = dacl != nullptr;  // no list at all: everyone may do anything
  for (DWORD i = 0; owner_only && i < dacl->AceCount; ++i) {
    void* raw = nullptr;
    if (!GetAce(dacl, i, &raw)) continue;
    const auto* header = static_cast<const ACE_HEADER*>(raw);
    if (header->AceType != ACCESS_ALLOWED_ACE_TYPE || (header->AceFlags & INHERIT_ONLY_ACE) != 0) {
      continue;
    }
    auto* ace = static_cast<ACCESS_ALLOWED_ACE*>(raw);
    // Everyone, Authenticated Users, BUILTIN\Users, INTERACTIVE.
    constexpr std::array<const wchar_t*, 4> kOthers{L"S-1-1-0", L"S-1-5-11", L"S-1-5-32-545",
                                                    L"S-1-5-4"};
    wchar_t* sid = nullptr;
    if (!ConvertSidToStringSidW(&ace->SidStart, &sid)) continue;
    for (const wchar_t* other : kOthers) {
      if (std::wcscmp(sid, other) == 0) owner_only = false;
    }
    LocalFree(sid);
  }
  LocalFree(descriptor);
  return owner_only ? "owner only" : "shared";
}

std::string access_for(fs::perms mode, const fs::path& folder) {
  using P = fs::perms;
  return (mode & (P::group_all | P::others_all)) == P::none ? "owner only" : access_of(folder);
}

bool set_machine_policy_value(const char* name, const std::string& bytes, bool as_text) {
  HKEY key = nullptr;
  if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Policies\\BccShield", 0, nullptr, 0,
                      KEY_SET_VALUE | KEY_WOW64_64KEY, nullptr, &key, nullptr) != ERROR_SUCCESS) {
    return false;
  }
  LSTATUS status = ERROR_SUCCESS;
  if (as_text) {
    const std::wstring text = wide(bytes);
    status = RegSetValueExW(key, wide(name).c_str(), 0, REG_SZ,
                            reinterpret_cast<const BYTE*>(text.c_str()),
                            static_cast<DWORD>((text.size() + 1) * sizeof(wchar_t)));
  } else {
    status = RegSetValueExW(key, wide(name).c_str(), 0, REG_BINARY,
                            reinterpret_cast<const BYTE*>(bytes.data()),
                            static_cast<DWORD>(bytes.size()));
  }
  RegCloseKey(key);
  return status == ERROR_SUCCESS;
}

void remove_machine_policy_value(const char* name) {
  HKEY key = nullptr;
  if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Policies\\BccShield", 0,
                    KEY_SET_VALUE | KEY_WOW64_64KEY, &key) == ERROR_SUCCESS) {
    RegDeleteValueW(key, wide(name).c_str());
    RegCloseKey(key);
  }
}

}  // namespace bccshield::test_os
