#pragma once
// Finds, reads and (when a key is installed) verifies the policy file. The edge of policy.hpp.

#include <filesystem>
#include <optional>

#include "bccshield/policy.hpp"
#include "bccshield/protocol.hpp"

namespace bccshield {

struct PolicyLocation {
  std::filesystem::path file;        // the policy JSON
  std::filesystem::path public_key;  // when this file exists, only a signed policy is accepted
  bool required = false;             // true when named explicitly: a missing file is an error
};

// --policy FILE, else $BCCSHIELD_POLICY, else /etc/bccshield/policy.json (optional).
// The key: $BCCSHIELD_POLICY_KEY, else /etc/bccshield/policy.pub.
PolicyLocation policy_location(const std::optional<std::filesystem::path>& explicit_file);

struct LoadedPolicy {
  Policy policy = Policy::defaults();
  PolicyStatus status;
};

// Never throws: a refused policy yields the built-in defaults and a status saying why.
LoadedPolicy load_policy(const PolicyLocation& location);

}  // namespace bccshield
