#pragma once
// The audit log: one JSON line per decision and per user choice, never a plain address.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "audit_config.hpp"
#include "audit_secret.hpp"

namespace bccshield {

// $BCCSHIELD_AUDIT_LOG, else $XDG_STATE_HOME/bccshield/audit.jsonl, else
// ~/.local/state/bccshield/audit.jsonl.
std::optional<std::filesystem::path> default_audit_log_path();

class AuditLog {
 public:
  explicit AuditLog(std::filesystem::path file);
  // Appends one line. Addresses in the event's "draft" are replaced by keyed hashes first
  // ("addresses": {"from", "to", "cc", "bcc", "original"}), addresses typed in a "reason" too.
  // Failures are reported on stderr (without any address) and never stop a check.
  void write(const nlohmann::json& event);

 private:
  void load_once();

  std::filesystem::path file_;
  bool loaded_ = false;
  std::optional<AuditSecret> secret_;  // read (or created per user) at the first event
  AuditConfig config_;
};

}  // namespace bccshield
