#pragma once
// The audit log: one JSON line per decision and per user choice, never a plain address.

#include <cstdint>
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

// Every line starts with its time ({"time":"YYYY-MM-DDTHH:MM:SSZ",...), so that this costs the
// same however long the log: it is rotated when its first line is from an earlier UTC day (or
// does not start with its time: a log begun by an earlier version) or it grows past this:
// `current` is renamed to <stem>-YYYYMMDD.jsonl (the day of its last line; -2, -3 ... when
// that name is taken), and rotated files whose day is older than the retention are deleted.
inline constexpr std::uintmax_t audit_rotate_bytes = 16U * 1024U * 1024U;

// The rotated files of `current` (oldest first), then `current` itself when it exists.
std::vector<std::filesystem::path> audit_log_files(const std::filesystem::path& current);

// What the policy says about the log.
struct AuditSettings {
  bool allowed_recipients = false;  // hash the recipients of allowed checks too
  int retention_days = 365;
};

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
  void host_errors(const HostErrorReport& report) override;
  // Never throws (it runs after the reply and from the destructor): a failure, an allocation
  // say, is reported on stderr and the pending lines are dropped.
  void flush() noexcept;
  void apply_policy(const Policy& policy);

  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;
  AuditLog(AuditLog&&) = delete;
  AuditLog& operator=(AuditLog&&) = delete;
  ~AuditLog() override;

 private:
  void write_pending();
  struct Pending {
    nlohmann::json line;
    std::optional<RecipientKeys> keys;  // hashed at flush
  };
  void load_once();
  bool rotate_if_due();
  void delete_expired() const;

  std::vector<Pending> pending_;

  std::filesystem::path file_;
  bool loaded_ = false;
  std::optional<AuditSecret> secret_;  // read (or created per user) at the first event
  AuditConfig config_;
  AuditSettings settings_;
};

}  // namespace bccshield
