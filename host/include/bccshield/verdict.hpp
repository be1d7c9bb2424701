#pragma once
// The engine's answer for one draft: a decision, the findings behind it, the Convert rewrite.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bccshield/policy.hpp"

namespace bccshield {

struct Finding {
  std::string rule;  // stable rule id (policy.hpp)
  Action action = Action::Warn;
  nlohmann::json data;  // counts, parties, recipients: what the extension turns into sentences
};

struct Rewrite {
  RewriteStrategy strategy = RewriteStrategy::Self;
  std::vector<std::string> to;
  std::vector<std::string> cc;
  std::vector<std::string> bcc;
};

struct Summary {
  int visible_recipients = 0;  // unique addresses in To and Cc
  int internal_recipients = 0;
  int external_recipients = 0;
  int external_parties = 0;
  int hidden_recipients = 0;  // unique addresses only in Bcc
  int unparsable_entries = 0;
};

struct Verdict {
  Action decision = Action::Allow;
  Summary summary;
  std::vector<Finding> findings;
  std::optional<Rewrite> rewrite;  // set for every decision but Allow
};

nlohmann::json to_json(const Verdict& verdict);

}  // namespace bccshield
