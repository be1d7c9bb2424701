// The audit log's pseudonyms: keyed BLAKE2b known answers (checked against Python's hashlib),
// address keys, draft and free-text pseudonymisation, and the written line.
#include "audit_log.hpp"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "audit_chain.hpp"
#include "audit_pseudonym.hpp"
#include "audit_secret.hpp"
#include "bccshield/evaluate.hpp"
#include "printable_text.hpp"

namespace bccshield {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// libsodium must be initialised before use (main() does it in the host).
[[maybe_unused]] const int kSodiumReady = sodium_init();

AuditSecret fixed_secret() {
  AuditSecret secret;
  std::iota(secret.key.begin(), secret.key.end(), static_cast<unsigned char>(0));  // 00 01 .. 1f
  return secret;
}

TEST(AuditSecret, KeyedBlake2bKnownAnswers) {
  const AuditSecret secret = fixed_secret();
  // hashlib.blake2b(text, key=bytes(range(32)), digest_size=16).hexdigest()
  EXPECT_EQ(secret.hash("alice@example.org"), "35e9d15253372caf490b97c9897c5e14");
  EXPECT_EQ(secret.hash("alice.smith@xn--bcher-kva.example"), "e54ec1edf406fb640085bafd22e7087a");
  EXPECT_EQ(secret.hash("not an address"), "1594b3e2dce80fa1acb6fca93c84aec8");
  EXPECT_EQ(secret.key_id(), "9532f03fef07c0a0");
}

TEST(AuditSecret, KeyFileRoundTrips) {
  const std::string text = audit_key_file_text(fixed_secret());
  EXPECT_NE(text.find("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="), std::string::npos);
  EXPECT_NE(text.find("key id 9532f03fef07c0a0"), std::string::npos);
  const auto parsed = parse_audit_key_file(text);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->key, fixed_secret().key);
  EXPECT_FALSE(parse_audit_key_file("# nothing\n").has_value());
  EXPECT_FALSE(parse_audit_key_file("AAAA\n").has_value());
}

TEST(AuditSecret, CreatesPrivateKeyFilesAndNeverOverwrites) {
  const fs::path dir = fs::temp_directory_path() / ("bccshield-key-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const fs::path file = dir / "sub" / "audit.key";
  std::string error;
  EXPECT_TRUE(create_audit_key_file(file, fs::perms::owner_read | fs::perms::owner_write, error))
      << error;
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777U, 0600U);
  std::ifstream in(file);
  const std::string first((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(parse_audit_key_file(first).has_value());
  EXPECT_FALSE(create_audit_key_file(file, fs::perms::owner_read, error));
  EXPECT_NE(error, "");
  std::ifstream again(file);
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>()),
            first);
  fs::remove_all(dir);
}

TEST(AuditPseudonym, AddressKeysAreTheNormalisedComparisonKeys) {
  EXPECT_EQ(audit_address_keys("Alice <Alice.Smith@Bücher.Example>"),
            std::vector<std::string>{"alice.smith@xn--bcher-kva.example"});
  EXPECT_EQ(audit_address_keys("alice.smith@XN--BCHER-KVA.example"),
            std::vector<std::string>{"alice.smith@xn--bcher-kva.example"});
  EXPECT_EQ(audit_address_keys("Team: a@x.example, B@Y.example;"),
            (std::vector<std::string>{"a@x.example", "b@y.example"}));
  const auto raw = audit_address_keys("not an address");
  ASSERT_EQ(raw.size(), 1U);
  EXPECT_EQ(raw.front().find('@'), std::string::npos);
}

// The engine's keys of a draft, as the host hands them to the audit log.
RecipientKeys keys_of(const json& draft) {
  const Verdict verdict =
      evaluate(draft_from_json(draft), Policy::defaults(), EvaluateOptions{.with_keys = true});
  return *verdict.keys;
}

TEST(AuditPseudonym, DraftBecomesHashesOnly) {
  const json draft = {
      {"from", "Clerk <Clerk@Tourism.example>"},
      {"to", {"Alice <alice@example.org>", "ALICE@example.org", "bob@orange.fr, carol@free.fr"}},
      {"cc", json::array()},
      {"bcc", {"hidden@secret.example"}},
      {"type", "reply"},
      {"original",
       {{"from", "x@y.example"}, {"to", {"alice@example.org"}}, {"cc", json::array()}}}};
  const json out = pseudonymise_keys(keys_of(draft), fixed_secret());
  EXPECT_EQ(out["from"].size(), 1U);
  EXPECT_EQ(out["to"].size(), 3U) << "duplicates count once";
  EXPECT_EQ(out["to"][0], "35e9d15253372caf490b97c9897c5e14");
  EXPECT_EQ(out["bcc"].size(), 1U);
  EXPECT_EQ(out["original"]["to"][0], "35e9d15253372caf490b97c9897c5e14");
  EXPECT_FALSE(out["original"].contains("bcc"));
  EXPECT_EQ(out.dump().find('@'), std::string::npos);
}

TEST(AuditPseudonym, ScrubsAddressesInFreeText) {
  const std::string scrubbed =
      scrub_addresses("Asked by Alice@Example.org. Ok (see <bob@x.example>)", fixed_secret());
  EXPECT_EQ(scrubbed, "Asked by [address 35e9d15253372caf490b97c9897c5e14]. Ok (see <[address " +
                          fixed_secret().hash("bob@x.example") + "]>)");
  EXPECT_EQ(scrub_addresses("no address @ all, user@", fixed_secret()), "no address @ all, user@");
}

TEST(AuditPseudonym, ScrubsEveryFormTheParserAccepts) {
  const AuditSecret secret = fixed_secret();
  const auto h = [&](const char* key) { return "[address " + secret.hash(key) + "]"; };
  EXPECT_EQ(scrub_addresses(R"(to "anne martin"@example.org, ok)", secret),
            "to " + h(R"("anne martin"@example.org)") + ", ok");
  EXPECT_EQ(scrub_addresses(R"(cc "Martin, Anne" <Anne.M@Example.org>.)", secret),
            "cc " + h("anne.m@example.org") + ".");
  EXPECT_EQ(scrub_addresses("=?utf-8?q?Zo=C3=A9?= =?utf-8?q?_Durand?= <zoe@example.org>!", secret),
            h("zoe@example.org") + "!");
  EXPECT_EQ(scrub_addresses("jo@[192.0.2.7] and kim(office)@example.org", secret),
            h("jo@[192.0.2.7]") + " and " + h("kim@example.org"));
  const std::string escaped = scrub_addresses(R"(x "o\"neil"@example.org y)", secret);
  EXPECT_EQ(escaped.find("neil"), std::string::npos) << escaped;
  EXPECT_EQ(scrub_addresses(R"("a@b"@example.org)", secret).find('@'), std::string::npos);
}

TEST(PrintableText, EscapesEveryControlCharacter) {
  EXPECT_EQ(printable("ok\nfake line\x1b[2J\x07\x7f\\"), "ok\\nfake line\\x1b[2J\\x07\\x7f\\\\");
  EXPECT_EQ(printable("\xc2\x9b"
                      "31m \xe2\x80\xae"
                      "abc \xff"),
            "\\u{009b}31m \\u{202e}abc \\xff");
  EXPECT_EQ(printable("Jörg Müller, été"), "Jörg Müller, été");
  const std::string line = printable_json(json{{"r", "a\x1b\x7f\xc2\x9b\xe2\x80\xa8z"}});
  EXPECT_EQ(line, R"({"r":"a\u001b\u007f\u009b\u2028z"})");
  EXPECT_EQ(json::parse(line)["r"], "a\x1b\x7f\xc2\x9b\xe2\x80\xa8z");
}

TEST(AuditChain, LinesSplitBackAndEveryByteCounts) {
  const AuditSecret secret = fixed_secret();
  const std::string content = R"({"event":"check","time":"2026-12-02T01:02:03Z"})";
  const std::string value = audit_chain_value(secret, "", content);
  ASSERT_EQ(value.size(), 64U);
  const std::string line = chained_line(content, value);
  EXPECT_EQ(line, content.substr(0, content.size() - 1) + R"(,"chain":")" + value + "\"}");
  EXPECT_EQ(json::parse(line)["chain"], value);
  const auto split = split_chained_line(line);
  ASSERT_TRUE(split.has_value());
  EXPECT_EQ(split->content, content);
  EXPECT_EQ(split->chain, value);
  EXPECT_NE(audit_chain_value(secret, value, content), value);  // the previous value counts
  EXPECT_NE(audit_chain_value(secret, "", content + " "), value);
  AuditSecret other = fixed_secret();
  other.key[0] ^= 1U;
  EXPECT_NE(audit_chain_value(other, "", content), value);  // so does the key
  EXPECT_NE(value, secret.hash(content).substr(0, 32) + secret.hash(content).substr(0, 32));
  EXPECT_FALSE(split_chained_line(content).has_value());
}

TEST(AuditLog, WritesOnePrivateLineWithoutAddresses) {
  const fs::path dir =
      fs::temp_directory_path() / ("bccshield-audit-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "audit.key") << audit_key_file_text(fixed_secret());
  ::setenv("BCCSHIELD_AUDIT_KEY", (dir / "audit.key").c_str(), 1);
  ::setenv("BCCSHIELD_AUDIT_CONF", (dir / "none.conf").c_str(), 1);
  {
    AuditLog log(dir / "state" / "audit.jsonl");
    Policy policy = Policy::defaults();
    policy.audit_allowed_recipients = true;
    log.apply_policy(policy);
    const Verdict verdict =
        evaluate(draft_from_json({{"from", "me@corp.example"}, {"to", {"alice@example.org"}}}),
                 Policy::defaults(), EvaluateOptions{.with_keys = true});
    const std::string check_id = "c1";
    const std::string client = "thunderbird/153.7.0";
    log.check({check_id, client, ComposeType::New, verdict, PolicyStatus{}});
    const std::string choice = "send-anyway";
    const std::string reason = "alice@example.org";
    log.report({check_id, choice, reason, client});
  }
  ::unsetenv("BCCSHIELD_AUDIT_KEY");
  ::unsetenv("BCCSHIELD_AUDIT_CONF");
  std::ifstream in(dir / "state" / "audit.jsonl");
  std::string first;
  std::string second;
  std::getline(in, first);
  std::getline(in, second);
  const json check = json::parse(first);
  EXPECT_FALSE(check.contains("draft"));
  EXPECT_EQ(check["decision"], "allow");  // named only because the policy asks for it
  EXPECT_EQ(check["addresses"]["to"], json::array({"35e9d15253372caf490b97c9897c5e14"}));
  EXPECT_EQ(check["keyId"], "9532f03fef07c0a0");
  EXPECT_EQ(json::parse(second)["reason"], "[address 35e9d15253372caf490b97c9897c5e14]");
  EXPECT_EQ((first + second).find('@'), std::string::npos);
  struct stat info {};
  ASSERT_EQ(::stat((dir / "state" / "audit.jsonl").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777U, 0600U);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace bccshield
