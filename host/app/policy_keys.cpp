#include "policy_keys.hpp"

#include "bccshield/identity.hpp"
#include "key_file.hpp"
#include "platform.hpp"
#include "policy_signature.hpp"

namespace bccshield {

std::string public_key_id(const std::array<unsigned char, crypto_sign_PUBLICKEYBYTES>& public_key) {
  std::array<unsigned char, 8> digest{};
  crypto_generichash(digest.data(), digest.size(), public_key.data(), public_key.size(), nullptr,
                     0);
  std::array<char, 2 * 8 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return hex.data();
}

PolicySigningKey signing_key_from_seed(
    const std::array<unsigned char, crypto_sign_SEEDBYTES>& seed) {
  PolicySigningKey key;
  crypto_sign_seed_keypair(key.public_key.data(), key.secret.data(), seed.data());
  return key;
}

PolicySigningKey random_signing_key() {
  PolicySigningKey key;
  crypto_sign_keypair(key.public_key.data(), key.secret.data());
  return key;
}

std::string secret_key_file_text(const PolicySigningKey& key) {
  return key_file_text(
      "# BccShield policy SIGNING key (Ed25519, secret). Keep it off the workstations.\n"
      "# key id " +
          public_key_id(key.public_key) + "\n",
      key.secret);
}

std::string public_key_file_text(
    const std::array<unsigned char, crypto_sign_PUBLICKEYBYTES>& public_key) {
  return key_file_text(std::string("# BccShield policy public key (Ed25519): install as ") +
                           platform::machine_file(platform::MachineFile::PolicyKey).string() +
                           "\n# key id " + public_key_id(public_key) + "\n",
                       public_key);
}

std::string signature_file_text(const std::array<unsigned char, crypto_sign_BYTES>& signature,
                                const std::string& key_id) {
  return key_file_text("# BccShield policy signature (Ed25519), key id " + key_id + "\n",
                       signature);
}

std::optional<PolicySigningKey> parse_secret_key_file(std::string_view text) {
  PolicySigningKey key;
  if (!decode_key_text(text, key.secret)) return std::nullopt;
  crypto_sign_ed25519_sk_to_pk(key.public_key.data(), key.secret.data());
  return key;
}

std::array<unsigned char, crypto_sign_BYTES> sign_policy_bytes(std::string_view content,
                                                               const PolicySigningKey& key) {
  std::array<unsigned char, crypto_sign_BYTES> signature{};
  const std::string message = policy_signed_message(content);
  crypto_sign_detached(signature.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       key.secret.data());
  return signature;
}

}  // namespace bccshield
