#pragma once
// The organisation's policy: what counts as internal, the thresholds, what each rule does.

#include <cstdint>
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
  // The audit log (docs/ADMIN.md): recipient hashes of allowed checks only when asked (counts
  // otherwise), and how long the rotated logs are kept.
  bool audit_allowed_recipients = false;
  int audit_retention_days = 365;
  std::map<std::string, RuleSettings, std::less<>> rules;  // every rule id present after loading
  RewriteStrategy rewrite_strategy = RewriteStrategy::Self;
  // Signed-policy freshness (docs/ADMIN.md): the edge refuses a serial below the highest one an
  // admin installed, and a policy whose notAfter has passed.
  std::optional<std::int64_t> serial;       // >= 1
  std::optional<std::string> not_after;     // "2027-01-31T23:59:59Z", as written
  std::optional<std::int64_t> not_after_s;  // the same instant, seconds since 1970 (UTC)
  // The provider's limit of envelope recipients per message; 0 = none. Convert splits above it.
  int max_recipients_per_message = 0;
  // Per sending address or domain (normalised), overriding the limit above.
  std::map<std::string, int, std::less<>> max_recipients_by_sender;
  int individual_max = 50;  // `individual` above this many recipients falls back to `self`
  std::optional<BulkChannel> bulk_channel;

  // The limit that applies to this sender's key (local@domain): address, domain, parent domain.
  [[nodiscard]] int recipient_limit_for(std::string_view sender_key) const;

  static Policy defaults();
  // What applies when a key is installed but the policy cannot be trusted: the defaults with
  // every rule's action `block` (DESIGN: failure semantics).
  static Policy strict();
};

// The strictest action any rule of `policy` can produce.
Action strictest_action(const Policy& policy);

// "YYYY-MM-DDTHH:MM:SSZ" (ISO-8601, UTC, no fraction) as seconds since 1970; nullopt otherwise.
std::optional<std::int64_t> parse_utc_timestamp(std::string_view text);

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
