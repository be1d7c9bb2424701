#include "bccshield/policy.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "bccshield/domain.hpp"
#include "bccshield/recipient_set.hpp"

namespace bccshield {
namespace {

using nlohmann::json;

// The audit log's keys (docs/ADMIN.md), kept apart so that the list of the other keys stays as it
// was.
constexpr std::array kAuditKeys = {"auditAllowedRecipients", "auditRetentionDays"};
constexpr int kMaxAuditRetentionDays = 3650;
constexpr std::array kRuleIds = {rule_exposed_parties, rule_reply_exposure, rule_large_alias,
                                 rule_unparsable_recipient};
constexpr std::array kTopLevelKeys = {"version",
                                      "internalDomains",
                                      "minExposedParties",
                                      "consumerDomains",
                                      "largeAudienceAddresses",
                                      "rules",
                                      "rewriteStrategy",
                                      "serial",
                                      "notAfter"};
constexpr int kMinExposedPartiesLimit = 2;
constexpr int kMaxExposedPartiesLimit = 100000;
constexpr int kMaxAudience = 10000000;
constexpr std::int64_t kMaxSerial = 9007199254740991;  // 2^53 - 1: exact in every JSON reader

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil): the core
// has no clock and no time zone, only arithmetic.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}
// Large mailings (issue 14): per-message limits, one copy per person, the bulk tool; their keys
// kept apart too.
constexpr std::array kLargeMailingKeys = {
    "maxRecipientsPerMessage", "maxRecipientsPerMessageBySender", "individualMax", "bulkChannel"};
constexpr int kMaxRecipientsPerMessageLimit = 100000;
constexpr int kMaxIndividual = 1000;
constexpr std::size_t kMaxBulkNameBytes = 100;
constexpr std::size_t kMaxBulkUrlBytes = 2000;

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0U : 1U)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// A typo must never silently switch a rule off: name the nearest known key.
template <typename Keys>
[[noreturn]] void unknown_key(const std::string& pointer, const std::string& key,
                              const Keys& known) {
  std::string problem = "unknown key \"" + key + "\"";
  std::string_view best;
  std::size_t best_distance = 4;
  for (std::string_view candidate : known) {
    const std::size_t d = edit_distance(key, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  if (!best.empty()) problem += " (did you mean \"" + std::string(best) + "\"?)";
  throw PolicyError(pointer + "/" + key, problem);
}

const char* type_name(const json& value) { return value.type_name(); }

std::string require_string(const json& value, const std::string& pointer) {
  if (!value.is_string()) {
    throw PolicyError(pointer, std::string("must be a string, not ") + type_name(value));
  }
  return value.get<std::string>();
}

int require_int(const json& value, const std::string& pointer, int low, int high) {
  if (!value.is_number_integer()) {
    throw PolicyError(pointer, std::string("must be an integer, not ") + type_name(value));
  }
  const auto number = value.get<long long>();
  if (number < low || number > high) {
    throw PolicyError(pointer, "must be between " + std::to_string(low) + " and " +
                                   std::to_string(high) + ", not " + std::to_string(number));
  }
  return static_cast<int>(number);
}

std::string require_domain(const json& value, const std::string& pointer) {
  const std::string text = require_string(value, pointer);
  auto normalized = normalize_domain(text);
  if (!normalized || normalized->find('.') == std::string::npos) {
    throw PolicyError(pointer, "\"" + text + "\" is not a valid domain name");
  }
  return *normalized;
}

std::vector<std::string> domain_list(const json& value, const std::string& pointer) {
  if (!value.is_array()) {
    throw PolicyError(pointer,
                      std::string("must be an array of domain names, not ") + type_name(value));
  }
  std::vector<std::string> domains;
  domains.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    domains.push_back(require_domain(value[i], pointer + "/" + std::to_string(i)));
  }
  return domains;
}

Action parse_action(const json& value, const std::string& pointer) {
  const std::string text = require_string(value, pointer);
  for (Action action :
       {Action::Allow, Action::Warn, Action::Justify, Action::Convert, Action::Block}) {
    if (text == to_string(action)) return action;
  }
  throw PolicyError(pointer, "\"" + text + "\" is not one of allow, warn, justify, convert, block");
}

RewriteStrategy parse_strategy(const json& value, const std::string& pointer) {
  const std::string text = require_string(value, pointer);
  for (auto strategy : {RewriteStrategy::Self, RewriteStrategy::Undisclosed,
                        RewriteStrategy::KeepInternal, RewriteStrategy::Individual}) {
    if (text == to_string(strategy)) return strategy;
  }
  throw PolicyError(pointer,
                    "\"" + text + "\" is not one of self, undisclosed, keep-internal, individual");
}

std::string normalize_address_key(const std::string& address, const std::string& pointer) {
  const auto at = address.rfind('@');
  if (at == std::string::npos || at == 0) {
    throw PolicyError(pointer, "\"" + address + "\" is not an e-mail address");
  }
  const auto domain = normalize_domain(std::string_view(address).substr(at + 1));
  if (!domain) throw PolicyError(pointer, "\"" + address + "\" has an invalid domain");
  // Compared with recipients by the same key, case-folded as theirs.
  return recipient_key(std::string_view(address).substr(0, at), *domain);
}

void read_rules(const json& value, Policy& policy) {
  if (!value.is_object())
    throw PolicyError("/rules", std::string("must be an object, not ") + type_name(value));
  for (const auto& [rule, settings] : value.items()) {
    const std::string pointer = "/rules/" + rule;
    const std::string_view rule_id =
        rule;  // clang 14 (fuzz preset) cannot capture a structured binding
    if (std::find_if(kRuleIds.begin(), kRuleIds.end(),
                     [&](const char* id) { return rule_id == id; }) == kRuleIds.end()) {
      unknown_key("/rules", rule, kRuleIds);
    }
    if (!settings.is_object())
      throw PolicyError(pointer, std::string("must be an object, not ") + type_name(settings));
    for (const auto& [key, field] : settings.items()) {
      if (key != "action") unknown_key(pointer, key, std::array{"action"});
      policy.rules[rule].action = parse_action(field, pointer + "/action");
    }
  }
}

// Large mailings (issue 14). The popup shows the name and the browser opens the URL: no
// control characters (a line break cannot forge a second popup line), and only a web link.
bool has_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
  });
}

BulkChannel read_bulk_channel(const json& value, const std::string& pointer) {
  if (!value.is_object())
    throw PolicyError(pointer, std::string("must be an object, not ") + type_name(value));
  constexpr std::array kKeys = {"name", "url", "minRecipients"};
  BulkChannel channel;
  for (const auto& [key, field] : value.items()) {
    const std::string at = pointer + "/" + key;
    if (key == "name") {
      channel.name = require_string(field, at);
      if (channel.name.empty() || channel.name.size() > kMaxBulkNameBytes ||
          has_control(channel.name))
        throw PolicyError(at, "must be 1 to 100 bytes of text without control characters");
    } else if (key == "url") {
      channel.url = require_string(field, at);
      const bool web =
          channel.url.rfind("https://", 0) == 0 || channel.url.rfind("http://", 0) == 0;
      if (!web || channel.url.size() > kMaxBulkUrlBytes || has_control(channel.url) ||
          channel.url.find(' ') != std::string::npos)
        throw PolicyError(at, "must be an http:// or https:// address without spaces");
    } else if (key == "minRecipients") {
      channel.min_recipients = require_int(field, at, 2, kMaxAudience);
    } else {
      unknown_key(pointer, key, kKeys);
    }
  }
  for (const char* key : kKeys) {
    if (!value.contains(key)) throw PolicyError(pointer + "/" + key, "is missing");
  }
  return channel;
}

void read_sender_limits(const json& value, const std::string& pointer, Policy& policy) {
  if (!value.is_object()) {
    throw PolicyError(pointer, std::string("must be an object mapping sending addresses or "
                                           "domains to limits, not ") +
                                   type_name(value));
  }
  for (const auto& [sender, limit] : value.items()) {
    const std::string entry = pointer + "/" + sender;
    const std::string key = sender.find('@') != std::string::npos
                                ? normalize_address_key(sender, entry)
                                : require_domain(json(sender), entry);
    policy.max_recipients_by_sender[key] =
        require_int(limit, entry, 1, kMaxRecipientsPerMessageLimit);
  }
}

}  // namespace

PolicyError::PolicyError(std::string field, const std::string& problem)
    : std::runtime_error(field.empty() ? problem : field + ": " + problem),
      field_(std::move(field)) {}

const char* to_string(Action action) {
  switch (action) {
    case Action::Allow:
      return "allow";
    case Action::Warn:
      return "warn";
    case Action::Justify:
      return "justify";
    case Action::Convert:
      return "convert";
    case Action::Block:
      return "block";
  }
  return "warn";
}

const char* to_string(RewriteStrategy strategy) {
  switch (strategy) {
    case RewriteStrategy::Self:
      return "self";
    case RewriteStrategy::Undisclosed:
      return "undisclosed";
    case RewriteStrategy::KeepInternal:
      return "keep-internal";
    case RewriteStrategy::Individual:
      return "individual";
  }
  return "self";
}

Policy Policy::defaults() {
  Policy policy;
  for (const char* rule : kRuleIds) policy.rules[rule] = RuleSettings{};
  return policy;
}

Policy Policy::strict() {
  Policy policy = defaults();
  for (auto& [rule, settings] : policy.rules) settings.action = Action::Block;
  return policy;
}

Action strictest_action(const Policy& policy) {
  Action strictest = Action::Allow;
  for (const auto& [rule, settings] : policy.rules)
    strictest = std::max(strictest, settings.action);
  return strictest;
}

std::optional<std::int64_t> parse_utc_timestamp(std::string_view text) {
  // Exactly YYYY-MM-DDTHH:MM:SSZ: one spelling, so a policy means the same to every reader.
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:ddZ";
  if (text.size() != kShape.size()) return std::nullopt;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (kShape[i] == 'd' ? !digit : text[i] != kShape[i]) return std::nullopt;
  }
  const auto number = [&](std::size_t at, std::size_t length) {
    unsigned value = 0;
    for (std::size_t i = at; i < at + length; ++i)
      value = value * 10 + static_cast<unsigned>(text[i] - '0');
    return value;
  };
  const unsigned year = number(0, 4);
  const unsigned month = number(5, 2);
  const unsigned day = number(8, 2);
  const unsigned hour = number(11, 2);
  const unsigned minute = number(14, 2);
  const unsigned second = number(17, 2);
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 ||
      day > kDays.at(month - 1) + (month == 2 && leap ? 1 : 0) || hour > 23 || minute > 59 ||
      second > 59) {
    return std::nullopt;
  }
  return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

Policy policy_from_json(const json& document) {
  if (!document.is_object()) {
    throw PolicyError("",
                      std::string("the policy must be a JSON object, not ") + type_name(document));
  }
  Policy policy = Policy::defaults();
  for (const auto& [key, value] : document.items()) {
    const std::string pointer = "/" + key;
    if (key == "version") {
      require_int(value, pointer, 1, 1);
    } else if (key == "serial") {
      if (!value.is_number_integer() || value.get<long long>() < 1 ||
          value.get<long long>() > kMaxSerial) {
        throw PolicyError(pointer,
                          "must be an integer between 1 and " + std::to_string(kMaxSerial));
      }
      policy.serial = value.get<std::int64_t>();
    } else if (key == "notAfter") {
      const std::string text = require_string(value, pointer);
      policy.not_after_s = parse_utc_timestamp(text);
      if (!policy.not_after_s) {
        throw PolicyError(pointer, "\"" + text +
                                       "\" is not an ISO-8601 UTC time such as "
                                       "2027-01-31T23:59:59Z");
      }
      policy.not_after = text;
    } else if (key == "internalDomains") {
      policy.internal_domains = domain_list(value, pointer);
    } else if (key == "minExposedParties") {
      policy.min_exposed_parties =
          require_int(value, pointer, kMinExposedPartiesLimit, kMaxExposedPartiesLimit);
    } else if (key == "consumerDomains") {
      policy.extra_consumer_domains = domain_list(value, pointer);
    } else if (key == "largeAudienceAddresses") {
      if (!value.is_object()) {
        throw PolicyError(
            pointer, std::string("must be an object mapping addresses to audience sizes, not ") +
                         type_name(value));
      }
      for (const auto& [address, size] : value.items()) {
        const std::string entry = pointer + "/" + address;
        policy.large_audience_addresses[normalize_address_key(address, entry)] =
            require_int(size, entry, 2, kMaxAudience);
      }
    } else if (key == "rules") {
      read_rules(value, policy);
    } else if (key == "rewriteStrategy") {
      policy.rewrite_strategy = parse_strategy(value, pointer);
    } else if (key == "auditAllowedRecipients") {
      if (!value.is_boolean())
        throw PolicyError(pointer, std::string("must be true or false, not ") + type_name(value));
      policy.audit_allowed_recipients = value.get<bool>();
    } else if (key == "auditRetentionDays") {
      policy.audit_retention_days = require_int(value, pointer, 1, kMaxAuditRetentionDays);
    } else if (key == "maxRecipientsPerMessage") {
      policy.max_recipients_per_message =
          require_int(value, pointer, 1, kMaxRecipientsPerMessageLimit);
    } else if (key == "maxRecipientsPerMessageBySender") {
      read_sender_limits(value, pointer, policy);
    } else if (key == "individualMax") {
      policy.individual_max = require_int(value, pointer, 1, kMaxIndividual);
    } else if (key == "bulkChannel") {
      policy.bulk_channel = read_bulk_channel(value, pointer);
    } else {
      std::vector<std::string_view> known(kTopLevelKeys.begin(), kTopLevelKeys.end());
      known.insert(known.end(), kAuditKeys.begin(), kAuditKeys.end());  // hints for them too
      known.insert(known.end(), kLargeMailingKeys.begin(), kLargeMailingKeys.end());
      unknown_key("", key, known);
    }
  }
  return policy;
}

Policy policy_from_text(std::string_view text) {
  json document;
  try {
    document = json::parse(text);
  } catch (const json::exception& error) {  // parse_error, and out_of_range for numbers like 1e309
    throw PolicyError("", std::string("not valid JSON: ") + error.what());
  }
  return policy_from_json(document);
}

int Policy::recipient_limit_for(std::string_view sender_key) const {
  if (!max_recipients_by_sender.empty()) {
    if (const auto it = max_recipients_by_sender.find(sender_key);
        it != max_recipients_by_sender.end())
      return it->second;
    const auto at = sender_key.rfind('@');
    std::string_view domain =
        at == std::string_view::npos ? std::string_view() : sender_key.substr(at + 1);
    while (!domain.empty()) {  // the domain, then each parent on a label boundary
      if (const auto it = max_recipients_by_sender.find(domain);
          it != max_recipients_by_sender.end())
        return it->second;
      const auto dot = domain.find('.');
      domain = dot == std::string_view::npos ? std::string_view() : domain.substr(dot + 1);
    }
  }
  return max_recipients_per_message;
}

json policy_to_json(const Policy& policy) {
  json rules = json::object();
  for (const auto& [rule, settings] : policy.rules)
    rules[rule] = {{"action", to_string(settings.action)}};
  json large_mailings = {{"individualMax", policy.individual_max}};
  if (policy.max_recipients_per_message > 0)
    large_mailings["maxRecipientsPerMessage"] = policy.max_recipients_per_message;
  if (!policy.max_recipients_by_sender.empty())
    large_mailings["maxRecipientsPerMessageBySender"] = policy.max_recipients_by_sender;
  if (policy.bulk_channel) {
    large_mailings["bulkChannel"] = {{"name", policy.bulk_channel->name},
                                     {"url", policy.bulk_channel->url},
                                     {"minRecipients", policy.bulk_channel->min_recipients}};
  }
  json out = {{"version", 1},
              {"internalDomains", policy.internal_domains},
              {"minExposedParties", policy.min_exposed_parties},
              {"consumerDomains", policy.extra_consumer_domains},
              {"largeAudienceAddresses", policy.large_audience_addresses},
              {"rules", rules},
              {"rewriteStrategy", to_string(policy.rewrite_strategy)}};
  if (policy.serial) out["serial"] = *policy.serial;
  if (policy.not_after) out["notAfter"] = *policy.not_after;
  out.update(large_mailings);
  return out;
}

}  // namespace bccshield
