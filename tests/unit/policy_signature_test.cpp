// Ed25519 policy signatures: RFC 8032 known answers, then sign -> verify and every refusal.
#include "policy_signature.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "policy_keys.hpp"

namespace bccshield {
namespace {

namespace fs = std::filesystem;

// libsodium must be initialised before use (main() does it in the host).
[[maybe_unused]] const int kSodiumReady = sodium_init();

template <std::size_t N>
std::array<unsigned char, N> from_hex(const char* hex) {
  std::array<unsigned char, N> out{};
  std::size_t written = 0;
  sodium_hex2bin(out.data(), out.size(), hex, std::strlen(hex), nullptr, &written, nullptr);
  EXPECT_EQ(written, N);
  return out;
}

template <std::size_t N>
std::string to_hex(const std::array<unsigned char, N>& bytes) {
  std::string hex(2 * N + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), N);
  hex.pop_back();
  return hex;
}

// RFC 8032 section 7.1, TEST 1 (empty message) and TEST 2 (one byte 0x72).
constexpr const char* kSeed = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr const char* kPublic = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
constexpr const char* kSignatureEmpty =
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b4"
    "6bd25bf5f0595bbe24655141438e7a100b";
constexpr const char* kSeed2 = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";
constexpr const char* kSignature72 =
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d"
    "8c387b2eaeb4302aeeb00d291612bb0c00";

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "bccshield-sig-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] fs::path file(const std::string& name) const { return path_ / name; }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(file(name), std::ios::binary) << text;
  }

 private:
  fs::path path_;
};

TEST(PolicySignature, DerivesTheRfc8032PublicKeyFromTheSeed) {
  const PolicySigningKey key = signing_key_from_seed(from_hex<crypto_sign_SEEDBYTES>(kSeed));
  EXPECT_EQ(to_hex(key.public_key), kPublic);
  EXPECT_EQ(public_key_id(key.public_key), "c46607cab5cd8e90");  // BLAKE2b-64 of the key
}

std::array<unsigned char, crypto_sign_BYTES> raw_signature(std::string_view message,
                                                           const PolicySigningKey& key) {
  std::array<unsigned char, crypto_sign_BYTES> signature{};
  crypto_sign_detached(signature.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       key.secret.data());
  return signature;
}

TEST(PolicySignature, SignsLikeRfc8032) {
  EXPECT_EQ(
      to_hex(raw_signature("", signing_key_from_seed(from_hex<crypto_sign_SEEDBYTES>(kSeed)))),
      kSignatureEmpty);
  EXPECT_EQ(
      to_hex(raw_signature("\x72", signing_key_from_seed(from_hex<crypto_sign_SEEDBYTES>(kSeed2)))),
      kSignature72);
}

TEST(PolicySignature, SignsTheContextThenTheExactBytes) {
  const PolicySigningKey key = signing_key_from_seed(from_hex<crypto_sign_SEEDBYTES>(kSeed));
  const std::string content = "{\"serial\": 3}\n";
  EXPECT_EQ(policy_signature_context, std::string_view("bccshield policy v1\0", 20));
  EXPECT_EQ(to_hex(sign_policy_bytes(content, key)),
            to_hex(raw_signature(std::string("bccshield policy v1", 19) + '\0' + content, key)));
  EXPECT_NE(to_hex(sign_policy_bytes(content, key)), to_hex(raw_signature(content, key)));
}

TEST(PolicySignature, SecretKeyFileRoundTrips) {
  const PolicySigningKey key = signing_key_from_seed(from_hex<crypto_sign_SEEDBYTES>(kSeed));
  const auto parsed = parse_secret_key_file(secret_key_file_text(key));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(to_hex(parsed->public_key), kPublic);
  EXPECT_FALSE(parse_secret_key_file("# only a comment\n").has_value());
  EXPECT_FALSE(parse_secret_key_file("AAAA\n").has_value());
}

class SignedPolicy : public ::testing::Test {
 protected:
  void SetUp() override {
    const PolicySigningKey key = signing_key_from_seed(from_hex<crypto_sign_SEEDBYTES>(kSeed));
    dir_.write("policy.json", policy_);
    dir_.write("policy.json.sig",
               signature_file_text(sign_policy_bytes(policy_, key), "c46607cab5cd8e90"));
    dir_.write("policy.pub", public_key_file_text(key.public_key));
  }
  SignatureCheck verify(const std::string& content) {
    return verify_policy_signature(dir_.file("policy.json"), content, dir_.file("policy.pub"));
  }
  TempDir dir_;
  std::string policy_ = "{\"minExposedParties\": 12}\n";
};

TEST_F(SignedPolicy, VerifiesTheSignedBytes) {
  const SignatureCheck check = verify(policy_);
  EXPECT_TRUE(check.ok) << check.message;
  EXPECT_EQ(check.key_id, "c46607cab5cd8e90");
}

TEST_F(SignedPolicy, RefusesASignatureOverTheBareBytes) {
  // What bccshield-host 0.x signed: valid Ed25519 over the file, but not a policy signature.
  const PolicySigningKey key = signing_key_from_seed(from_hex<crypto_sign_SEEDBYTES>(kSeed));
  dir_.write("policy.json.sig",
             signature_file_text(raw_signature(policy_, key), "c46607cab5cd8e90"));
  const SignatureCheck check = verify(policy_);
  EXPECT_FALSE(check.ok);
  EXPECT_NE(check.message.find("without the policy context"), std::string::npos) << check.message;
}

TEST_F(SignedPolicy, RefusesOneChangedByte) {
  std::string changed = policy_;
  changed[changed.find('1')] = '2';
  const SignatureCheck check = verify(changed);
  EXPECT_FALSE(check.ok);
  EXPECT_NE(check.message.find(dir_.file("policy.json").string()), std::string::npos);
  EXPECT_NE(check.message.find("does not match its content"), std::string::npos);
}

TEST_F(SignedPolicy, RefusesAnotherKey) {
  dir_.write("policy.pub",
             public_key_file_text(
                 signing_key_from_seed(from_hex<crypto_sign_SEEDBYTES>(kSeed2)).public_key));
  const SignatureCheck check = verify(policy_);
  EXPECT_FALSE(check.ok);
  EXPECT_NE(check.message.find("signed with another key"), std::string::npos);
}

TEST_F(SignedPolicy, RefusesAMissingSignature) {
  fs::remove(dir_.file("policy.json.sig"));
  const SignatureCheck check = verify(policy_);
  EXPECT_FALSE(check.ok);
  EXPECT_NE(check.message.find("is not signed"), std::string::npos);
  EXPECT_NE(check.message.find("policy.json.sig is missing"), std::string::npos);
}

TEST_F(SignedPolicy, RefusesAGarbledSignatureOrKey) {
  dir_.write("policy.json.sig", "# comment\nAAAA\n");
  EXPECT_NE(verify(policy_).message.find("not a valid Ed25519 signature"), std::string::npos);
  dir_.write("policy.pub", "not base64\n");
  EXPECT_NE(verify(policy_).message.find("cannot be read as an Ed25519 key"), std::string::npos);
}

}  // namespace
}  // namespace bccshield
