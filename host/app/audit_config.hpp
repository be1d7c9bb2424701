#pragma once
// /etc/bccshield/audit.conf (or $BCCSHIELD_AUDIT_CONF): where audit lines go besides the user's
// file.
//   # comment
//   syslog = true            also send each line to syslog (journald collects it)
//   syslog-facility = local0 user (default), authpriv, local0 ... local7
// $BCCSHIELD_AUDIT_SYSLOG=1|0 overrides `syslog` (tests).

#include <filesystem>
#include <string>

#include "platform.hpp"

namespace bccshield {

struct AuditConfig {
  bool syslog = false;
  int syslog_facility = platform::default_system_log_facility();
  std::string problem;  // a line that could not be read (reported on stderr, the rest applies)
};

std::filesystem::path audit_config_path();
AuditConfig load_audit_config(const std::filesystem::path& file);

}  // namespace bccshield
