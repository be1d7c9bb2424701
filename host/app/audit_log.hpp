#pragma once
// The audit log: one JSON line per decision and per user choice, never a plain address.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "audit_config.hpp"
#include "audit_secret.hpp"
#include "bccshield/protocol.hpp"

namespace bccshield {

// $BCCSHIELD_AUDIT_LOG, else $XDG_STATE_HOME/bccshield/audit.jsonl, else
// ~/.local/state/bccshield/audit.jsonl.
std::optional<std::filesystem::path> default_audit_log_path();

class AuditLog final : public AuditSink {
 public:
  explicit AuditLog(std::filesystem::path file);
  // Each appends one line. Recipients appear only as keyed hashes of the engine's keys
  // ("addresses": {"from", "to", "cc", "bcc", "original"}); addresses typed in a reason too.
  // Failures are reported on stderr (without any address) and never stop a check.
  void check(const CheckRecord& record) override;
  void report(const ReportRecord& record) override;

 private:
  void load_once();
  void write(nlohmann::json line);

  std::filesystem::path file_;
  bool loaded_ = false;
  std::optional<AuditSecret> secret_;  // read (or created per user) at the first event
  AuditConfig config_;
};

}  // namespace bccshield
