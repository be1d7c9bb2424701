#include "policy_keys.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "bccshield/identity.hpp"

namespace bccshield {
namespace {

template <std::size_t N>
std::string to_base64(const std::array<unsigned char, N>& bytes) {
  std::string text(sodium_base64_ENCODED_LEN(N, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(text.data(), text.size(), bytes.data(), N, sodium_base64_VARIANT_ORIGINAL);
  text.resize(std::strlen(text.c_str()));
  return text;
}

}  // namespace

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
  std::string b64 = to_base64(key.secret);
  std::string text =
      "# BccShield policy SIGNING key (Ed25519, secret). Keep it off the workstations.\n"
      "# key id " +
      public_key_id(key.public_key) + "\n" + b64 + "\n";
  sodium_memzero(b64.data(), b64.size());
  return text;
}

std::string public_key_file_text(
    const std::array<unsigned char, crypto_sign_PUBLICKEYBYTES>& public_key) {
  return std::string("# BccShield policy public key (Ed25519): install as ") +
         system_policy_key_file + "\n# key id " + public_key_id(public_key) + "\n" +
         to_base64(public_key) + "\n";
}

std::string signature_file_text(const std::array<unsigned char, crypto_sign_BYTES>& signature,
                                const std::string& key_id) {
  return "# BccShield policy signature (Ed25519), key id " + key_id + "\n" + to_base64(signature) +
         "\n";
}

std::optional<PolicySigningKey> parse_secret_key_file(std::string_view text) {
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    PolicySigningKey key;
    std::size_t written = 0;
    const int rc = sodium_base642bin(key.secret.data(), key.secret.size(), line.data(), line.size(),
                                     nullptr, &written, nullptr, sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(line.data(), line.size());
    if (rc != 0 || written != key.secret.size()) return std::nullopt;
    crypto_sign_ed25519_sk_to_pk(key.public_key.data(), key.secret.data());
    return key;
  }
  return std::nullopt;
}

std::array<unsigned char, crypto_sign_BYTES> sign_policy_bytes(std::string_view content,
                                                               const PolicySigningKey& key) {
  std::array<unsigned char, crypto_sign_BYTES> signature{};
  crypto_sign_detached(signature.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(content.data()), content.size(),
                       key.secret.data());
  return signature;
}

std::string write_new_file(const std::filesystem::path& file, std::string_view text,
                           std::filesystem::perms mode, bool replace) {
  const auto raw_mode = static_cast<mode_t>(mode & std::filesystem::perms::mask);
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (replace ? O_TRUNC : O_EXCL);
  const int fd = ::open(file.c_str(), flags, raw_mode);
  if (fd < 0) {
    return "cannot create " + file.string() + ": " +
           std::strerror(errno);  // NOLINT(concurrency-mt-unsafe)
  }
  ::fchmod(fd, raw_mode);
  const auto written = ::write(fd, text.data(), text.size());
  const bool ok = written == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  return ok ? std::string() : "cannot write " + file.string();
}

}  // namespace bccshield
