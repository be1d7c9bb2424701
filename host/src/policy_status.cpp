#include "bccshield/policy_status.hpp"

#include <nlohmann/json.hpp>

#include "bccshield/json_writer.hpp"

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

void write_json(JsonWriter& out, const PolicyStatus& status, const Policy* in_force) {
  // Keys in byte order (json_writer.hpp).
  out.begin_object();
  if (status.error) {
    out.key("error");
    out.begin_object();
    out.member("code", static_cast<int>(status.error->code));
    if (!status.error->field.empty()) out.member("field", status.error->field);
    out.member("file", status.error->file);
    out.member("message", status.error->message);
    out.member("name", error_name(status.error->code));
    out.end_object();
  }
  out.optional_member("keyId", status.key_id);
  out.optional_member("notAfter", status.not_after);
  out.key("serial");
  if (status.serial) {
    out.number(*status.serial);
  } else {
    out.null();
  }
  out.key("signed");
  out.boolean(status.signature_verified);
  out.member("source", status.source);
  out.member("status", to_string(status.state));
  if (in_force != nullptr)
    out.member("strictestAction", wire_strictness(strictest_action(*in_force)));
  out.end_object();
}

nlohmann::json to_json(const PolicyStatus& status) {
  std::string text;
  JsonWriter out(text);
  write_json(out, status, nullptr);
  return nlohmann::json::parse(text);
}

nlohmann::json to_json(const PolicyStatus& status, const Policy& in_force) {
  std::string text;
  JsonWriter out(text);
  write_json(out, status, &in_force);
  return nlohmann::json::parse(text);
}

}  // namespace bccshield
