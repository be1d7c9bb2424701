#include "audit_config.hpp"

#include <array>
#include <sstream>
#include <utility>

#include "bccshield/identity.hpp"
#include "file_util.hpp"
#include "platform.hpp"

namespace bccshield {
namespace {

constexpr std::size_t kMaxAuditConfigBytes = 64U * 1024U;  // a few settings

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

}  // namespace

std::filesystem::path audit_config_path() {
  return env_path("BCCSHIELD_AUDIT_CONF")
      .value_or(platform::machine_file(platform::MachineFile::AuditConfig));
}

AuditConfig load_audit_config(const std::filesystem::path& file) {
  AuditConfig config;
  const FileContent content = read_file(file, kMaxAuditConfigBytes);
  if (content.status != FileStatus::Ok && content.status != FileStatus::Missing) {
    config.problem = content.error + " (ignored)";
  }
  std::istringstream in(content.text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    line = trimmed(line);
    if (line.empty() || line.front() == '#') continue;
    const auto equals = line.find('=');
    const std::string key = equals == std::string::npos ? line : trimmed(line.substr(0, equals));
    const std::string value = equals == std::string::npos ? "" : trimmed(line.substr(equals + 1));
    bool known = false;
    if (key == "syslog" && (value == "true" || value == "false")) {
      config.syslog = value == "true";
      known = true;
    } else if (key == "syslog-facility") {
      if (const auto facility = platform::system_log_facility(value)) {
        config.syslog_facility = *facility;
        known = true;
      }
    }
    if (!known && config.problem.empty()) {
      config.problem =
          utf8_of(file) + " line " + std::to_string(number) + ": not understood (ignored)";
    }
  }
  if (const auto forced = env_path("BCCSHIELD_AUDIT_SYSLOG")) config.syslog = *forced == "1";
  return config;
}

}  // namespace bccshield
