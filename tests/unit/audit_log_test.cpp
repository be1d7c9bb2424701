// The audit log's pseudonyms: keyed BLAKE2b known answers (checked against Python's hashlib),
// address keys, draft and free-text pseudonymisation, and the written line.
#include "audit_log.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

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
#include "test_os.hpp"

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
  const fs::path dir =
      fs::temp_directory_path() / ("bccshield-key-" + std::to_string(test_os::process_id()));
  fs::remove_all(dir);
  const fs::path file = dir / "sub" / "audit.key";
  std::string error;
  EXPECT_TRUE(create_audit_key_file(file, fs::perms::owner_read | fs::perms::owner_write, error))
      << error;
  EXPECT_EQ(test_os::access_of(file),
            test_os::access_for(fs::perms::owner_read | fs::perms::owner_write, dir));
  std::ifstream in(file);
  const std::string first((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(parse_audit_key_file(first).has_value());
  EXPECT_FALSE(create_audit_key_file(file, fs::perms::owner_read, error));
  EXPECT_NE(error, "");
  std::ifstream again(file);
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>()),
            first);
  in.close();  // Windows refuses to delete a file that is still open
  again.close();
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
RecipientKeys keys_of(const json& draft_json) {
  const Draft draft = draft_from_json(draft_json);  // the keys view it until detached
  const Verdict verdict = evaluate(draft, Policy::defaults(), EvaluateOptions{.with_keys = true});
  return verdict.keys->detached();  // the verdict and the draft go: keep the texts
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
  const AuditSecret secret = fixed_secret();
  const PseudonymHasher hasher(secret);
  std::string text = "[";
  append_pseudonymised_keys(text, keys_of(draft), hasher);
  text += "]";  // appends: what was there stays
  const json out = json::parse(text).at(0);
  EXPECT_EQ(out.dump(), text.substr(1, text.size() - 2)) << "the members in nlohmann's order";
  EXPECT_EQ(out["from"].size(), 1U);
  EXPECT_EQ(out["to"].size(), 3U) << "duplicates count once";
  EXPECT_EQ(out["to"][0], "35e9d15253372caf490b97c9897c5e14");
  EXPECT_EQ(out["bcc"].size(), 1U);
  EXPECT_EQ(out["original"]["to"][0], "35e9d15253372caf490b97c9897c5e14");
  EXPECT_FALSE(out["original"].contains("bcc"));
  EXPECT_EQ(out.dump().find('@'), std::string::npos);
  std::string without_original;
  append_pseudonymised_keys(without_original, keys_of({{"to", {"a@b.example"}}}), hasher);
  EXPECT_EQ(json::parse(without_original), json::parse(R"({"bcc":[],"cc":[],"from":[],"to":[")" +
                                                       secret.hash("a@b.example") + R"("]})"));
}

TEST(AuditSecret, HasherFromOneKeySetUpAgreesWithLibsodium) {
  // The copied state against crypto_generichash from scratch: empty text, around the 128-byte
  // block edges (the key fills the first block), and several in a row from one hasher.
  const AuditSecret secret = fixed_secret();
  const PseudonymHasher hasher(secret);
  for (const std::size_t length : {0U, 1U, 17U, 127U, 128U, 129U, 255U, 256U, 257U, 1000U}) {
    std::string text(length, '\0');
    for (std::size_t i = 0; i < length; ++i)
      text[i] = static_cast<char>('a' + (i * 7 + length) % 26);
    std::array<unsigned char, audit_hash_bytes> digest{};
    crypto_generichash(digest.data(), digest.size(),
                       reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                       secret.key.data(), secret.key.size());
    std::array<char, 2 * audit_hash_bytes + 1> hex{};
    sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
    EXPECT_EQ(hasher.hash(text), hex.data()) << length;
    std::string appended = "x";
    hasher.append_hash(appended, text);
    EXPECT_EQ(appended, std::string("x") + hex.data()) << length;
  }
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
      fs::temp_directory_path() / ("bccshield-audit-" + std::to_string(test_os::process_id()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "audit.key") << audit_key_file_text(fixed_secret());
  test_os::set_environment("BCCSHIELD_AUDIT_KEY", (dir / "audit.key").string());
  test_os::set_environment("BCCSHIELD_AUDIT_CONF", (dir / "none.conf").string());
  {
    AuditLog log(dir / "state" / "audit.jsonl");
    Policy policy = Policy::defaults();
    policy.audit_allowed_recipients = true;
    log.apply_policy(policy);
    const Draft draft =
        draft_from_json({{"from", "me@corp.example"}, {"to", {"alice@example.org"}}});
    const Verdict verdict = evaluate(draft, Policy::defaults(), EvaluateOptions{.with_keys = true});
    const std::string check_id = "c1";
    const std::string client = "thunderbird/153.7.0";
    log.check({check_id, client, ComposeType::New, verdict, PolicyStatus{}});
    const std::string choice = "send-anyway";
    const std::string reason = "alice@example.org";
    log.report({check_id, choice, reason, client});
  }
  test_os::unset_environment("BCCSHIELD_AUDIT_KEY");
  test_os::unset_environment("BCCSHIELD_AUDIT_CONF");
  std::ifstream in(dir / "state" / "audit.jsonl");
  std::string first;
  std::string second;
  std::getline(in, first);
  std::getline(in, second);
  in.close();  // Windows refuses to delete a file that is still open
  const json check = json::parse(first);
  EXPECT_FALSE(check.contains("draft"));
  EXPECT_EQ(check["decision"], "allow");  // named only because the policy asks for it
  EXPECT_EQ(check["addresses"]["to"], json::array({"35e9d15253372caf490b97c9897c5e14"}));
  EXPECT_EQ(check["keyId"], "9532f03fef07c0a0");
  EXPECT_EQ(json::parse(second)["reason"], "[address 35e9d15253372caf490b97c9897c5e14]");
  EXPECT_EQ((first + second).find('@'), std::string::npos);
  EXPECT_EQ(test_os::access_of(dir / "state" / "audit.jsonl"),
            test_os::access_for(fs::perms::owner_read | fs::perms::owner_write, dir));
  fs::remove_all(dir);
}

// A log whose first line is today's and whose lines are long: appending reads neither the first
// line whole nor the last one (the time is at the start of each line, the chain at its end).
class AuditLogFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("bccshield-audit-rot-" + std::to_string(test_os::process_id()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "state");
    std::ofstream(dir_ / "audit.key") << audit_key_file_text(fixed_secret());
    test_os::set_environment("BCCSHIELD_AUDIT_KEY", (dir_ / "audit.key").string());
    test_os::set_environment("BCCSHIELD_AUDIT_CONF", (dir_ / "none.conf").string());
  }
  void TearDown() override {
    test_os::unset_environment("BCCSHIELD_AUDIT_KEY");
    test_os::unset_environment("BCCSHIELD_AUDIT_CONF");
    fs::remove_all(dir_);
  }
  [[nodiscard]] fs::path log_file() const { return dir_ / "state" / "audit.jsonl"; }
  void write_check() const {
    AuditLog log(log_file());
    Policy policy = Policy::defaults();
    policy.audit_retention_days = 36500;  // the rotated files of these tests stay
    policy.audit_allowed_recipients = true;
    log.apply_policy(policy);
    const Draft draft = draft_from_json({{"from", "me@corp.example"},
                                         {"to", {"a@example.org", "b@example.org"}},
                                         {"cc", {"c@other.example"}}});
    const Verdict verdict = evaluate(draft, Policy::defaults(), EvaluateOptions{.with_keys = true});
    log.check({"c1", "thunderbird/153.7.0", ComposeType::New, verdict, PolicyStatus{}});
  }
  [[nodiscard]] std::vector<std::string> lines() const {
    std::ifstream in(log_file(), std::ios::binary);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  [[nodiscard]] std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& entry : fs::directory_iterator(dir_ / "state")) {
      // Windows locks a file in the folder, left in place (platform_win32.cpp, FolderLock).
      if (entry.path().filename() == ".bccshield.lock") continue;
      out.push_back(entry.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  fs::path dir_;
};

TEST_F(AuditLogFile, EveryLineStartsWithItsTimeAndChainsToTheLastOne) {
  write_check();
  write_check();
  const std::vector<std::string> written = lines();
  ASSERT_EQ(written.size(), 2U);
  for (const std::string& line : written) {
    ASSERT_TRUE(line.starts_with(R"({"time":")")) << line;
    const json entry = json::parse(line);
    EXPECT_EQ(line.substr(9, 20), entry["time"].get<std::string>());
    EXPECT_EQ(entry["addresses"]["to"].size(), 2U);
    EXPECT_EQ(entry["event"], "check");
  }
  // The second line continues the first one's chain (read from the end of the file only).
  const auto first = split_chained_line(written[0]);
  const auto second = split_chained_line(written[1]);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(second->chain, audit_chain_value(fixed_secret(), first->chain, second->content));
  EXPECT_EQ(names(), std::vector<std::string>{"audit.jsonl"}) << "today's log is not rotated";
}

TEST_F(AuditLogFile, OnlyTheStartOfTheFirstLineDecidesItsDay) {
  // Today's time in front, 2 MB of filler, then a second "time" of 2020: a reader that parsed
  // the line (nlohmann keeps the last of duplicate members) would take 2020 and rotate; the
  // day is read from the first bytes only, so today's log is appended to as it is.
  write_check();
  const std::string today = lines().at(0).substr(0, 9 + 20);  // {"time":"YYYY-MM-DDTHH:MM:SSZ
  {
    std::ofstream out(log_file(), std::ios::binary | std::ios::trunc);
    out << today << R"(","filler":")" << std::string(2'000'000, 'x')
        << R"(","time":"2020-01-01T08:00:00Z"})"
        << "\n";
  }
  write_check();
  const std::vector<std::string> written = lines();
  ASSERT_EQ(written.size(), 2U);
  EXPECT_EQ(json::parse(written[0])["time"], "2020-01-01T08:00:00Z");
  EXPECT_EQ(names(), std::vector<std::string>{"audit.jsonl"});
}

TEST_F(AuditLogFile, ALogBegunEarlierOrByAnOlderVersionIsRotatedOnce) {
  // Time first but of 2020; then a line of an earlier version (time inside) of 2021.
  std::ofstream(log_file(), std::ios::binary)
      << R"({"time":"2020-01-01T08:00:00Z","event":"check"})"
      << "\n"
      << R"({"event":"check","time":"2021-03-04T08:00:00Z"})"
      << "\n";
  write_check();
  EXPECT_EQ(names(), (std::vector<std::string>{"audit-20210304.jsonl", "audit.jsonl"}))
      << "named after the day of its last line";
  EXPECT_EQ(lines().size(), 1U);
  fs::remove(dir_ / "state" / "audit-20210304.jsonl");
  // A first line without its time in front: rotated too, once.
  const std::string current = lines().at(0);
  std::ofstream(log_file(), std::ios::binary | std::ios::trunc)
      << R"({"event":"check","time":")" << current.substr(9, 20) << "\"}\n";
  write_check();
  write_check();
  EXPECT_EQ(names().size(), 2U);
  EXPECT_EQ(lines().size(), 2U) << "the new log is kept: its first line starts with today";
}

}  // namespace
}  // namespace bccshield
