#pragma once
// Ed25519 signatures over the policy file (libsodium). The signature sits beside it: FILE.sig.
// What is signed is policy_signature_context followed by the file's exact bytes: a signature
// the same key made for anything else (another tool, another format) is never a policy
// signature.

#include <filesystem>
#include <string>
#include <string_view>

namespace bccshield {

// The domain-separation prefix, its NUL included (no file text can contain it as a prefix of
// valid JSON, and a future format gets "v2").
inline constexpr std::string_view policy_signature_context{"bccshield policy v1\0", 20};

// The bytes an Ed25519 policy signature covers: the context, then `content` unchanged.
std::string policy_signed_message(std::string_view content);

struct SignatureCheck {
  bool ok = false;
  std::string key_id;   // the public key's id (policy_keys.hpp), when it could be read
  std::string message;  // why it failed, naming the file
};

// Verifies `content` (the bytes of `policy_file`) against `signature_file` (default:
// `policy_file`.sig) and the public key file.
SignatureCheck verify_policy_signature(const std::filesystem::path& policy_file,
                                       std::string_view content,
                                       const std::filesystem::path& public_key_file,
                                       const std::filesystem::path& signature_file = {});

}  // namespace bccshield
