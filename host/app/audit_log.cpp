#include "audit_log.hpp"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>

namespace bccshield {
namespace {

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

}  // namespace

std::optional<std::filesystem::path> default_audit_log_path() {
  // NOLINTBEGIN(concurrency-mt-unsafe): read once at start-up
  if (const char* explicit_path = std::getenv("BCCSHIELD_AUDIT_LOG"); explicit_path && *explicit_path) {
    return std::filesystem::path(explicit_path);
  }
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state) {
    return std::filesystem::path(state) / "bccshield" / "audit.jsonl";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::filesystem::path(home) / ".local" / "state" / "bccshield" / "audit.jsonl";
  }
  // NOLINTEND(concurrency-mt-unsafe)
  return std::nullopt;
}

AuditLog::AuditLog(std::filesystem::path file) : file_(std::move(file)) {}

void AuditLog::write(const nlohmann::json& event) {
  nlohmann::json line = event;
  line.erase("draft");  // addresses never reach the disk in clear
  line["time"] = utc_now();
  std::error_code ec;
  std::filesystem::create_directories(file_.parent_path(), ec);
  std::ofstream out(file_, std::ios::app | std::ios::binary);
  if (!out) {
    std::cerr << "bccshield-host: cannot write the audit log " << file_.string() << "\n";
    return;
  }
  out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace bccshield
