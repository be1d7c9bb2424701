#include "bccshield/protocol.hpp"

#include <array>

#include "bccshield/draft.hpp"
#include "bccshield/evaluate.hpp"
#include "bccshield/identity.hpp"
#include "bccshield/protocol_error.hpp"

namespace bccshield {
namespace {

using nlohmann::json;

constexpr std::array kChoices = {"convert",      "send-anyway",     "cancel",
                                 "auto-convert", "host-error-send", "host-error-cancel"};
constexpr std::size_t kMaxReasonBytes = 2000;

json optional_string(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}

json envelope(const HostContext& context, const json& id) {
  const HostIdentity& host = context.host;
  json reply = {{"protocolVersion", protocol_version},
                {"hostVersion", host_version},
                {"policy", to_json(context.policy_status, context.policy)},
                {"host",
                 {{"path", optional_string(host.path)},
                  {"manifest", optional_string(host.manifest)},
                  {"systemHost", host.system_host},
                  {"systemManifest", host.system_manifest},
                  {"overridden", host.overridden}}}};
  if (!id.is_null()) reply["id"] = id;
  return reply;
}

std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string error_body(const HostContext& context, const json& id, ErrorCode code,
                       const std::string& message, const json& params) {
  json reply = envelope(context, id);
  reply["error"] = {{"code", static_cast<int>(code)},
                    {"name", error_name(code)},
                    {"message", message},
                    {"params", params}};
  return dump(reply);
}

std::string require_string(const json& request, const char* key) {
  const auto it = request.find(key);
  if (it == request.end() || !it->is_string()) {
    throw ProtocolError(ErrorCode::InvalidField, std::string(key) + " must be a string",
                        {{"field", key}});
  }
  return it->get<std::string>();
}

std::string client_of(const json& request) {
  const auto client = request.find("client");
  return client != request.end() && client->is_string() ? client->get<std::string>() : "";
}

json handle_check(const json& request, HostContext& context) {
  const auto draft_it = request.find("draft");
  if (draft_it == request.end())
    throw ProtocolError(ErrorCode::InvalidField, "draft is missing", {{"field", "draft"}});
  const Draft draft = draft_from_json(*draft_it);
  const Verdict verdict =
      evaluate(draft, context.policy, EvaluateOptions{.with_keys = context.audit != nullptr});
  json result = to_json(verdict);
  const std::string check_id = context.new_check_id ? context.new_check_id() : std::string("check");
  result["checkId"] = check_id;
  if (context.audit != nullptr) {
    std::string client = client_of(request);
    if (client.empty()) client = "unknown";
    context.audit->check({check_id, client, draft.type, verdict, context.policy_status,
                          context.host.system_host, context.host.system_manifest,
                          context.host.overridden});
  }
  return result;
}

json handle_report(const json& request, HostContext& context) {
  const std::string check_id = require_string(request, "checkId");
  const std::string choice = require_string(request, "choice");
  bool known = false;
  for (const char* candidate : kChoices) known = known || choice == candidate;
  if (!known) {
    throw ProtocolError(ErrorCode::InvalidField,
                        "choice must be one of convert, send-anyway, cancel, auto-convert, "
                        "host-error-send, host-error-cancel",
                        {{"field", "choice"}});
  }
  std::string reason;
  if (request.contains("reason") && !request["reason"].is_null())
    reason = require_string(request, "reason");
  if (reason.size() > kMaxReasonBytes) reason.resize(kMaxReasonBytes);
  if (context.audit != nullptr)
    context.audit->report({check_id, choice, reason, client_of(request)});
  return {{"recorded", true}};
}

}  // namespace

std::string error_reply(const HostContext& context, int code, const std::string& message,
                        const json& params) {
  return error_body(context, nullptr, static_cast<ErrorCode>(code), message, params);
}

std::string handle_message(std::string_view body, HostContext& context) {
  json request;
  try {
    request = json::parse(body);
  } catch (const json::parse_error& error) {
    return error_body(context, nullptr, ErrorCode::InvalidJson,
                      std::string("the message is not valid JSON: ") + error.what(),
                      {{"offset", error.byte}});
  } catch (const json::exception& error) {
    // Not a parse_error: out_of_range 406, a number such as 1e309 that no double holds.
    return error_body(context, nullptr, ErrorCode::InvalidJson,
                      std::string("the message is not valid JSON: ") + error.what(),
                      json::object());
  }
  if (!request.is_object()) {
    return error_body(context, nullptr, ErrorCode::NotAnObject, "the message must be a JSON object",
                      json::object());
  }
  json id = request.value("id", json());
  if (!id.is_null() && !id.is_string() && !id.is_number()) id = nullptr;
  try {
    // One version at a time (the extension and the host ship together): a request without
    // protocolVersion is of version 1, whose replies carried recipients as strings.
    const auto version = request.find("protocolVersion");
    if (version != request.end() && !version->is_number_integer()) {
      throw ProtocolError(ErrorCode::InvalidField, "protocolVersion must be an integer",
                          {{"field", "protocolVersion"}});
    }
    const json requested = version == request.end() ? json(1) : *version;
    if (requested.get<long long>() != protocol_version) {
      throw ProtocolError(ErrorCode::UnsupportedProtocol,
                          "this host speaks protocol version " + std::to_string(protocol_version) +
                              " only: update the extension and the host together",
                          {{"requested", requested}, {"supported", protocol_version}});
    }
    const auto type_it = request.find("type");
    const std::string type =
        type_it != request.end() && type_it->is_string() ? type_it->get<std::string>() : "";
    json reply = envelope(context, id);
    if (type == "hello") {
      reply["result"] = {{"hostVersion", host_version},
                         {"protocolVersion", protocol_version},
                         {"hostName", host_name}};
    } else if (type == "check") {
      reply["result"] = handle_check(request, context);
    } else if (type == "report") {
      reply["result"] = handle_report(request, context);
    } else {
      throw ProtocolError(ErrorCode::UnknownType, "type must be one of hello, check, report",
                          {{"type", type_it == request.end() ? json() : *type_it}});
    }
    std::string text = dump(reply);
    if (text.size() > max_reply_bytes) {
      const json& result = reply["result"];
      return error_body(
          context, id, ErrorCode::ReplyTooLarge, "the reply would exceed Thunderbird's 1 MiB limit",
          {{"bytes", text.size()},
           {"limit", max_reply_bytes},
           {"decision", result.value("decision", "")},
           {"visibleRecipients",
            result.contains("summary") ? result["summary"]["visibleRecipients"] : json()}});
    }
    return text;
  } catch (const ProtocolError& error) {
    return error_body(context, id, error.code(), error.what(), error.params());
  } catch (const std::exception& error) {
    return error_body(context, id, ErrorCode::InternalError, error.what(), json::object());
  }
}

}  // namespace bccshield
