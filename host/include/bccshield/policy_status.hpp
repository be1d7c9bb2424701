#pragma once
// Which policy the engine applies and why (every reply's `policy`, PROTOCOL.md).

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "bccshield/policy.hpp"
#include "bccshield/protocol_error.hpp"

namespace bccshield {

enum class PolicyState {
  Ok,       // the configured policy is in force
  Default,  // no policy configured: the built-in defaults
  Error,    // a policy exists but was refused (see PolicyRefusal): the built-in defaults
  Strict,   // a key is installed (or the policy asked for freshness) and the policy cannot be
            // trusted: every rule blocks (Policy::strict())
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
  std::optional<std::string> key_id;     // the installed key that verified the signature
  std::optional<std::int64_t> serial;    // the policy's serial, when it has one
  std::optional<std::string> not_after;  // the policy's notAfter, when it has one
  std::optional<PolicyRefusal> error;    // set when state is Error or Strict

  // A refused policy: the built-in defaults apply (`state` Error), or the strict state.
  static PolicyStatus refused(std::string file, ErrorCode code, std::string message,
                              std::string field = {}, PolicyState state = PolicyState::Error);
};

const char* to_string(PolicyState state);
// The wire's strictness of an action: "block" when nothing can be sent as is, "allow" when
// every draft goes through, else "warn" (warn, justify and convert let the user send).
const char* wire_strictness(Action action);
class JsonWriter;
// The reply's `policy` (PROTOCOL.md); with `in_force`, its strictestAction too.
void write_json(JsonWriter& out, const PolicyStatus& status, const Policy* in_force);
nlohmann::json to_json(const PolicyStatus& status);
// Every reply's `policy`: the status and the strictest action of `in_force` (PROTOCOL.md).
nlohmann::json to_json(const PolicyStatus& status, const Policy& in_force);

}  // namespace bccshield
