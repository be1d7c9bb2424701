#pragma once
// The organisation's policy: what counts as internal, the thresholds, what each rule does.

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bccshield {

enum class Action { Allow, Warn, Justify, Convert, Block };  // ordered by strictness
// Individual: one copy per recipient, alone in To (PROTOCOL.md, `delivery`).
enum class RewriteStrategy { Self, Undisclosed, KeepInternal, Individual };

inline constexpr const char* rule_exposed_parties = "exposed-parties";
inline constexpr const char* rule_reply_exposure = "reply-exposure";
inline constexpr const char* rule_large_alias = "large-alias";
inline constexpr const char* rule_unparsable_recipient = "unparsable-recipient";

struct RuleSettings {
  Action action = Action::Warn;
};

// Large mailings: the organisation's bulk tool, named in the popup from this audience size.
struct BulkChannel {
  std::string name;
  std::string url;  // http or https only: the extension opens it in the default browser
  int min_recipients = 0;
};

struct Policy {
  std::vector<std::string> internal_domains;  // normalised
  int min_exposed_parties = 8;
  std::vector<std::string> extra_consumer_domains;  // normalised, added to the built-in list
  std::map<std::string, int, std::less<>> large_audience_addresses;  // recipient key -> audience
  std::map<std::string, RuleSettings, std::less<>> rules;  // every rule id present after loading
  RewriteStrategy rewrite_strategy = RewriteStrategy::Self;
  // The provider's limit of envelope recipients per message; 0 = none. Convert splits above it.
  int max_recipients_per_message = 0;
  // Per sending address or domain (normalised), overriding the limit above.
  std::map<std::string, int, std::less<>> max_recipients_by_sender;
  int individual_max = 50;  // `individual` above this many recipients falls back to `self`
  std::optional<BulkChannel> bulk_channel;

  // The limit that applies to this sender's key (local@domain): address, domain, parent domain.
  [[nodiscard]] int recipient_limit_for(std::string_view sender_key) const;

  static Policy defaults();
};

// A policy that breaks the schema. `field` is a JSON pointer ("/rules/exposed-parties/action").
class PolicyError : public std::runtime_error {
 public:
  PolicyError(std::string field, const std::string& problem);
  [[nodiscard]] const std::string& field() const { return field_; }

 private:
  std::string field_;
};

// Strict: unknown keys, wrong types and out-of-range values throw PolicyError.
Policy policy_from_json(const nlohmann::json& document);
// Parses text first; invalid JSON throws PolicyError with field "" and the parser's message.
Policy policy_from_text(std::string_view text);
nlohmann::json policy_to_json(const Policy& policy);

const char* to_string(Action action);
const char* to_string(RewriteStrategy strategy);

}  // namespace bccshield
