#pragma once
// Finds, reads and (when a key is installed) verifies the policy file. The edge of policy.hpp.

#include <ctime>
#include <filesystem>
#include <optional>

#include "bccshield/policy.hpp"
#include "bccshield/protocol.hpp"

namespace bccshield {

struct PolicyLocation {
  std::filesystem::path file;           // the policy JSON
  std::filesystem::path public_key;     // when this file exists, only a signed policy is accepted
  std::filesystem::path serial_record;  // the highest serial an admin installed (policy_serial)
  bool required = false;                // true when named explicitly: a missing file is an error
};

// --policy FILE, else $BCCSHIELD_POLICY, else /etc/bccshield/policy.json (optional).
// The key: $BCCSHIELD_POLICY_KEY, else /etc/bccshield/policy.pub. Serve mode removes the
// variables first unless host.conf allows them (host_config.hpp).
PolicyLocation policy_location(const std::optional<std::filesystem::path>& explicit_file);

struct LoadedPolicy {
  Policy policy = Policy::defaults();
  PolicyStatus status;
};

// Never throws. A refused policy yields the built-in defaults and a status saying why, except:
// with a public key installed, anything but a verified policy yields Policy::strict() (state
// Strict), and so does a policy whose serial is below the recorded one (304) or whose notAfter
// is at or before `now` (305), whatever the key: the admin asked for that freshness.
LoadedPolicy load_policy(const PolicyLocation& location, std::time_t now = std::time(nullptr));

}  // namespace bccshield
