#pragma once
// Ed25519 key pairs and signatures for the policy file (the signing side of policy_signature.hpp).

#include <sodium.h>

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace bccshield {

struct PolicySigningKey {
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret{};
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> public_key{};
  ~PolicySigningKey() { sodium_memzero(secret.data(), secret.size()); }
};

// A short fingerprint of a public key (hex of BLAKE2b-64), printed so admins can compare keys.
std::string public_key_id(const std::array<unsigned char, crypto_sign_PUBLICKEYBYTES>& public_key);

// From a 32-byte seed (tests), or random.
PolicySigningKey signing_key_from_seed(
    const std::array<unsigned char, crypto_sign_SEEDBYTES>& seed);
PolicySigningKey random_signing_key();

// File texts (key_file.hpp: '#' comment lines and one base64 line).
std::string secret_key_file_text(const PolicySigningKey& key);
std::string public_key_file_text(
    const std::array<unsigned char, crypto_sign_PUBLICKEYBYTES>& public_key);
std::string signature_file_text(const std::array<unsigned char, crypto_sign_BYTES>& signature,
                                const std::string& key_id);
std::optional<PolicySigningKey> parse_secret_key_file(std::string_view text);

// Signs policy_signed_message(content) (policy_signature.hpp).
std::array<unsigned char, crypto_sign_BYTES> sign_policy_bytes(std::string_view content,
                                                               const PolicySigningKey& key);

}  // namespace bccshield
