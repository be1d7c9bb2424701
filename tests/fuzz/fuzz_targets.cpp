#include "fuzz_targets.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bccshield/address_list.hpp"
#include "bccshield/check_request.hpp"
#include "bccshield/eml.hpp"
#include "bccshield/evaluate.hpp"
#include "bccshield/json_writer.hpp"
#include "bccshield/policy.hpp"
#include "bccshield/protocol.hpp"
#include "bccshield/protocol_error.hpp"
#include "bccshield/rfc2047.hpp"
#include "bccshield/utf8.hpp"
#include "framing.hpp"

namespace bccshield::fuzz {
namespace {

using nlohmann::json;

#define FUZZ_CHECK(target, condition)                \
  do {                                               \
    if (!(condition)) fuzz_fail(target, #condition); \
  } while (false)

// ParseProblem::text: at most 200 bytes, after invalid UTF-8 is repaired
// (regressions/address_list/problem-text-over-200-bytes-after-utf8-repair).
constexpr std::size_t kMaxProblemTextBytes = 200;

std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return size == 0 ? std::string_view()
                   : std::string_view(reinterpret_cast<const char*>(data), size);
}

bool valid_utf8(std::string_view text) {
  std::string scratch;
  return !append_valid_utf8(text, scratch);
}

void check_parsed(const char* target, std::string_view text, const ParsedAddressList& parsed,
                  const ParseLimits& limits) {
  for (const ParseProblem& problem : parsed.problems) {
    FUZZ_CHECK(target, problem.text.size() <= kMaxProblemTextBytes);
    FUZZ_CHECK(target, !problem.reason.empty());
  }
  const std::vector<Mailbox> mailboxes = parsed.mailboxes();
  // max_entries bounds the mailboxes and problems (plus the one "too-many-entries" problem).
  FUZZ_CHECK(target, mailboxes.size() + parsed.problems.size() <= limits.max_entries + 1);
  std::size_t counted = 0;
  for (const AddressEntry& entry : parsed.entries) {
    counted += std::holds_alternative<Group>(entry) ? std::get<Group>(entry).members.size() : 1U;
  }
  FUZZ_CHECK(target, counted == mailboxes.size());
  // Nothing can come out of nothing: every mailbox costs at least one input byte.
  FUZZ_CHECK(target, mailboxes.size() <= text.size());
  for (const Mailbox& mailbox : mailboxes) {
    FUZZ_CHECK(target, valid_utf8(mailbox.name));
    if (mailbox.domain.empty() || mailbox.local_part.empty()) continue;
    // The rewrite hands format_mailbox() back to Thunderbird, which parses it again: it
    // must name the very same mailbox, or Convert to Bcc would send somewhere else.
    const std::string formatted = format_mailbox(mailbox);
    const std::vector<Mailbox> again = parse_address_list(formatted).mailboxes();
    // (regressions/address_list/*local-part*: quoted CR/TAB and encoded-words in local parts.)
    FUZZ_CHECK(target, again.size() == 1);
    FUZZ_CHECK(target, again[0].domain == mailbox.domain);
    FUZZ_CHECK(target, again[0].local_part == mailbox.local_part);
  }
}

// Everything a parse gives, flattened to lines: entries, group members, problems.
std::vector<std::string> describe(const ParsedAddressList& parsed) {
  std::vector<std::string> lines;
  const auto add_mailbox = [&lines](const char* kind, const Mailbox& m) {
    lines.push_back(std::string(kind) + '\n' + m.name + '\n' + m.local_part + '\n' + m.domain);
  };
  for (const AddressEntry& entry : parsed.entries) {
    if (const auto* mailbox = std::get_if<Mailbox>(&entry)) {
      add_mailbox("mailbox", *mailbox);
    } else {
      const auto& group = std::get<Group>(entry);
      lines.push_back("group\n" + group.name);
      for (const Mailbox& member : group.members) add_mailbox("member", member);
    }
  }
  for (const ParseProblem& problem : parsed.problems) {
    lines.push_back("problem\n" + problem.reason + '\n' + problem.text);
  }
  return lines;
}

// The visitor calls, with the display the recipient set keeps for each mailbox.
class RecordingVisitor final : public AddressVisitor {
 public:
  std::vector<std::string> calls;
  std::size_t whole_texts = 0;

  void mailbox(const MailboxView& view) override {
    if (view.whole_text) ++whole_texts;
    std::string display;
    append_formatted_mailbox(view, display);
    // MailboxView::formatted, when given, is exactly the formatted mailbox.
    if (!view.formatted.empty() && view.formatted != display) {
      fuzz_fail("fast_path", "formatted == append_formatted_mailbox");
    }
    // MailboxView::plain_name, when set, changes nothing the formatter would decide.
    if (view.plain_name) {
      MailboxView unhinted = view;
      unhinted.plain_name = false;
      std::string checked;
      append_formatted_mailbox(unhinted, checked);
      if (checked != display) fuzz_fail("fast_path", "plain_name hint == name_is_plain_phrase");
    }
    calls.push_back("mailbox\n" + std::string(view.name) + '\n' + std::string(view.local_part) +
                    '\n' + std::string(view.domain) + '\n' + display);
  }
  void group_start(std::string_view name) override {
    calls.push_back("group_start\n" + std::string(name));
  }
  void group_end() override { calls.emplace_back("group_end"); }
};

std::vector<std::string> visit(std::string_view text, const ParseLimits& limits) {
  RecordingVisitor visitor;
  for (const ParseProblem& problem : visit_address_list(text, visitor, limits)) {
    visitor.calls.push_back("problem\n" + problem.reason + '\n' + problem.text);
  }
  // MailboxView::whole_text: only for the text's one entry, with no problem.
  if (visitor.whole_texts != 0 && visitor.calls.size() != 1) {
    fuzz_fail("fast_path", "whole_text: the one entry, no problem");
  }
  return std::move(visitor.calls);
}

void check_fast_path(std::string_view text, ParseLimits limits) {
  limits.everyday_fast_path = true;
  const ParseLimits fast = limits;
  limits.everyday_fast_path = false;
  const ParseLimits general = limits;
  FUZZ_CHECK("fast_path", describe(parse_address_list(text, fast)) ==
                              describe(parse_address_list(text, general)));
  FUZZ_CHECK("fast_path", visit(text, fast) == visit(text, general));
}

const Policy& fuzz_policy() {
  static const Policy policy = policy_from_text(R"({
    "version": 1, "internalDomains": ["corp.example", "xn--bcher-kva.example"],
    "minExposedParties": 3, "consumerDomains": ["mail.example"],
    "largeAudienceAddresses": {"all@corp.example": 500},
    "rules": {"exposed-parties": {"action": "warn"}, "reply-exposure": {"action": "justify"},
              "large-alias": {"action": "block"}, "unparsable-recipient": {"action": "warn"}},
    "rewriteStrategy": "keep-internal"})");
  return policy;
}

void check_verdict(const char* target, const Draft& draft, const Policy& policy) {
  const Verdict verdict = evaluate(draft, policy);
  const std::string dumped = to_json(verdict).dump(-1, ' ', false, json::error_handler_t::replace);
  FUZZ_CHECK(target, !dumped.empty());
  FUZZ_CHECK(target, (verdict.decision == Action::Allow) == !verdict.rewrite.has_value());
  if (!verdict.rewrite) return;
  // Every index names a request string (version 2 replies refer to them instead of copying).
  const std::size_t strings = draft.to.size() + draft.cc.size() + draft.bcc.size();
  for (const auto* list : {&verdict.rewrite->to, &verdict.rewrite->cc, &verdict.rewrite->bcc}) {
    for (const RecipientRef& recipient : *list) {
      FUZZ_CHECK(target, !recipient.indexed() || recipient.source < strings);
    }
  }
}

void check_reply(const char* target, const std::string& reply) {
  FUZZ_CHECK(target, reply.size() <= max_reply_bytes);
  FUZZ_CHECK(target, json::accept(reply));
  const json parsed = json::parse(reply);
  FUZZ_CHECK(target,
             parsed.is_object() && parsed.contains("protocolVersion") && parsed.contains("policy"));
  FUZZ_CHECK(target, parsed.contains("result") != parsed.contains("error"));
  // Written without a DOM (json_writer.hpp), in the very bytes nlohmann's dump() writes.
  FUZZ_CHECK(target, parsed.dump(-1, ' ', false, json::error_handler_t::replace) == reply);
}

// The audit edge gets the engine's keys, never raw text to parse again.
class CheckingSink final : public AuditSink {
 public:
  void check(const CheckRecord& record) override {
    if (!record.verdict.keys) fuzz_fail("protocol", "a check reached the audit edge without keys");
  }
  void report(const ReportRecord& /*record*/) override {}
  void host_errors(const HostErrorReport& /*report*/) override {}
};

HostContext make_context() {
  static CheckingSink sink;
  HostContext context;
  context.policy = fuzz_policy();
  context.new_check_id = [] { return std::string("fuzz-check"); };
  context.audit = &sink;
  return context;
}

constexpr std::array kTargets = {
    Target{"address_list", &address_list_entry},
    Target{"fast_path", &fast_path_entry},
    Target{"eml", &eml_entry},
    Target{"policy", &policy_entry},
    Target{"protocol", &protocol_entry},
    Target{"check_request", &check_request_entry},
    Target{"json_writer", &json_writer_entry},
};

const char* current_input = nullptr;

}  // namespace

void set_current_input(const char* description) { current_input = description; }

void fuzz_fail(const char* target, const char* invariant) {
  std::fprintf(stderr, "bccshield fuzz target %s: invariant broken: %s\n", target, invariant);
  if (current_input != nullptr) std::fprintf(stderr, "input: %s\n", current_input);
  std::fflush(stderr);
  std::abort();
}

std::span<const Target> all_targets() { return kTargets; }

int address_list_entry(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = as_text(data, size);
  const ParseLimits defaults;
  check_parsed("address_list", text, parse_address_list(text, defaults), defaults);
  ParseLimits tiny;
  tiny.max_input_bytes = size / 2 + 1;
  tiny.max_comment_depth = 3;
  tiny.max_entries = 4;
  check_parsed("address_list", text, parse_address_list(text, tiny), tiny);
  tiny.max_input_bytes = size + 1;
  check_parsed("address_list", text, parse_address_list(text, tiny), tiny);
  return 0;
}

int fast_path_entry(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = as_text(data, size);
  check_fast_path(text, ParseLimits{});
  ParseLimits tiny;
  tiny.max_comment_depth = 3;
  tiny.max_entries = 4;
  check_fast_path(text, tiny);
  return 0;
}

int eml_entry(const std::uint8_t* data, std::size_t size) {
  Draft draft;
  try {
    draft = draft_from_eml(as_text(data, size));
  } catch (const ProtocolError& error) {
    FUZZ_CHECK("eml", error.code() == ErrorCode::InvalidField);
    return 0;
  }
  check_verdict("eml", draft, Policy::defaults());
  check_verdict("eml", draft, fuzz_policy());
  return 0;
}

int policy_entry(const std::uint8_t* data, std::size_t size) {
  Policy policy;
  try {
    policy = policy_from_text(as_text(data, size));
  } catch (const PolicyError& error) {
    FUZZ_CHECK("policy", std::strlen(error.what()) > 0);
    return 0;
  }
  // What the admin tools write back must load again, unchanged.
  const json saved = policy_to_json(policy);
  const Policy reloaded = policy_from_json(saved);
  FUZZ_CHECK("policy", policy_to_json(reloaded) == saved);
  Draft draft;
  draft.from = "Clerk <clerk@corp.example>";
  draft.to = {
      "a@gmail.com, b@orange.fr, c@acme.example, d@corp.example, all@corp.example, e@mail.example"};
  draft.type = ComposeType::Reply;
  draft.original.to = draft.to;
  check_verdict("policy", draft, policy);
  return 0;
}

int protocol_entry(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  HostContext context = make_context();
  const std::string_view rest = as_text(data + 1, size - 1);
  if ((data[0] & 1U) == 0) {
    check_reply("protocol", handle_message(rest, context));
    return 0;
  }
  // A byte stream as cmd_serve reads it, with a small limit so that the limit path is reached.
  std::istringstream in{std::string(rest)};
  constexpr std::size_t kLimit = 256U * 1024U;
  for (int frames = 0; frames < 64; ++frames) {
    FrameResult frame = read_frame(in, kLimit);
    if (frame.status == FrameStatus::EndOfInput) break;
    if (frame.status == FrameStatus::TooLarge) {
      FUZZ_CHECK("protocol", frame.declared_length > kLimit);
      check_reply("protocol",
                  error_reply(context, static_cast<int>(ErrorCode::FrameTooLarge), "too large",
                              {{"length", frame.declared_length}, {"limit", kLimit}}));
      break;
    }
    if (frame.status == FrameStatus::Truncated) {
      FUZZ_CHECK("protocol", frame.received < frame.declared_length && frame.body().empty());
      break;
    }
    FUZZ_CHECK("protocol", frame.body().size() == frame.declared_length);
    const std::string reply = handle_message(frame.body(), context);
    check_reply("protocol", reply);
    // The reply goes out as a frame and must read back identically.
    std::ostringstream out;
    FUZZ_CHECK("protocol", write_frame(out, reply));
    std::istringstream back(out.str());
    const FrameResult echoed = read_frame(back, max_reply_bytes);
    FUZZ_CHECK("protocol", echoed.status == FrameStatus::Ok && echoed.body() == reply);
  }
  return 0;
}

// The SAX reader of the everyday check against nlohmann's DOM. The input is a protocol seed
// (its first byte, the protocol target's mode, is skipped): whatever read_check_request()
// accepts, the DOM reads as a protocol-2 check with the same Draft, id and client; and the
// whole reply is the DOM path's, byte for byte.
int check_request_entry(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view body = as_text(data + 1, size - 1);
  if (const std::optional<CheckRequest> fast = read_check_request(body)) {
    FUZZ_CHECK("check_request", json::accept(body));
    const json request = json::parse(body);
    FUZZ_CHECK("check_request", request.is_object() && request.value("type", json()) == "check" &&
                                    request.value("protocolVersion", json()) == 2);
    Draft dom;
    try {
      dom = draft_from_json(request["draft"]);
    } catch (const ProtocolError&) {
      fuzz_fail("check_request", "the fast reader took a draft the DOM refuses");
    }
    FUZZ_CHECK("check_request", fast->draft.from == dom.from && fast->draft.to == dom.to &&
                                    fast->draft.cc == dom.cc && fast->draft.bcc == dom.bcc &&
                                    fast->draft.type == dom.type &&
                                    fast->draft.original.from == dom.original.from &&
                                    fast->draft.original.to == dom.original.to &&
                                    fast->draft.original.cc == dom.original.cc);
    const json client = request.value("client", json());
    FUZZ_CHECK("check_request",
               fast->client == (client.is_string() ? client.get<std::string>() : ""));
    const json id = request.value("id", json());
    const bool no_id = std::holds_alternative<std::monostate>(fast->id);
    FUZZ_CHECK("check_request", no_id == !(id.is_string() || id.is_number()));
  }
  HostContext with_reader = make_context();
  HostContext with_dom = make_context();
  with_dom.read_with_dom = true;
  const std::string reply = handle_message(body, with_reader);
  check_reply("check_request", reply);
  FUZZ_CHECK("check_request", reply == handle_message(body, with_dom));
  return 0;
}

// The input as one string, then cut every (first byte % 23 + 1) bytes into an array of strings
// and numbers (the pieces' lengths), one-line and indented: the writer's bytes are dump()'s.
int json_writer_entry(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = as_text(data, size);
  const std::size_t step = size == 0 ? 1 : data[0] % 23 + 1;
  for (const int indent : {-1, 2}) {
    std::string out;
    JsonWriter writer(out, indent);
    json expected = json::array();
    writer.begin_array();
    writer.string(text);
    expected.push_back(std::string(text));
    for (std::size_t at = 0; at < size; at += step) {
      const std::string_view piece = text.substr(at, step);
      writer.string(piece);
      expected.push_back(std::string(piece));
      writer.number(piece.size());
      expected.push_back(piece.size());
    }
    writer.end_array();
    FUZZ_CHECK("json_writer",
               out == expected.dump(indent, ' ', false, json::error_handler_t::replace));
  }
  return 0;
}

}  // namespace bccshield::fuzz
