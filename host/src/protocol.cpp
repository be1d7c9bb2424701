#include "bccshield/protocol.hpp"

#include <array>
#include <memory>
#include <type_traits>
#include <variant>

#include "bccshield/check_request.hpp"
#include "bccshield/draft.hpp"
#include "bccshield/evaluate.hpp"
#include "bccshield/identity.hpp"
#include "bccshield/json_writer.hpp"
#include "bccshield/protocol_error.hpp"

namespace bccshield {
namespace {

using nlohmann::json;

constexpr std::array kChoices = {"convert",      "send-anyway",     "cancel",
                                 "auto-convert", "host-error-send", "host-error-cancel"};
constexpr std::size_t kMaxReasonBytes = 2000;
constexpr std::array kHostErrorChoices = {"host-error-send", "host-error-cancel",
                                          "host-error-convert"};
constexpr std::array kHostErrorEntryKeys = {"choice", "at", "error", "visibleRecipients"};
constexpr std::size_t kMaxHostErrorEntries = 200;
constexpr std::size_t kMaxHostErrorString = 64;
constexpr long long kMaxCount = 10000000;

// The members every reply carries ("host" .. "protocolVersion", in key order); the caller writes
// "error" before them or "result" after them.
void write_envelope(JsonWriter& out, const HostContext& context, const json& id) {
  const HostIdentity& host = context.host;
  out.key("host");
  out.begin_object();
  out.optional_member("manifest", host.manifest);
  out.key("overridden");
  out.boolean(host.overridden);
  out.optional_member("path", host.path);
  out.key("systemHost");
  out.boolean(host.system_host);
  out.key("systemManifest");
  out.boolean(host.system_manifest);
  out.end_object();
  out.member("hostVersion", host_version);
  if (!id.is_null()) {
    out.key("id");
    out.value(id);
  }
  out.key("policy");
  write_json(out, context.policy_status, &context.policy);
  out.member("protocolVersion", protocol_version);
}

std::string reply_with_result(const HostContext& context, const json& id, const json& result) {
  std::string text;
  JsonWriter out(text);
  out.begin_object();
  write_envelope(out, context, id);
  out.key("result");
  out.value(result);
  out.end_object();
  return text;
}

std::string error_body(const HostContext& context, const json& id, ErrorCode code,
                       const std::string& message, const json& params) {
  std::string text;
  JsonWriter out(text);
  out.begin_object();
  out.key("error");
  out.begin_object();
  out.member("code", static_cast<int>(code));
  out.member("message", message);
  out.member("name", error_name(code));
  out.key("params");
  out.value(params);
  out.end_object();
  write_envelope(out, context, id);
  out.end_object();
  return text;
}

std::string reply_too_large(const HostContext& context, const json& id, std::size_t bytes,
                            std::string_view decision, const json& visible_recipients) {
  return error_body(context, id, ErrorCode::ReplyTooLarge,
                    "the reply would exceed Thunderbird's 1 MiB limit",
                    {{"bytes", bytes},
                     {"limit", max_reply_bytes},
                     {"decision", decision},
                     {"visibleRecipients", visible_recipients}});
}

json id_json(const RequestId& id) {
  return std::visit(
      [](const auto& value) -> json {
        if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::monostate>) {
          return nullptr;
        } else {
          return value;
        }
      },
      id);
}

// The everyday check, read without a DOM: the reply is written straight into its buffer.
// Throws as handle_check() does; handle_message() catches (the one catching function the
// WebAssembly build allows, host/wasm/CMakeLists.txt). The audit record is left in
// `after_reply` with the request and verdict it reads: they stay where they are until then (the
// verdict's keys may point into the draft).
std::string answer_check(CheckRequest&& request, const json& id, HostContext& context,
                         AfterReply& after_reply) {
  struct Checked {
    // The verdict is built in place, from the draft in its final place.
    Checked(CheckRequest&& from, const Policy& policy, const EvaluateOptions& options)
        : request(std::move(from)), verdict(evaluate(request.draft, policy, options)) {}
    CheckRequest request;
    Verdict verdict;
    std::string check_id;
  };
  const auto checked = std::make_shared<Checked>(
      std::move(request), context.policy,
      EvaluateOptions{.with_keys = context.audit != nullptr, .hash_seed = context.hash_seed});
  const Verdict& verdict = checked->verdict;
  checked->check_id = context.new_check_id ? context.new_check_id() : std::string("check");
  const std::string& check_id = checked->check_id;
  // The request and verdict are destroyed when after_reply is, after the reply.
  after_reply = [checked, &context] {
    if (context.audit == nullptr) return;
    const std::string client =
        checked->request.client.empty() ? "unknown" : checked->request.client;
    context.audit->check({checked->check_id, client, checked->request.draft.type, checked->verdict,
                          context.policy_status, context.host.system_host,
                          context.host.system_manifest, context.host.overridden});
  };
  std::string text;
  // Room for the largest reply and the frame's length in front of it (framing.cpp): the
  // buffer never moves, and only the pages written are touched.
  text.reserve(max_reply_bytes + 64);
  JsonWriter out(text);
  out.begin_object();
  write_envelope(out, context, id);
  out.key("result");
  const std::array extras = {
      ExtraMember{"checkId", [&](JsonWriter& writer) { writer.string(check_id); }}};
  write_json(out, verdict, nullptr, extras);
  out.end_object();
  if (text.size() > max_reply_bytes)
    return reply_too_large(context, id, text.size(), to_string(verdict.decision),
                           verdict.summary.visible_recipients);
  return text;
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
  const Verdict verdict = evaluate(
      draft, context.policy,
      EvaluateOptions{.with_keys = context.audit != nullptr, .hash_seed = context.hash_seed});
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

[[noreturn]] void invalid(const std::string& field, const std::string& problem) {
  throw ProtocolError(ErrorCode::InvalidField, field + " " + problem, {{"field", field}});
}

long long require_count(const json& value, const std::string& field) {
  if (!value.is_number_integer() || value.get<long long>() < 0 ||
      value.get<long long>() > kMaxCount)
    invalid(field, "must be an integer from 0 to " + std::to_string(kMaxCount));
  return value.get<long long>();
}

// A short identifier-like string: letters, digits, '.', '_', '-' (nothing a log reader could
// mistake for markup or a control sequence).
std::string require_token(const json& value, const std::string& field) {
  if (!value.is_string()) invalid(field, "must be a string");
  const std::string text = value.get<std::string>();
  if (text.empty() || text.size() > kMaxHostErrorString)
    invalid(field, "must be 1 to " + std::to_string(kMaxHostErrorString) + " bytes");
  for (const char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) invalid(field, "may hold only letters, digits, '.', '_' and '-'");
  }
  return text;
}

// YYYY-MM-DDTHH:MM:SSZ, optionally with fractions of a second (Date.toISOString()).
std::string require_utc_time(const json& value, const std::string& field) {
  if (!value.is_string()) invalid(field, "must be a string");
  const std::string text = value.get<std::string>();
  const auto digits = [&](std::size_t from, std::size_t count) {
    for (std::size_t k = from; k < from + count; ++k)
      if (k >= text.size() || text[k] < '0' || text[k] > '9') return false;
    return true;
  };
  bool ok = text.size() >= 20 && text.size() <= kMaxHostErrorString && digits(0, 4) &&
            text[4] == '-' && digits(5, 2) && text[7] == '-' && digits(8, 2) && text[10] == 'T' &&
            digits(11, 2) && text[13] == ':' && digits(14, 2) && text[16] == ':' && digits(17, 2) &&
            text.back() == 'Z';
  if (ok && text.size() > 20) ok = text[19] == '.' && digits(20, text.size() - 21);
  if (!ok) invalid(field, "must be an ISO-8601 UTC time such as 2026-12-02T01:02:03Z");
  return text;
}

json handle_host_error_report(const json& request, HostContext& context) {
  if (request.contains("checkId")) invalid("checkId", "has no place in a host-error report");
  const auto entries_it = request.find("entries");
  if (entries_it == request.end() || !entries_it->is_array() ||
      entries_it->size() > kMaxHostErrorEntries)
    invalid("entries",
            "must be an array of at most " + std::to_string(kMaxHostErrorEntries) + " entries");
  long long dropped = 0;
  if (const auto it = request.find("dropped"); it != request.end())
    dropped = require_count(*it, "dropped");
  std::vector<HostErrorEntry> entries;
  entries.reserve(entries_it->size());
  for (std::size_t i = 0; i < entries_it->size(); ++i) {
    const json& item = (*entries_it)[i];
    const std::string field = "entries." + std::to_string(i);
    if (!item.is_object()) invalid(field, "must be an object");
    for (const auto& [key, ignored] : item.items()) {
      bool known = false;
      for (const char* name : kHostErrorEntryKeys) known = known || key == name;
      if (!known) invalid(field + "." + key, "is not a known key");
    }
    for (const char* name : kHostErrorEntryKeys)
      if (!item.contains(name)) invalid(field + "." + name, "is missing");
    HostErrorEntry entry;
    entry.choice = require_token(item["choice"], field + ".choice");
    bool known = false;
    for (const char* candidate : kHostErrorChoices) known = known || entry.choice == candidate;
    if (!known)
      invalid(field + ".choice",
              "must be one of host-error-send, host-error-cancel, host-error-convert");
    entry.at = require_utc_time(item["at"], field + ".at");
    entry.error = require_token(item["error"], field + ".error");
    entry.visible_recipients =
        static_cast<int>(require_count(item["visibleRecipients"], field + ".visibleRecipients"));
    entries.push_back(std::move(entry));
  }
  const std::string client = client_of(request);
  if (context.audit != nullptr)
    context.audit->host_errors({entries, static_cast<int>(dropped), client});
  return {{"recorded", true}, {"entries", entries.size()}};
}

json handle_report(const json& request, HostContext& context) {
  // kind absent or "check": a choice after a check; "host-error": choices made without one.
  if (const auto kind = request.find("kind"); kind != request.end()) {
    if (*kind == "host-error") return handle_host_error_report(request, context);
    if (*kind != "check") invalid("kind", "must be check or host-error");
  }
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

std::optional<std::string> run_after_reply(AfterReply& after_reply) noexcept {
  std::optional<std::string> failure;
  try {
    if (after_reply) after_reply();
  } catch (const std::exception& error) {
    try {
      failure = std::string("the audit record of a check failed: ") + error.what();
    } catch (...) {
      failure = "audit failed";  // short enough to need no allocation (out of memory)
    }
  } catch (...) {
    failure = "audit failed";
  }
  after_reply = nullptr;  // the request, draft and verdict go here (their destructors don't throw)
  return failure;
}

std::string handle_message(std::string_view body, HostContext& context) {
  AfterReply after_reply;
  std::string reply = handle_message(PaddedBody::unpadded(body), context, after_reply);
  // Nothing has been sent yet: a failed audit record is this call's answer, as it is on the
  // DOM path (handle_check records inside handle_message's try).
  if (const std::optional<std::string> failure = run_after_reply(after_reply)) {
    return error_reply(context, static_cast<int>(ErrorCode::InternalError), *failure);
  }
  return reply;
}

std::string handle_message(const PaddedBody& padded, HostContext& context,
                           AfterReply& after_reply) {
  after_reply = nullptr;
  const std::string_view body = padded.body();
  std::optional<CheckRequest> check;
  if (!context.read_with_dom) check = read_check_request(padded);
  json request;
  json id;
  if (check) {
    id = id_json(check->id);
  } else {
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
      return error_body(context, nullptr, ErrorCode::NotAnObject,
                        "the message must be a JSON object", json::object());
    }
    id = request.value("id", json());
    if (!id.is_null() && !id.is_string() && !id.is_number()) id = nullptr;
  }
  try {
    if (check) return answer_check(std::move(*check), id, context, after_reply);
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
    json result;
    if (type == "hello") {
      result = {{"hostVersion", host_version},
                {"protocolVersion", protocol_version},
                {"hostName", host_name}};
    } else if (type == "check") {
      result = handle_check(request, context);
    } else if (type == "report") {
      result = handle_report(request, context);
    } else {
      throw ProtocolError(ErrorCode::UnknownType, "type must be one of hello, check, report",
                          {{"type", type_it == request.end() ? json() : *type_it}});
    }
    std::string text = reply_with_result(context, id, result);
    if (text.size() > max_reply_bytes) {
      return reply_too_large(
          context, id, text.size(), result.value("decision", ""),
          result.contains("summary") ? result["summary"]["visibleRecipients"] : json());
    }
    return text;
  } catch (const ProtocolError& error) {
    return error_body(context, id, error.code(), error.what(), error.params());
  } catch (const std::exception& error) {
    return error_body(context, id, ErrorCode::InternalError, error.what(), json::object());
  }
}

}  // namespace bccshield
