#include "policy_signature.hpp"

#include <sodium.h>

#include <array>

#include "key_file.hpp"
#include "policy_keys.hpp"

namespace bccshield {

std::string policy_signed_message(std::string_view content) {
  std::string message(policy_signature_context);
  message.append(content);
  return message;
}

SignatureCheck verify_policy_signature(const std::filesystem::path& policy_file,
                                       std::string_view content,
                                       const std::filesystem::path& public_key_file,
                                       const std::filesystem::path& signature_file_given) {
  SignatureCheck check;
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> key{};
  if (read_key_file(public_key_file, key) != KeyFileStatus::Ok) {
    check.message =
        "the public key " + public_key_file.string() + " cannot be read as an Ed25519 key";
    return check;
  }
  check.key_id = public_key_id(key);
  const std::filesystem::path signature_file =
      signature_file_given.empty() ? std::filesystem::path(policy_file.string() + ".sig")
                                   : signature_file_given;
  std::array<unsigned char, crypto_sign_BYTES> signature{};
  const KeyFileStatus signature_status = read_key_file(signature_file, signature);
  if (signature_status == KeyFileStatus::Missing || signature_status == KeyFileStatus::Unreadable) {
    check.message = "the policy " + policy_file.string() +
                    " is not signed: " + signature_file.string() + " is missing";
    return check;
  }
  if (signature_status != KeyFileStatus::Ok) {
    check.message =
        "the signature file " + signature_file.string() + " is not a valid Ed25519 signature";
    return check;
  }
  const std::string message = policy_signed_message(content);
  const auto verifies = [&](std::string_view bytes) {
    return crypto_sign_verify_detached(signature.data(),
                                       reinterpret_cast<const unsigned char*>(bytes.data()),
                                       bytes.size(), key.data()) == 0;
  };
  if (!verifies(message)) {
    // A signature over the bare bytes (bccshield-host 0.x) is refused, not accepted: accepting
    // it would keep the ambiguity the context removes. Say so, so the admin re-signs.
    check.message = verifies(content)
                        ? "the signature of " + policy_file.string() +
                              " was made by an older bccshield-host over the bare file, without "
                              "the policy context: sign it again with `bccshield-host policy sign`"
                        : "the signature of " + policy_file.string() +
                              " does not match its content and the installed key " +
                              public_key_file.string() +
                              " (the file was changed after signing, or signed with another key)";
    return check;
  }
  check.ok = true;
  return check;
}

}  // namespace bccshield
