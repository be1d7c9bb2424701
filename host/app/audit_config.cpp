#include "audit_config.hpp"

#include <syslog.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <utility>

#include "bccshield/identity.hpp"

namespace bccshield {
namespace {

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

constexpr std::array<std::pair<const char*, int>, 10> kFacilities = {{{"user", LOG_USER},
                                                                      {"authpriv", LOG_AUTHPRIV},
                                                                      {"local0", LOG_LOCAL0},
                                                                      {"local1", LOG_LOCAL1},
                                                                      {"local2", LOG_LOCAL2},
                                                                      {"local3", LOG_LOCAL3},
                                                                      {"local4", LOG_LOCAL4},
                                                                      {"local5", LOG_LOCAL5},
                                                                      {"local6", LOG_LOCAL6},
                                                                      {"local7", LOG_LOCAL7}}};

}  // namespace

std::filesystem::path audit_config_path() {
  const char* value = std::getenv("BCCSHIELD_AUDIT_CONF");  // NOLINT(concurrency-mt-unsafe)
  if (value != nullptr && *value != '\0') return value;
  return system_audit_config_file;
}

AuditConfig load_audit_config(const std::filesystem::path& file) {
  AuditConfig config;
  std::ifstream in(file);
  std::string line;
  int number = 0;
  while (in && std::getline(in, line)) {
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
      for (const auto& [name, facility] : kFacilities) {
        if (value == name) {
          config.syslog_facility = facility;
          known = true;
        }
      }
    }
    if (!known && config.problem.empty()) {
      config.problem =
          file.string() + " line " + std::to_string(number) + ": not understood (ignored)";
    }
  }
  const char* forced = std::getenv("BCCSHIELD_AUDIT_SYSLOG");  // NOLINT(concurrency-mt-unsafe)
  if (forced != nullptr && *forced != '\0') config.syslog = std::string_view(forced) == "1";
  return config;
}

}  // namespace bccshield
