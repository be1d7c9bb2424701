#include "bccshield/policy_status.hpp"

#include <nlohmann/json.hpp>

namespace bccshield {

PolicyStatus PolicyStatus::refused(std::string file, ErrorCode code, std::string message,
                                   std::string field) {
  PolicyStatus status;
  status.state = PolicyState::Error;
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
  }
  return "error";
}

nlohmann::json to_json(const PolicyStatus& status) {
  nlohmann::json out = {{"status", to_string(status.state)},
                        {"source", status.source},
                        {"signed", status.signature_verified}};
  if (status.error) {
    out["error"] = {{"code", static_cast<int>(status.error->code)},
                    {"name", error_name(status.error->code)},
                    {"message", status.error->message},
                    {"file", status.error->file}};
    if (!status.error->field.empty()) out["error"]["field"] = status.error->field;
  }
  return out;
}

}  // namespace bccshield
