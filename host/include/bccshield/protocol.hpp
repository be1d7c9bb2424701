#pragma once
// One request in, one reply out (PROTOCOL.md). Pure: effects are injected by the edge.

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "bccshield/identity.hpp"  // max_reply_bytes
#include "bccshield/policy.hpp"

namespace bccshield {

struct PolicyStatus {
  std::string status = "default";  // ok | default | error
  std::string source = "built-in";
  bool signature_verified = false;
  nlohmann::json error;  // null, or {code, message, file}
  [[nodiscard]] nlohmann::json to_json() const;
};

struct HostContext {
  Policy policy = Policy::defaults();
  PolicyStatus policy_status;
  std::function<std::string()> new_check_id;               // unique id for a check
  std::function<void(const nlohmann::json& event)> audit;  // may be empty
};

// Handles one message body (UTF-8 JSON) and returns the reply body, never over max_reply_bytes.
std::string handle_message(std::string_view body, HostContext& context);

// An error reply for failures found before a body could be read (framing).
std::string error_reply(const HostContext& context, int code, const std::string& message,
                        const nlohmann::json& params = nlohmann::json::object());

}  // namespace bccshield
