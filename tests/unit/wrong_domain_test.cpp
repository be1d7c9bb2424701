// Wrong-domain tricks, end to end: whatever the host reports for a recipient (its party, its
// place in the rewrite) must name the domain Thunderbird actually delivers to, never a
// friendlier one. The "delivered" addresses below are what Thunderbird 153's jsmime
// (modules/jsmime/jsmime.mjs from omni.ja, run under Node 20) returns for each input with
// parseAddressingHeader(input, false): the parse used for the compose window's recipients
// (MimeAddressParser.parseDecodedHeader), so that is the SMTP RCPT TO.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bccshield/address_list.hpp"
#include "bccshield/domain.hpp"
#include "bccshield/evaluate.hpp"
#include "bccshield/identity.hpp"
#include "bccshield/protocol.hpp"

namespace bccshield {
namespace {

using nlohmann::json;

constexpr const char* kSender = "Clerk <clerk@corp.example>";
const std::vector<std::string> kPartners = {"p1@partner-one.example", "p2@partner-two.example"};

using namespace std::string_view_literals;

struct Trick {
  std::string_view input;
  const char* delivered;  // jsmime's email; "" = jsmime finds no address
};

// clang-format off
const Trick kTricks[] = {
    {R"("a@evil.example"@corp.example)", R"("a@evil.example"@corp.example)"},
    {"user@corp.example(x)evil.example", "user@corp.example evil.example"},
    {"a@b@c", R"("a@b"@c)"},
    {"a@b@c@corp.example", R"("a@b@c"@corp.example)"},
    {"<a@b@c>", R"("a@b"@c)"},
    {"=?UTF-8?Q?a=40evil.example?= <x@corp.example>", "x@corp.example"},
    {"=?UTF-8?Q?x=40corp.example?= <y@evil.example>", "y@evil.example"},
    {"=?UTF-8?B?PGFAY29ycC5leGFtcGxlPg==?= <y@evil.example>", "y@evil.example"},  // name "<a@corp.example>"
    {"x@corp.example =?UTF-8?Q?=3Cy=40evil.example=3E?=", "x@corp.example =?UTF-8?Q?=3Cy=40evil.example=3E?="},
    {"=?UTF-8?Q?a=40corp.example?=", ""},
    {"user@=?UTF-8?Q?corp.example?=", "user@=?UTF-8?Q?corp.example?="},
    {"Bob <bob@corp.example>evil.example", "bob@corp.example"},
    {"<a@corp.example> <b@evil.example>", "b@evil.example"},
    {"a@corp.example <b@evil.example>", "b@evil.example"},
    {R"("a@corp.example" <b@evil.example>)", "b@evil.example"},
    {"a@evil.example (a@corp.example)", "a@evil.example"},
    {"a(b@corp.example)@evil.example", "a@evil.example"},
    {"Bob <@corp.example:bob@evil.example>", "bob@evil.example"},
    {R"(a@corp.example\@evil.example)", R"("a@corp.example"@evil.example)"},
    {"a@corp.example.evil.example", "a@corp.example.evil.example"},
    {R"(a@evil.example"@corp.example)", R"("a@evil.example "@corp.example)"},
    {R"("a\"@evil.example"@corp.example)", R"("a\"@evil.example"@corp.example)"},
    {"a@corp.example\0@evil.example"sv, R"("a@corp.example"@evil.example)"},
    {"a@corp.example\r\n@evil.example", R"("a@corp.example"@evil.example)"},
    {"a @ corp . example", "a@corp.example"},
    {"=?UTF-8?Q?<x@evil.example>?= <c@corp.example>", "c@corp.example"},
    {"=?UTF-8?Q?a <b?= <c@corp.example>", "c@corp.example"},
};

// Found by tests/fuzz/jsmime_differential.py (reproducers in tests/fuzz/regressions/address_list):
// an encoded-word whose text holds specials ('"', '<', '(') was read as one opaque word, but
// the compose window does not decode encoded-words, so for Thunderbird those specials are
// structure. RFC 2047 5(3) forbids specials in an encoded-word in a phrase: the tokenizer now
// reads such a word as plain text, and these follow the compose reading.
const Trick kOpenTricks[] = {
    {R"(=?UTF-8?Q?a"?= <c@corp.example>" <d@evil.example>)", "d@evil.example"},
    {"u <c@corp.example>=?UTF-8?Q?x <y?=@evil.example>", "y?=@evil.example"},
    {"=?UTF-8?Q?(?= <c@corp.example> )", ""},
};
// clang-format on

// The domain part of jsmime's email (after the last '@', outside the quoted local part).
std::string delivered_domain(const std::string& email) {
  const auto at = email.rfind('@');
  return at == std::string::npos ? std::string() : email.substr(at + 1);
}

std::optional<std::string> normalized(const std::string& domain) {
  if (domain.empty()) return std::nullopt;
  return normalize_domain(domain);
}

Policy corp_policy() {
  return policy_from_text(
      R"({"version": 1, "internalDomains": ["corp.example"], "minExposedParties": 2,
                              "rewriteStrategy": "keep-internal"})");
}

// Where the host put the tricky entry: parties it was grouped under, whether it stayed visible
// as internal, whether it was reported unparsable, and the display strings it handed back.
struct Placement {
  std::vector<std::string> parties;
  std::vector<std::string> displays;  // in the rewrite
  bool kept_internal = false;
  bool unparsable = false;
};

Placement place(const Verdict& verdict, const Draft& draft) {
  Placement placement;
  const json readable = to_readable_json(verdict, draft);
  for (const json& finding : readable["findings"]) {
    if (finding["rule"] == rule_exposed_parties) {
      for (const json& party : finding["parties"]) {
        for (const json& recipient : party["recipients"]) {
          const std::string display = recipient.get<std::string>();
          if (display != kPartners[0] && display != kPartners[1]) {
            placement.parties.push_back(party["party"].get<std::string>());
          }
        }
      }
    } else if (finding["rule"] == rule_unparsable_recipient) {
      placement.unparsable = finding["count"].get<int>() > 0;
    }
  }
  if (readable.contains("rewrite")) {
    for (const json& to : readable["rewrite"]["to"]) {
      if (to == kSender) continue;
      placement.kept_internal = true;
      placement.displays.push_back(to.get<std::string>());
    }
    for (const json& bcc : readable["rewrite"]["bcc"]) {
      if (bcc != kPartners[0] && bcc != kPartners[1])
        placement.displays.push_back(bcc.get<std::string>());
    }
  }
  return placement;
}

class WrongDomain : public ::testing::TestWithParam<Trick> {};

TEST_P(WrongDomain, TheVerdictNamesTheDomainThunderbirdDeliversTo) {
  const Trick& trick = GetParam();
  const std::string input(trick.input);
  const std::optional<std::string> delivered = normalized(delivered_domain(trick.delivered));
  Draft draft;
  draft.from = kSender;
  draft.to = {input, kPartners[0], kPartners[1]};
  const Verdict verdict = evaluate(draft, corp_policy());
  const Placement placement = place(verdict, draft);
  ASSERT_NE(verdict.decision, Action::Allow) << "two partners are already exposed";
  ASSERT_TRUE(verdict.rewrite.has_value());

  if (!delivered) {
    // Thunderbird cannot deliver this as one valid address: the host must not pretend it can.
    EXPECT_TRUE(placement.unparsable) << input;
    EXPECT_FALSE(placement.kept_internal) << input;
    EXPECT_TRUE(placement.parties.empty())
        << input << " grouped under " << placement.parties.front();
  } else {
    const bool internal = is_same_or_subdomain(*delivered, "corp.example");
    // A colleague only when Thunderbird delivers to a colleague.
    if (!internal) {
      EXPECT_FALSE(placement.kept_internal) << input << " kept visible as a colleague";
    }
    if (internal && !placement.unparsable) {
      EXPECT_TRUE(placement.kept_internal) << input;
    }
    // Grouped, if at all, under the delivered domain's party and nothing else.
    for (const std::string& party : placement.parties) {
      EXPECT_EQ(party, registrable_domain(*delivered)) << input;
    }
    // Classified one way or another: a colleague, an external party, or unparsable (warns).
    EXPECT_TRUE(placement.kept_internal || !placement.parties.empty() || placement.unparsable)
        << input;
    if (internal) {
      EXPECT_TRUE(placement.parties.empty()) << input;
    }
  }
  // Convert to Bcc hands the display strings back to Thunderbird, which parses them again:
  // whatever address they name must still be at the delivered domain.
  ASSERT_FALSE(placement.displays.empty()) << input << ": the recipient was lost from the rewrite";
  for (const std::string& display : placement.displays) {
    for (const Mailbox& again : parse_address_list(display).mailboxes()) {
      EXPECT_EQ(normalized(again.domain), delivered) << input << " -> " << display;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Tricks, WrongDomain, ::testing::ValuesIn(kTricks),
                         [](const ::testing::TestParamInfo<Trick>& param_info) {
                           return "trick" + std::to_string(param_info.index);
                         });

INSTANTIATE_TEST_SUITE_P(OpenTricks, WrongDomain, ::testing::ValuesIn(kOpenTricks),
                         [](const ::testing::TestParamInfo<Trick>& param_info) {
                           return "open" + std::to_string(param_info.index);
                         });

TEST(WrongDomain, TheMainTricksThroughTheWireProtocol) {
  HostContext context;
  context.policy = corp_policy();
  context.new_check_id = [] { return std::string("c"); };
  const json request = {
      {"protocolVersion", protocol_version},
      {"type", "check"},
      {"draft",
       {{"from", kSender},
        {"to", {R"("a@evil.example"@corp.example)", "a@b@c", kPartners[0], kPartners[1]}},
        {"cc", {"=?UTF-8?Q?a=40evil.example?= <x@corp.example>"}}}}};
  const json reply = json::parse(handle_message(request.dump(), context));
  ASSERT_TRUE(reply.contains("result")) << reply.dump();
  const json& result = reply["result"];
  for (const json& finding : result["findings"]) {
    if (finding["rule"] != rule_exposed_parties) continue;
    for (const json& party : finding["parties"]) {
      EXPECT_NE(party["party"], "evil.example") << reply.dump();
      EXPECT_NE(party["party"], "corp.example") << reply.dump();
    }
  }
  // The encoded-word name carrying '@' stays a name: x@corp.example is a colleague, still in Cc,
  // and its display re-parses to x@corp.example.
  ASSERT_EQ(result["rewrite"]["cc"].size(), 1U) << reply.dump();
  // A whole pill comes back by its index in [...to, ...cc]: the Cc entry is index 4.
  ASSERT_EQ(result["rewrite"]["cc"][0], 4) << reply.dump();
  const std::vector<Mailbox> cc =
      parse_address_list(request["draft"]["cc"][0].get<std::string>()).mailboxes();
  ASSERT_EQ(cc.size(), 1U);
  EXPECT_EQ(cc[0].address(), "x@corp.example");
  EXPECT_EQ(cc[0].name, "a@evil.example");
}

}  // namespace
}  // namespace bccshield
