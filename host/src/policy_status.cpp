#include "bccshield/policy_status.hpp"

#include <nlohmann/json.hpp>

namespace bccshield {

PolicyStatus PolicyStatus::refused(std::string file, ErrorCode code, std::string message,
                                   std::string field, PolicyState state) {
  PolicyStatus status;
  status.state = state;
  status.source = file;
  status.error = PolicyRefusal{code, std::move(message), std::move(file), std::move(field)};
  return status;
}

const char* to_string(PolicyState state) {
  switch (state) {
    case PolicyState::Ok:
      return "ok";
    case PolicyState::Default:
      return "default";
    case PolicyState::Error:
      return "error";
    case PolicyState::Strict:
      return "strict";
  }
  return "error";
}

const char* wire_strictness(Action action) {
  switch (action) {
    case Action::Allow:
      return "allow";
    case Action::Block:
      return "block";
    case Action::Warn:
    case Action::Justify:
    case Action::Convert:
      return "warn";
  }
  return "block";
}

nlohmann::json to_json(const PolicyStatus& status) {
  nlohmann::json out = {
      {"status", to_string(status.state)},
      {"source", status.source},
      {"signed", status.signature_verified},
      {"keyId", status.key_id ? nlohmann::json(*status.key_id) : nullptr},
      {"serial", status.serial ? nlohmann::json(*status.serial) : nullptr},
      {"notAfter", status.not_after ? nlohmann::json(*status.not_after) : nullptr}};
  if (status.error) {
    out["error"] = {{"code", static_cast<int>(status.error->code)},
                    {"name", error_name(status.error->code)},
                    {"message", status.error->message},
                    {"file", status.error->file}};
    if (!status.error->field.empty()) out["error"]["field"] = status.error->field;
  }
  return out;
}

nlohmann::json to_json(const PolicyStatus& status, const Policy& in_force) {
  nlohmann::json out = to_json(status);
  out["strictestAction"] = wire_strictness(strictest_action(in_force));
  return out;
}

}  // namespace bccshield
