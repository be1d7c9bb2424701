#pragma once
// One request in, one reply out (PROTOCOL.md). Pure: effects are injected by the edge.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bccshield/check_request.hpp"  // PaddedBody
#include "bccshield/draft.hpp"
#include "bccshield/identity.hpp"  // max_reply_bytes
#include "bccshield/policy.hpp"
#include "bccshield/policy_status.hpp"
#include "bccshield/verdict.hpp"

namespace bccshield {

// What a check gives the audit edge: the decision and the recipient keys the engine already
// computed (the edge hashes them; it never parses an address again).
struct CheckRecord {
  const std::string& check_id;
  const std::string& client;  // "thunderbird/153.7.0", or "unknown"
  ComposeType compose_type;
  const Verdict& verdict;  // verdict.keys is set
  const PolicyStatus& policy_status;
  bool system_host = false;      // HostIdentity: the audit records these facts, never the paths
  bool system_manifest = false;  // (which would name the user)
  bool overridden = false;
};

// A user's choice after a check, for the audit edge.
struct ReportRecord {
  const std::string& check_id;
  const std::string& choice;
  const std::string& reason;  // may hold addresses typed by the user: the edge scrubs them
  const std::string& client;  // may be empty
};

// A user's choice after a host error, when no check could run (report kind "host-error"):
// the extension queued it and delivers it once the host answers again.
struct HostErrorEntry {
  std::string choice;  // host-error-send | host-error-cancel | host-error-convert
  std::string at;      // when the user chose, as the extension saw it (ISO-8601 UTC)
  std::string error;   // the host error: not-installed, timeout, crashed, an error name ...
  int visible_recipients = 0;
};

struct HostErrorReport {
  const std::vector<HostErrorEntry>& entries;
  int dropped;                // entries the extension could not keep (its queue was full)
  const std::string& client;  // may be empty
};

struct AuditSink {
  virtual void check(const CheckRecord& record) = 0;
  virtual void report(const ReportRecord& record) = 0;
  virtual void host_errors(const HostErrorReport& report) = 0;
  AuditSink() = default;
  AuditSink(const AuditSink&) = delete;
  AuditSink& operator=(const AuditSink&) = delete;
  AuditSink(AuditSink&&) = delete;
  AuditSink& operator=(AuditSink&&) = delete;
  virtual ~AuditSink() = default;
};

// Which host answered and how it was found (every reply's `host`, PROTOCOL.md).
struct HostIdentity {
  std::optional<std::string> path;      // the executable, when the OS says
  std::optional<std::string> manifest;  // argv[1] as Thunderbird passed it
  bool system_host = false;             // installed where only an administrator can write
  bool system_manifest = false;         // found through the system registration
  bool overridden = false;              // an environment override was honoured (host.conf)
};

struct HostContext {
  HostIdentity host;
  Policy policy = Policy::defaults();
  PolicyStatus policy_status;
  std::function<std::string()> new_check_id;  // unique id for a check
  AuditSink* audit = nullptr;                 // may be null; owned by the edge
  // EvaluateOptions::hash_seed: random per host process (host_context.cpp); 0 in the Outlook
  // engine (its drafts are the user's own in Outlook, and the verdict does not depend on it).
  std::uint64_t hash_seed = 0;
  // Every body through nlohmann's DOM, the everyday check too: the reference the differential
  // tests compare the fast reader with (check_request_test.cpp, the check_request fuzz target).
  bool read_with_dom = false;
};

// Handles one message body (UTF-8 JSON) and returns the reply body, never over max_reply_bytes.
// The everyday check is read by read_check_request() (check_request.hpp) and its reply written
// straight out; every other body is read with nlohmann's DOM.
std::string handle_message(std::string_view body, HostContext& context);

// Work a reply does not wait for: the audit record of a check, then the destruction of its
// request, Draft and Verdict (10,000 strings each at 10,000 recipients).
using AfterReply = std::function<void()>;
// As above, from a padded body (check_request.hpp), and that work is left in `after_reply` (empty
// when there is none) for the caller to run once the reply is written (cmd_serve.cpp); the one
// above runs it before it returns. The audit record is the same either way.
std::string handle_message(const PaddedBody& body, HostContext& context, AfterReply& after_reply);
// Runs `after_reply` (if any) and lets it go. The audit record can fail (an allocation, the
// sink's own checks) after the reply is out, where nothing may escape: the failure comes back as
// a sentence for the caller to report (print_error in serve mode), nullopt when all went well.
std::optional<std::string> run_after_reply(AfterReply& after_reply) noexcept;

// An error reply for failures found before a body could be read (framing).
std::string error_reply(const HostContext& context, int code, const std::string& message,
                        const nlohmann::json& params = nlohmann::json::object());

}  // namespace bccshield
