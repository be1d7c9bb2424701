#include "audit_log.hpp"

#include <array>
#include <chrono>
#include <ctime>

#include "audit_config.hpp"
#include "audit_pseudonym.hpp"
#include "audit_secret.hpp"
#include "file_util.hpp"
#include "platform.hpp"
#include "print_error.hpp"

namespace bccshield {
namespace {

constexpr std::size_t kMaxSyslogBytes = 8000;

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  const std::tm parts = platform::utc_time(now);
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text.data();
}

}  // namespace

std::optional<std::filesystem::path> default_audit_log_path() {
  if (auto explicit_path = env_path("BCCSHIELD_AUDIT_LOG")) return explicit_path;
  if (auto folder = platform::user_state_folder()) return *folder / "audit.jsonl";
  return std::nullopt;
}

AuditLog::AuditLog(std::filesystem::path file) : file_(std::move(file)) {}

AuditLog::~AuditLog() { flush(); }

void AuditLog::flush() {
  if (pending_.empty()) return;
  load_once();
  std::vector<Pending> lines;
  lines.swap(pending_);
  for (Pending& entry : lines) {
    // Addresses never reach the disk in clear: only keyed hashes of their comparison keys.
    if (secret_ && entry.keys) entry.line["addresses"] = pseudonymise_keys(*entry.keys, *secret_);
    write(std::move(entry.line));
  }
}

void AuditLog::load_once() {
  // Read at the first event: a host process that writes no event never touches the key.
  if (loaded_) return;
  loaded_ = true;
  std::string error;
  secret_ = load_audit_secret(true, error);
  if (!secret_) print_error("audit entries carry no address hashes: " + error);
  config_ = load_audit_config(audit_config_path());
  if (!config_.problem.empty()) print_error(config_.problem);
}

void AuditLog::check(const CheckRecord& record) {
  const Verdict& verdict = record.verdict;
  nlohmann::json rules = nlohmann::json::array();
  for (const Finding& finding : verdict.findings) rules.push_back(finding.rule());
  nlohmann::json line = {{"event", "check"},
                         {"checkId", record.check_id},
                         {"decision", to_string(verdict.decision)},
                         {"rules", std::move(rules)},
                         {"composeType", to_string(record.compose_type)},
                         {"client", record.client},
                         {"summary", to_json(verdict.summary)},
                         {"policySource", record.policy_status.source},
                         {"policyStatus", to_string(record.policy_status.state)}};
  // Large mailings: one decision, and how many messages Convert would make of it.
  if (verdict.delivery) line["messages"] = verdict.delivery->messages;
  pending_.push_back(Pending{std::move(line), verdict.keys});
}

void AuditLog::report(const ReportRecord& record) {
  load_once();  // the reason is scrubbed now: the record's strings do not outlive this call
  nlohmann::json line = {
      {"event", "report"}, {"checkId", record.check_id}, {"choice", record.choice}};
  if (!record.reason.empty()) {
    line["reason"] = secret_ ? scrub_addresses(record.reason, *secret_)
                             : std::string("(reason withheld: no audit key)");
  }
  if (!record.client.empty()) line["client"] = record.client;
  pending_.push_back(Pending{std::move(line), std::nullopt});
}

void AuditLog::write(nlohmann::json line) {
  load_once();
  const std::optional<AuditSecret>& secret = secret_;
  const AuditConfig& config = config_;
  if (secret) line["keyId"] = secret->key_id();
  line["time"] = utc_now();
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);

  if (std::string error; !platform::append_to_file(file_, text + "\n", error)) {
    print_error("cannot write the audit log: " + error);
  }
  if (config.syslog) {
    // Syslog relays cut long messages (rsyslog: 8 KiB by default): a line that would be cut
    // goes without its hash lists (the user's file keeps them); counts and choices always fit.
    std::string message = text;
    if (message.size() > kMaxSyslogBytes && line.contains("addresses")) {
      line.erase("addresses");
      line["addressesOmitted"] = true;
      message = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    platform::system_log(config.syslog_facility, message);
  }
}

}  // namespace bccshield
