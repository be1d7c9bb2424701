#pragma once
// The per-installation audit secret: the key of the BLAKE2b hashes that stand for addresses.
// Search order: $BCCSHIELD_AUDIT_KEY, /etc/bccshield/audit.key (system package),
// $XDG_CONFIG_HOME/bccshield/audit.key (else ~/.config/...; created 0600 on first use).

#include <sodium.h>

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bccshield {

inline constexpr std::size_t audit_key_bytes = crypto_generichash_KEYBYTES;  // 32
inline constexpr std::size_t audit_hash_bytes = 16;  // 128-bit pseudonyms, 32 hex digits

struct AuditSecret {
  std::array<unsigned char, audit_key_bytes> key{};
  std::filesystem::path source;
  // Names the key without revealing it, so a lookup can tell entries written under another key.
  [[nodiscard]] std::string key_id() const;
  // Hex of keyed BLAKE2b over `text` (an address key "local@normalised-domain", or raw text).
  [[nodiscard]] std::string hash(std::string_view text) const;
};

// The same keyed hash as AuditSecret::hash, for many texts under one key: the key's set-up is
// done once and every hash starts from a copy of that state. The state is plain values (h, t, f,
// the 256-byte buffer holding the key block, buflen, last_node: crypto_generichash_blake2b.h of
// libsodium 1.0.18), so a copy continues exactly as the original would.
class PseudonymHasher {
 public:
  explicit PseudonymHasher(const AuditSecret& secret);
  // Appends the 32 lower-case hex digits of the hash of `text` to `out`.
  void append_hash(std::string& out, std::string_view text) const;
  [[nodiscard]] std::string hash(std::string_view text) const;

  PseudonymHasher(const PseudonymHasher&) = delete;
  PseudonymHasher& operator=(const PseudonymHasher&) = delete;
  PseudonymHasher(PseudonymHasher&&) = delete;
  PseudonymHasher& operator=(PseudonymHasher&&) = delete;
  ~PseudonymHasher();  // wipes the key block

 private:
  crypto_generichash_state keyed_{};
};

// The key file text (key_file.hpp: '#' comment lines and one base64 line).
std::string audit_key_file_text(const AuditSecret& secret);
std::optional<AuditSecret> parse_audit_key_file(std::string_view text);

// A fresh random key written to `file` with `mode` (created exclusively: never overwrites).
// False with `error` naming the file.
bool create_audit_key_file(const std::filesystem::path& file, std::filesystem::perms mode,
                           std::string& error);

// The locations searched, in order (the last one is the per-user key).
std::vector<std::filesystem::path> audit_key_candidates();

// Loads the first key that exists; with `create`, makes the per-user key when none exists.
// `error` receives why nothing could be loaded (naming the file, never a key byte).
std::optional<AuditSecret> load_audit_secret(bool create, std::string& error);

}  // namespace bccshield
