#include "policy_signature.hpp"

#include <sodium.h>

#include <array>

#include "file_util.hpp"
#include "key_file.hpp"

namespace bccshield {

SignatureCheck verify_policy_signature(const std::filesystem::path& policy_file,
                                       std::string_view content,
                                       const std::filesystem::path& public_key_file) {
  SignatureCheck check;
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> key{};
  if (read_key_file(public_key_file, key) != KeyFileStatus::Ok) {
    check.message =
        "the public key " + utf8_of(public_key_file) + " cannot be read as an Ed25519 key";
    return check;
  }
  std::filesystem::path signature_file = policy_file;
  signature_file += ".sig";
  std::array<unsigned char, crypto_sign_BYTES> signature{};
  const KeyFileStatus signature_status = read_key_file(signature_file, signature);
  if (signature_status == KeyFileStatus::Missing || signature_status == KeyFileStatus::Unreadable) {
    check.message = "the policy " + utf8_of(policy_file) +
                    " is not signed: " + utf8_of(signature_file) + " is missing";
    return check;
  }
  if (signature_status != KeyFileStatus::Ok) {
    check.message =
        "the signature file " + utf8_of(signature_file) + " is not a valid Ed25519 signature";
    return check;
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(content.data());
  if (crypto_sign_verify_detached(signature.data(), bytes, content.size(), key.data()) != 0) {
    check.message = "the signature of " + utf8_of(policy_file) +
                    " does not match its content and the installed key " +
                    utf8_of(public_key_file) +
                    " (the file was changed after signing, or signed with another key)";
    return check;
  }
  check.ok = true;
  return check;
}

}  // namespace bccshield
