#pragma once
// Which policy the engine applies and why (every reply's `policy`, PROTOCOL.md).

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "bccshield/protocol_error.hpp"

namespace bccshield {

enum class PolicyState {
  Ok,       // the configured policy is in force
  Default,  // no policy configured: the built-in defaults
  Error,    // a policy exists but was refused (see PolicyRefusal)
};

struct PolicyRefusal {
  ErrorCode code = ErrorCode::PolicyInvalid;  // 3xx
  std::string message;                        // names the file and the problem, never an address
  std::string file;
  std::string field;  // the JSON pointer of a schema error ("/rules/x/action"), else empty
};

struct PolicyStatus {
  PolicyState state = PolicyState::Default;
  std::string source = "built-in";  // the policy's path, or "built-in"
  bool signature_verified = false;
  std::optional<PolicyRefusal> error;  // set when state == Error

  // A refused policy: the built-in defaults apply.
  static PolicyStatus refused(std::string file, ErrorCode code, std::string message,
                              std::string field = {});
};

const char* to_string(PolicyState state);
nlohmann::json to_json(const PolicyStatus& status);

}  // namespace bccshield
