#include "bccshield/policy.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace bccshield {
namespace {

std::string error_of(const std::string& text) {
  try {
    policy_from_text(text);
  } catch (const PolicyError& error) {
    return error.what();
  }
  return "no error";
}

TEST(Policy, DefaultsMatchTheDesign) {
  const Policy policy = Policy::defaults();
  EXPECT_EQ(policy.min_exposed_parties, 8);
  EXPECT_EQ(policy.rewrite_strategy, RewriteStrategy::Self);
  for (const char* rule :
       {rule_exposed_parties, rule_reply_exposure, rule_large_alias, rule_unparsable_recipient}) {
    ASSERT_EQ(policy.rules.count(rule), 1U) << rule;
    EXPECT_EQ(policy.rules.at(rule).action, Action::Warn) << rule;
  }
}

TEST(Policy, EmptyObjectIsTheDefaults) {
  EXPECT_EQ(policy_to_json(policy_from_text("{}")), policy_to_json(Policy::defaults()));
}

TEST(Policy, ReadsEveryKey) {
  const Policy policy = policy_from_text(R"({
    "version": 1,
    "internalDomains": ["Corp.Example", "bücher.example"],
    "minExposedParties": 12,
    "consumerDomains": ["isp.example"],
    "largeAudienceAddresses": {"Parents@School.EXAMPLE": 400},
    "rules": {"exposed-parties": {"action": "block"}, "reply-exposure": {"action": "justify"},
              "large-alias": {"action": "convert"}, "unparsable-recipient": {"action": "allow"}},
    "rewriteStrategy": "keep-internal"})");
  EXPECT_EQ(policy.internal_domains,
            (std::vector<std::string>{"corp.example", "xn--bcher-kva.example"}));
  EXPECT_EQ(policy.min_exposed_parties, 12);
  EXPECT_EQ(policy.extra_consumer_domains, std::vector<std::string>{"isp.example"});
  // The recipient key: local part case-folded like every recipient's (issue 13, item 6).
  EXPECT_EQ(policy.large_audience_addresses.at("parents@school.example"), 400);
  EXPECT_EQ(policy.rules.at("exposed-parties").action, Action::Block);
  EXPECT_EQ(policy.rules.at("reply-exposure").action, Action::Justify);
  EXPECT_EQ(policy.rules.at("large-alias").action, Action::Convert);
  EXPECT_EQ(policy.rules.at("unparsable-recipient").action, Action::Allow);
  EXPECT_EQ(policy.rewrite_strategy, RewriteStrategy::KeepInternal);
}

TEST(Policy, UnknownKeyIsNamedWithASuggestion) {
  EXPECT_EQ(
      error_of(R"({"minExposedParty": 3})"),
      "/minExposedParty: unknown key \"minExposedParty\" (did you mean \"minExposedParties\"?)");
  EXPECT_EQ(
      error_of(R"({"rules": {"exposed-partys": {"action": "warn"}}})"),
      "/rules/exposed-partys: unknown key \"exposed-partys\" (did you mean \"exposed-parties\"?)");
  EXPECT_EQ(error_of(R"({"rules": {"large-alias": {"acton": "warn"}}})"),
            "/rules/large-alias/acton: unknown key \"acton\" (did you mean \"action\"?)");
}

TEST(Policy, WrongTypesAreNamed) {
  EXPECT_EQ(error_of(R"({"minExposedParties": "8"})"),
            "/minExposedParties: must be an integer, not string");
  EXPECT_EQ(error_of(R"({"internalDomains": "corp.example"})"),
            "/internalDomains: must be an array of domain names, not string");
  EXPECT_EQ(error_of(R"({"internalDomains": ["corp.example", 3]})"),
            "/internalDomains/1: must be a string, not number");
  EXPECT_EQ(error_of(R"([])"), "the policy must be a JSON object, not array");
}

TEST(Policy, OutOfRangeValuesAreNamed) {
  EXPECT_EQ(error_of(R"({"minExposedParties": 0})"),
            "/minExposedParties: must be between 2 and 100000, not 0");
  EXPECT_EQ(error_of(R"({"version": 2})"), "/version: must be between 1 and 1, not 2");
  EXPECT_EQ(
      error_of(R"({"rules": {"large-alias": {"action": "shout"}}})"),
      "/rules/large-alias/action: \"shout\" is not one of allow, warn, justify, convert, block");
  EXPECT_EQ(error_of(R"({"rewriteStrategy": "all-bcc"})"),
            "/rewriteStrategy: \"all-bcc\" is not one of self, undisclosed, keep-internal, "
            "individual");
  EXPECT_EQ(error_of(R"({"internalDomains": ["localhost"]})"),
            "/internalDomains/0: \"localhost\" is not a valid domain name");
  EXPECT_EQ(error_of(R"({"largeAudienceAddresses": {"everyone": 50}})"),
            "/largeAudienceAddresses/everyone: \"everyone\" is not an e-mail address");
  EXPECT_EQ(error_of(R"({"largeAudienceAddresses": {"all@corp.example": 1}})"),
            "/largeAudienceAddresses/all@corp.example: must be between 2 and 10000000, not 1");
}

TEST(Policy, InvalidJsonIsReported) {
  EXPECT_NE(error_of("{\"minExposedParties\": 8,}").find("not valid JSON"), std::string::npos);
}

TEST(Policy, ReadsSerialAndNotAfter) {
  const Policy policy = policy_from_text(R"({"serial": 42, "notAfter": "2027-01-31T23:59:59Z"})");
  EXPECT_EQ(policy.serial, 42);
  EXPECT_EQ(policy.not_after, "2027-01-31T23:59:59Z");
  EXPECT_EQ(policy.not_after_s, 1801439999);  // date -u -d 2027-01-31T23:59:59Z +%s
  const nlohmann::json back = policy_to_json(policy);
  EXPECT_EQ(back["serial"], 42);
  EXPECT_EQ(back["notAfter"], "2027-01-31T23:59:59Z");
  EXPECT_FALSE(policy_from_text("{}").serial.has_value());
  EXPECT_FALSE(policy_to_json(policy_from_text("{}")).contains("serial"));
}

TEST(Policy, RefusesABadSerialOrNotAfter) {
  EXPECT_NE(error_of(R"({"serial": 0})").find("/serial"), std::string::npos);
  EXPECT_NE(error_of(R"({"serial": "3"})").find("/serial"), std::string::npos);
  EXPECT_NE(error_of(R"({"serial": 1.5})").find("/serial"), std::string::npos);
  EXPECT_NE(error_of(R"({"serial": 9007199254740992})").find("/serial"), std::string::npos);
  for (const char* bad : {"2027-01-31", "2027-01-31T23:59:59", "2027-01-31T23:59:59+01:00",
                          "2027-02-29T00:00:00Z", "2027-13-01T00:00:00Z", "2027-01-31T24:00:00Z",
                          "2027-01-31T23:59:59.5Z", "2027-1-31T23:59:59Z"}) {
    EXPECT_NE(error_of(std::string(R"({"notAfter": ")") + bad + "\"}").find("/notAfter"),
              std::string::npos)
        << bad;
  }
}

TEST(Policy, ParsesUtcTimestamps) {
  EXPECT_EQ(parse_utc_timestamp("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_utc_timestamp("2000-02-29T12:00:00Z"), 951825600);
  EXPECT_EQ(parse_utc_timestamp("2100-03-01T00:00:00Z"), 4107542400);  // 2100: not leap
  EXPECT_FALSE(parse_utc_timestamp("2100-02-29T00:00:00Z").has_value());
}

TEST(Policy, StrictBlocksEveryRule) {
  const Policy strict = Policy::strict();
  EXPECT_EQ(strict.rules.size(), Policy::defaults().rules.size());
  for (const auto& [rule, settings] : strict.rules)
    EXPECT_EQ(settings.action, Action::Block) << rule;
  EXPECT_EQ(strictest_action(strict), Action::Block);
}

TEST(Policy, StrictestActionIsTheMaximumOverTheRules) {
  EXPECT_EQ(strictest_action(Policy::defaults()), Action::Warn);
  EXPECT_EQ(
      strictest_action(policy_from_text(
          R"({"rules": {"exposed-parties": {"action": "allow"}, "reply-exposure": {"action": "allow"},
                              "large-alias": {"action": "allow"},
                              "unparsable-recipient": {"action": "allow"}}})")),
      Action::Allow);
  EXPECT_EQ(
      strictest_action(policy_from_text(R"({"rules": {"large-alias": {"action": "convert"}}})")),
      Action::Convert);
}

}  // namespace
}  // namespace bccshield
