#pragma once
// Ed25519 signatures over the policy file (libsodium). The signature sits beside it: FILE.sig.

#include <filesystem>
#include <string>
#include <string_view>

namespace bccshield {

struct SignatureCheck {
  bool ok = false;
  std::string message;  // why it failed, naming the file
};

// Verifies `content` (the bytes of `policy_file`) against `policy_file`.sig and the public key
// file.
SignatureCheck verify_policy_signature(const std::filesystem::path& policy_file,
                                       std::string_view content,
                                       const std::filesystem::path& public_key_file);

}  // namespace bccshield
