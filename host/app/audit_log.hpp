#pragma once
// The audit log: one JSON line per decision and per user choice, never a plain address.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

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
  // Lines are written by flush(): the host calls it once the reply is on its way, so the user
  // does not wait for hashing and disk (the destructor flushes what is left).
  void check(const CheckRecord& record) override;
  void report(const ReportRecord& record) override;
  void flush();

  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;
  AuditLog(AuditLog&&) = delete;
  AuditLog& operator=(AuditLog&&) = delete;
  ~AuditLog() override;

 private:
  struct Pending {
    nlohmann::json line;
    std::optional<RecipientKeys> keys;  // hashed at flush
  };
  void load_once();
  void write(nlohmann::json line);

  std::vector<Pending> pending_;

  std::filesystem::path file_;
  bool loaded_ = false;
  std::optional<AuditSecret> secret_;  // read (or created per user) at the first event
  AuditConfig config_;
};

}  // namespace bccshield
