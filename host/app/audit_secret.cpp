#include "audit_secret.hpp"

#include <vector>

#include "bccshield/identity.hpp"
#include "file_util.hpp"
#include "key_file.hpp"
#include "platform.hpp"

namespace bccshield {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kKeyIdContext = "bccshield audit key id v1";

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  std::string hex(2 * size + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();
  return hex;
}

fs::path user_key_path() {
  if (auto folder = platform::user_config_folder()) return *folder / "audit.key";
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
  return PseudonymHasher(*this).hash(text);
}

PseudonymHasher::PseudonymHasher(const AuditSecret& secret) {
  crypto_generichash_init(&keyed_, secret.key.data(), secret.key.size(), audit_hash_bytes);
}

PseudonymHasher::~PseudonymHasher() { sodium_memzero(&keyed_, sizeof keyed_); }

void PseudonymHasher::append_hash(std::string& out, std::string_view text) const {
  crypto_generichash_state state = keyed_;
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(text.data()),
                            text.size());
  std::array<unsigned char, audit_hash_bytes> digest{};
  crypto_generichash_final(&state, digest.data(), digest.size());
  sodium_memzero(&state, sizeof state);
  // Not sodium_bin2hex (constant-time, 10x slower): a pseudonym is written to disk anyway.
  constexpr std::string_view kDigits = "0123456789abcdef";
  std::array<char, 2 * audit_hash_bytes> hex{};
  for (std::size_t i = 0; i < digest.size(); ++i) {
    hex[2 * i] = kDigits[digest[i] >> 4U];
    hex[2 * i + 1] = kDigits[digest[i] & 0x0FU];
  }
  out.append(hex.data(), hex.size());
}

std::string PseudonymHasher::hash(std::string_view text) const {
  std::string hex;
  hex.reserve(2 * audit_hash_bytes);
  append_hash(hex, text);
  return hex;
}

std::string audit_key_file_text(const AuditSecret& secret) {
  return key_file_text(
      "# BccShield audit secret (BLAKE2b key for address pseudonyms). Keep it: without it,\n"
      "# `bccshield-host audit lookup` cannot find an address in logs written under it.\n"
      "# key id " +
          secret.key_id() + "\n",
      secret.key);
}

std::optional<AuditSecret> parse_audit_key_file(std::string_view text) {
  AuditSecret secret;
  if (!decode_key_text(text, secret.key)) return std::nullopt;
  return secret;
}

bool create_audit_key_file(const fs::path& file, fs::perms mode, std::string& error) {
  std::error_code ec;
  if (file.has_parent_path()) {
    fs::create_directories(file.parent_path(), ec);
    if (ec) {
      error = "cannot create the folder " + utf8_of(file.parent_path()) + ": " + ec.message();
      return false;
    }
  }
  AuditSecret secret;
  randombytes_buf(secret.key.data(), secret.key.size());
  std::string text = audit_key_file_text(secret);
  sodium_memzero(secret.key.data(), secret.key.size());
  // Written whole under a random name, then linked into place (fails if the key exists): a
  // host process starting at the same moment reads no key or the whole key, never half of one.
  std::array<unsigned char, 8> nonce{};
  randombytes_buf(nonce.data(), nonce.size());
  const fs::path temporary =
      path_from_utf8(utf8_of(file) + ".new-" + to_hex(nonce.data(), nonce.size()));
  std::string problem;
  bool ok = write_file(temporary, text, mode, IfExists::Fail, problem);
  sodium_memzero(text.data(), text.size());
  if (ok) {
    std::error_code link_error;
    fs::create_hard_link(temporary, file, link_error);
    if (link_error) {
      ok = false;
      problem = "cannot create " + utf8_of(file) + ": " + link_error.message();
    }
    std::error_code ignored;
    fs::remove(temporary, ignored);
  }
  if (!ok) error = problem;  // names the file
  return ok;
}

std::vector<fs::path> audit_key_candidates() {
  std::vector<fs::path> candidates;
  if (auto explicit_key = env_path("BCCSHIELD_AUDIT_KEY")) {
    candidates.push_back(*explicit_key);
    return candidates;  // tests and special set-ups name exactly one key
  }
  candidates.push_back(platform::machine_file(platform::MachineFile::AuditKey));
  if (auto user = user_key_path(); !user.empty()) candidates.push_back(user);
  return candidates;
}

std::optional<AuditSecret> load_audit_secret(bool create, std::string& error) {
  const auto candidates = audit_key_candidates();
  for (const fs::path& candidate : candidates) {
    AuditSecret secret;
    switch (read_key_file(candidate, secret.key)) {
      case KeyFileStatus::Missing:
        continue;
      case KeyFileStatus::Unreadable:
        error = "cannot read the audit key " + utf8_of(candidate);
        return std::nullopt;
      case KeyFileStatus::Invalid:
        error = "the audit key " + utf8_of(candidate) + " is not one base64 line of 32 bytes";
        return std::nullopt;
      case KeyFileStatus::Ok:
        secret.source = candidate;
        return secret;
    }
  }
  if (candidates.empty() || !create) {
    error = "no audit key found (looked in " +
            (candidates.empty() ? std::string("no location") : utf8_of(candidates.front())) +
            (candidates.size() > 1 ? " and " + utf8_of(candidates.back()) : std::string()) + ")";
    return std::nullopt;
  }
  const fs::path& mine =
      candidates.back();  // the per-user key (or the one BCCSHIELD_AUDIT_KEY names)
  if (std::string problem;
      !create_audit_key_file(mine, fs::perms::owner_read | fs::perms::owner_write, problem)) {
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
