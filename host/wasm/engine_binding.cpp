// C entry points of the JavaScript build of the core: the Outlook add-in calls them through
// extension/outlook/src/engine.js, the Thunderbird extension's built-in engine through
// extension/thunderbird/modules/builtin-engine.mjs. Every answer is a protocol reply body
// (PROTOCOL.md), produced by the same handle_message() the native host runs.
//
// Strings returned stay valid until the next call into the engine (single-threaded JS).

#include <emscripten/emscripten.h>
#include <idn2.h>
#include <libpsl.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "bccshield/identity.hpp"
#include "bccshield/policy.hpp"
#include "bccshield/protocol.hpp"
#include "bccshield/protocol_error.hpp"

// Which client this build is linked for: the prefix of its check ids ("outlook", "thunderbird").
#ifndef BCCSHIELD_ENGINE_CLIENT
#define BCCSHIELD_ENGINE_CLIENT "engine"
#endif

namespace {

using nlohmann::json;

// The only randomness the engine needs: unique check ids. Math.random is enough (not secret).
EM_JS(std::uint32_t, bccshield_js_random32, (), { return (Math.random() * 4294967296) >>> 0; });

bccshield::HostContext& context() {
  static bccshield::HostContext instance = [] {
    bccshield::HostContext ctx;
    ctx.new_check_id = [] {
      static const char* const hex = "0123456789abcdef";
      std::string id = BCCSHIELD_ENGINE_CLIENT "-";
      for (int word = 0; word < 4; ++word) {
        std::uint32_t bits = bccshield_js_random32();
        for (int nibble = 0; nibble < 8; ++nibble, bits >>= 4U) id.push_back(hex[bits & 0xFU]);
      }
      return id;
    };
    return ctx;
  }();
  return instance;
}

std::string& reply_buffer() {
  static std::string buffer;
  return buffer;
}

const char* keep(std::string text) {
  reply_buffer() = std::move(text);
  return reply_buffer().c_str();
}

}  // namespace

extern "C" {

// Loads the organisation's policy (the text of a policy JSON file), validated exactly as the host
// validates it. An empty text selects the built-in defaults. On a refused policy the defaults
// apply and the status says why (as the host does). Returns the policy status JSON, plus the
// effective policy under "policy".
EMSCRIPTEN_KEEPALIVE const char* bccshield_load_policy(const char* text, const char* source) {
  bccshield::HostContext& ctx = context();
  const std::string_view body = text != nullptr ? text : "";
  const std::string origin = source != nullptr && *source != '\0' ? source : "baked-in";
  json answer;
  ctx.policy = bccshield::Policy::defaults();
  ctx.policy_status = {};
  if (body.find_first_not_of(" \t\r\n") != std::string_view::npos) {
    try {
      ctx.policy = bccshield::policy_from_text(body);
      ctx.policy_status.state = bccshield::PolicyState::Ok;
      ctx.policy_status.source = origin;
    } catch (const bccshield::PolicyError& error) {
      ctx.policy_status = bccshield::PolicyStatus::refused(
          origin, bccshield::ErrorCode::PolicyInvalid, error.what(), error.field());
    } catch (const std::exception& error) {
      ctx.policy_status = bccshield::PolicyStatus::refused(
          origin, bccshield::ErrorCode::PolicyInvalid, error.what());
    }
  }
  answer = bccshield::to_json(ctx.policy_status);
  answer["policy"] = bccshield::policy_to_json(ctx.policy);
  return keep(answer.dump(-1, ' ', false, json::error_handler_t::replace));
}

// A draft object (PROTOCOL.md, "check") in, the check reply body out.
//
// The draft's text is spliced into the request as it came, so the core parses it once, as the
// native host parses Thunderbird's message (a DOM parse, a dump and a second parse cost a third
// of the Outlook bundle's first check). json::accept() first (a syntax check that builds nothing):
// only exactly one JSON value is spliced, so a text such as `{}, "type": "hello"` cannot add keys
// to the request.
EMSCRIPTEN_KEEPALIVE const char* bccshield_check(const char* draft_json) {
  std::string_view draft = draft_json != nullptr ? draft_json : "";
  // json::accept skips a UTF-8 byte-order mark, which would be invalid after "draft":.
  if (draft.starts_with("\xEF\xBB\xBF")) draft.remove_prefix(3);
  if (json::accept(draft)) {
    std::string request = R"({"protocolVersion":)" + std::to_string(bccshield::protocol_version) +
                          R"(,"type":"check","draft":)";
    request.append(draft).push_back('}');
    return keep(bccshield::handle_message(request, context()));
  }
  // Not a JSON value: the parser's own words and offset (json::exception also covers 1e309).
  try {
    static_cast<void>(json::parse(draft));
  } catch (const json::parse_error& error) {
    return keep(bccshield::error_reply(
        context(), static_cast<int>(bccshield::ErrorCode::InvalidJson),
        std::string("the draft is not valid JSON: ") + error.what(), {{"offset", error.byte}}));
  } catch (const json::exception& error) {
    return keep(
        bccshield::error_reply(context(), static_cast<int>(bccshield::ErrorCode::InvalidJson),
                               std::string("the draft is not valid JSON: ") + error.what()));
  }
  return keep(bccshield::error_reply(context(), static_cast<int>(bccshield::ErrorCode::InvalidJson),
                                     "the draft is not valid JSON"));
}

// Versions of the engine and of the libraries inside it, for diagnostics.
EMSCRIPTEN_KEEPALIVE const char* bccshield_engine_info() {
  const json info = {{"hostVersion", bccshield::host_version},
                     {"protocolVersion", bccshield::protocol_version},
                     {"libidn2", idn2_check_version(nullptr)},
                     {"libpsl", psl_get_version()},
                     {"publicSuffixList",
                      {{"sha1", psl_builtin_sha1sum()},
                       {"time", static_cast<long long>(psl_builtin_file_time())},
                       {"suffixes", psl_suffix_count(psl_builtin())}}},
                     {"policy", bccshield::to_json(context().policy_status)}};
  return keep(info.dump());
}

}  // extern "C"
