#include "audit_secret.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "bccshield/identity.hpp"

namespace bccshield {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxKeyFileBytes = 4096;
constexpr std::string_view kKeyIdContext = "bccshield audit key id v1";

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  std::string hex(2 * size + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();
  return hex;
}

std::optional<fs::path> env_path(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read at start-up
  if (value == nullptr || *value == '\0') return std::nullopt;
  return fs::path(value);
}

fs::path user_key_path() {
  if (auto config = env_path("XDG_CONFIG_HOME")) return *config / "bccshield" / "audit.key";
  if (auto home = env_path("HOME")) return *home / ".config" / "bccshield" / "audit.key";
  return {};
}

}  // namespace

std::string AuditSecret::key_id() const {
  std::array<unsigned char, 8> out{};
  crypto_generichash(out.data(), out.size(),
                     reinterpret_cast<const unsigned char*>(kKeyIdContext.data()),
                     kKeyIdContext.size(), key.data(), key.size());
  return to_hex(out.data(), out.size());
}

std::string AuditSecret::hash(std::string_view text) const {
  std::array<unsigned char, audit_hash_bytes> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(text.data()),
                     text.size(), key.data(), key.size());
  return to_hex(out.data(), out.size());
}

std::string audit_key_file_text(const AuditSecret& secret) {
  std::string b64(sodium_base64_ENCODED_LEN(audit_key_bytes, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), secret.key.data(), secret.key.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  b64.resize(std::strlen(b64.c_str()));
  std::string text =
      "# BccShield audit secret (BLAKE2b key for address pseudonyms). Keep it: without it,\n"
      "# `bccshield-host audit lookup` cannot find an address in logs written under it.\n"
      "# key id " +
      secret.key_id() + "\n" + b64 + "\n";
  sodium_memzero(b64.data(), b64.size());
  return text;
}

std::optional<AuditSecret> parse_audit_key_file(std::string_view text) {
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    AuditSecret secret;
    std::size_t written = 0;
    const int rc = sodium_base642bin(secret.key.data(), secret.key.size(), line.data(), line.size(),
                                     nullptr, &written, nullptr, sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(line.data(), line.size());
    if (rc != 0 || written != audit_key_bytes) return std::nullopt;
    return secret;
  }
  return std::nullopt;
}

std::string create_audit_key_file(const fs::path& file, fs::perms mode) {
  std::error_code ec;
  if (file.has_parent_path()) {
    fs::create_directories(file.parent_path(), ec);
    if (ec) return "cannot create the folder " + file.parent_path().string() + ": " + ec.message();
  }
  AuditSecret secret;
  randombytes_buf(secret.key.data(), secret.key.size());
  std::string text = audit_key_file_text(secret);
  sodium_memzero(secret.key.data(), secret.key.size());
  const auto raw_mode = static_cast<mode_t>(mode & fs::perms::mask);
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, raw_mode);
  if (fd < 0) {
    const std::string reason = std::strerror(errno);  // NOLINT(concurrency-mt-unsafe)
    sodium_memzero(text.data(), text.size());
    return "cannot create the audit key " + file.string() + ": " + reason;
  }
  ::fchmod(fd, raw_mode);  // the umask must not loosen or tighten what was asked
  const auto written = ::write(fd, text.data(), text.size());
  sodium_memzero(text.data(), text.size());
  const bool ok = written == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    fs::remove(file, ec);
    return "cannot write the audit key " + file.string();
  }
  return {};
}

std::vector<fs::path> audit_key_candidates() {
  std::vector<fs::path> candidates;
  if (auto explicit_key = env_path("BCCSHIELD_AUDIT_KEY")) {
    candidates.push_back(*explicit_key);
    return candidates;  // tests and special set-ups name exactly one key
  }
  candidates.emplace_back(system_audit_key_file);
  if (auto user = user_key_path(); !user.empty()) candidates.push_back(user);
  return candidates;
}

std::optional<AuditSecret> load_audit_secret(bool create, std::string& error) {
  const auto candidates = audit_key_candidates();
  for (const fs::path& candidate : candidates) {
    std::error_code ec;
    if (!fs::exists(candidate, ec)) continue;
    std::ifstream in(candidate, std::ios::binary);
    std::string text(kMaxKeyFileBytes, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (!in && !in.eof()) {
      error = "cannot read the audit key " + candidate.string();
      return std::nullopt;
    }
    auto secret = parse_audit_key_file(text);
    sodium_memzero(text.data(), text.size());
    if (!secret) {
      error = "the audit key " + candidate.string() + " is not one base64 line of 32 bytes";
      return std::nullopt;
    }
    secret->source = candidate;
    return secret;
  }
  if (candidates.empty() || !create) {
    error = "no audit key found (looked in " +
            (candidates.empty() ? std::string("no location") : candidates.front().string()) +
            (candidates.size() > 1 ? " and " + candidates.back().string() : std::string()) + ")";
    return std::nullopt;
  }
  const fs::path& mine =
      candidates.back();  // the per-user key (or the one BCCSHIELD_AUDIT_KEY names)
  if (std::string problem =
          create_audit_key_file(mine, fs::perms::owner_read | fs::perms::owner_write);
      !problem.empty()) {
    // Another host process may have created it in the meantime: use that one.
    std::error_code ec;
    if (!fs::exists(mine, ec)) {
      error = problem;
      return std::nullopt;
    }
  }
  return load_audit_secret(false, error);
}

}  // namespace bccshield
