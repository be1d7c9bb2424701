#include "policy_signature.hpp"

#include <sodium.h>

#include <array>
#include <fstream>
#include <optional>
#include <sstream>

namespace bccshield {
namespace {

constexpr std::size_t kMaxKeyFileBytes = 4096;

std::optional<std::string> read_small_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text(kMaxKeyFileBytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

// Key and signature files hold one base64 line (comment lines starting with '#' are allowed).
template <std::size_t N>
bool decode_base64_line(const std::string& text, std::array<unsigned char, N>& out) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    std::size_t written = 0;
    const int rc = sodium_base642bin(out.data(), out.size(), line.data(), line.size(), nullptr,
                                     &written, nullptr, sodium_base64_VARIANT_ORIGINAL);
    return rc == 0 && written == N;
  }
  return false;
}

}  // namespace

SignatureCheck verify_policy_signature(const std::filesystem::path& policy_file,
                                       std::string_view content,
                                       const std::filesystem::path& public_key_file) {
  SignatureCheck check;
  const auto key_text = read_small_file(public_key_file);
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> key{};
  if (!key_text || !decode_base64_line(*key_text, key)) {
    check.message =
        "the public key " + public_key_file.string() + " cannot be read as an Ed25519 key";
    return check;
  }
  const std::filesystem::path signature_file = policy_file.string() + ".sig";
  const auto signature_text = read_small_file(signature_file);
  if (!signature_text) {
    check.message = "the policy " + policy_file.string() +
                    " is not signed: " + signature_file.string() + " is missing";
    return check;
  }
  std::array<unsigned char, crypto_sign_BYTES> signature{};
  if (!decode_base64_line(*signature_text, signature)) {
    check.message =
        "the signature file " + signature_file.string() + " is not a valid Ed25519 signature";
    return check;
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(content.data());
  if (crypto_sign_verify_detached(signature.data(), bytes, content.size(), key.data()) != 0) {
    check.message = "the signature of " + policy_file.string() +
                    " does not match its content and the installed key " +
                    public_key_file.string() +
                    " (the file was changed after signing, or signed with another key)";
    return check;
  }
  check.ok = true;
  return check;
}

}  // namespace bccshield
