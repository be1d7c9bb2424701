#include "audit_log.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>
#include <fstream>

#include "audit_chain.hpp"
#include "audit_config.hpp"
#include "audit_pseudonym.hpp"
#include "audit_secret.hpp"
#include "file_util.hpp"
#include "platform.hpp"
#include "print_error.hpp"

namespace bccshield {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::size_t kMaxSyslogBytes = 8000;
constexpr int kMaxRotatedPerDay = 999;
// Enough of the last line to hold its chain member (audit_chain.hpp) and a character before it.
constexpr std::size_t kChainedLineEndBytes = 128;

std::time_t now() { return std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()); }

std::string utc_text(std::time_t when, const char* format) {
  const std::tm parts = platform::utc_time(when);
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), format, &parts);
  return text.data();
}

std::string dump(const json& line) {
  return line.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Every line this host writes starts with its time, at a fixed place: deciding whether the log is
// due for rotation reads its first few bytes, however long the log and its lines are (a line of
// 10,000 recipients is ~700 KB).
constexpr std::string_view kTimeStart = "{\"time\":\"";
constexpr std::size_t kDayEnd = kTimeStart.size() + 10;  // ... "YYYY-MM-DD"

// "YYYYMMDD" of a line starting {"time":"YYYY-MM-DD...; "" for any other start.
std::string day_at_start(std::string_view line) {
  if (line.size() < kDayEnd || !line.starts_with(kTimeStart)) return {};
  const std::string_view date = line.substr(kTimeStart.size(), 10);
  std::string day;
  for (std::size_t i = 0; i < date.size(); ++i) {
    const bool dash = i == 4 || i == 7;
    if (dash ? date[i] != '-' : (date[i] < '0' || date[i] > '9')) return {};
    if (!dash) day += date[i];
  }
  return day;
}

// "YYYYMMDD" of a log line's "time", wherever it is (lines written before the time came first);
// "" when it has none. Parses the whole line: only for rotation, at most once per file.
std::string line_day(const std::string& line) {
  if (std::string day = day_at_start(line); !day.empty()) return day;
  try {
    const json entry = json::parse(line.substr(std::min(line.size(), line.find('{'))));
    const std::string time = entry.is_object() ? entry.value("time", "") : "";
    std::string day = time.substr(0, 4) + time.substr(5, 2) + time.substr(8, 2);
    if (time.size() < 10 || day.size() != 8 ||
        day.find_first_not_of("0123456789") != std::string::npos)
      return {};
    return day;
  } catch (const json::exception&) {
    return {};
  } catch (const std::out_of_range&) {
    return {};
  }
}

// The first `count` bytes of `file` (fewer when it is shorter; "" when missing).
std::string head_of(const fs::path& file, std::size_t count) {
  std::ifstream in(file, std::ios::binary);
  std::string bytes(count, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(count));
  bytes.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return bytes;
}

// The end of the last line of `file`, without its newline: its last `count` bytes at most (the
// whole line when shorter; "" when missing or empty). Reads only the end of the file.
std::string last_line_end_of(const fs::path& file, std::size_t count) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const std::streamoff size = in.tellg();
  if (size <= 0) return {};
  const auto wanted = static_cast<std::streamoff>(count + 1);  // + its newline
  const std::streamoff start = size > wanted ? size - wanted : 0;
  std::string tail(static_cast<std::size_t>(size - start), '\0');
  in.seekg(start);
  in.read(tail.data(), static_cast<std::streamsize>(tail.size()));
  if (!in) return {};
  if (tail.back() == '\n') tail.pop_back();
  if (const auto newline = tail.rfind('\n'); newline != std::string::npos)
    tail.erase(0, newline + 1);
  return tail;
}

// The last line of `file`, without its newline ("" when missing or empty): read from the end.
std::string last_line_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const std::streamoff size = in.tellg();
  if (size <= 0) return {};
  constexpr std::streamoff kChunk = 64 * 1024;
  std::string tail;
  std::streamoff end = size;
  for (;;) {
    const std::streamoff start = end > kChunk ? end - kChunk : 0;
    std::string chunk(static_cast<std::size_t>(end - start), '\0');
    in.seekg(start);
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    if (!in) return {};
    tail.insert(0, chunk);
    if (!tail.empty() && tail.back() == '\n') {
      const auto newline = tail.rfind('\n', tail.size() - 2);
      if (newline != std::string::npos || start == 0) {
        const std::size_t from = newline == std::string::npos ? 0 : newline + 1;
        return tail.substr(from, tail.size() - 1 - from);
      }
    } else if (const auto newline = tail.rfind('\n'); newline != std::string::npos || start == 0) {
      return tail.substr(newline == std::string::npos ? 0 : newline + 1);
    }
    end = start;
  }
}

// Appends one line's text to `out`: {"time":...,"addresses":<what `addresses` appends>,<the other
// members of `rest`, sorted>} (no newline). Written in place: a line of 10,000 recipients' hashes
// is ~700 KB, copied once less per step. True when `addresses` appended something.
template <typename AppendAddresses>
bool append_line(std::string& out, std::string_view time, const json& rest,
                 AppendAddresses&& addresses) {
  out += kTimeStart;
  out += time;
  out += '"';
  const std::size_t before = out.size();
  out += ",\"addresses\":";
  const std::size_t start = out.size();
  addresses(out);
  const bool any = out.size() > start;
  if (!any) out.resize(before);
  const std::string members = dump(rest);
  if (members.size() > 2) {  // not "{}"
    out += ',';
    out.append(members, 1);
  } else {
    out += '}';
  }
  return any;
}

struct RotatedFile {
  std::string day;  // YYYYMMDD
  int number = 1;
  fs::path path;
};

// <stem>-YYYYMMDD<ext> or <stem>-YYYYMMDD-N<ext> next to `current`.
std::optional<RotatedFile> rotated_file(const fs::path& current, const fs::path& candidate) {
  const std::string stem = utf8_of(current.stem()) + "-";
  const std::string ext = utf8_of(current.extension());
  const std::string name = utf8_of(candidate.filename());
  if (!name.starts_with(stem) || !name.ends_with(ext) || name.size() < stem.size() + 8 + ext.size())
    return std::nullopt;
  const std::string middle = name.substr(stem.size(), name.size() - stem.size() - ext.size());
  RotatedFile file{middle.substr(0, 8), 1, candidate};
  if (file.day.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  if (middle.size() > 8) {
    const std::string number = middle.substr(9);
    if (middle[8] != '-' || number.empty() || number.size() > 3 ||
        number.find_first_not_of("0123456789") != std::string::npos)
      return std::nullopt;
    file.number = std::stoi(number);
  }
  return file;
}

std::vector<RotatedFile> rotated_files(const fs::path& current) {
  std::vector<RotatedFile> files;
  std::error_code ec;
  const fs::path folder = current.has_parent_path() ? current.parent_path() : fs::path(".");
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (auto file = rotated_file(current, it->path())) files.push_back(std::move(*file));
  }
  std::sort(files.begin(), files.end(), [](const RotatedFile& a, const RotatedFile& b) {
    return a.day != b.day ? a.day < b.day : a.number < b.number;
  });
  return files;
}

}  // namespace

std::optional<std::filesystem::path> default_audit_log_path() {
  if (auto explicit_path = env_path("BCCSHIELD_AUDIT_LOG")) return explicit_path;
  if (auto folder = platform::user_state_folder()) return *folder / "audit.jsonl";
  return std::nullopt;
}

std::vector<fs::path> audit_log_files(const fs::path& current) {
  std::vector<fs::path> files;
  for (RotatedFile& file : rotated_files(current)) files.push_back(std::move(file.path));
  std::error_code ec;
  if (fs::exists(current, ec)) files.push_back(current);
  return files;
}

AuditLog::AuditLog(std::filesystem::path file) : file_(std::move(file)) {}

AuditLog::~AuditLog() { flush(); }

void AuditLog::apply_policy(const Policy& policy) {
  settings_.allowed_recipients = policy.audit_allowed_recipients;
  settings_.retention_days = policy.audit_retention_days;
}

void AuditLog::flush() noexcept {
  try {
    write_pending();
  } catch (const std::exception& error) {
    pending_.clear();
    try {
      print_error(std::string("cannot write the audit log: ") + error.what());
    } catch (...) {  // out of memory even for the sentence: nothing more can be said
    }
  } catch (...) {
    pending_.clear();
    try {
      print_error("cannot write the audit log");
    } catch (...) {
    }
  }
}

void AuditLog::write_pending() {
  if (pending_.empty()) return;
  load_once();
  std::vector<Pending> lines;
  lines.swap(pending_);
  std::error_code ec;
  const fs::path folder = file_.has_parent_path() ? file_.parent_path() : fs::path(".");
  if (!fs::exists(folder, ec)) {
    fs::create_directories(folder, ec);
    fs::permissions(folder, fs::perms::owner_all, ec);
  }
  // One host process at a time from reading the last line to appending after it: two writers
  // never chain to the same line, and rotation never renames a file another one is appending to.
  std::string error;
  const std::optional<platform::FolderLock> lock = platform::FolderLock::acquire(folder, error);
  if (!lock) print_error("the audit log is written without its lock: " + error);
  // The chain value to continue is at the end of the last line: only that end is read.
  std::string previous;  // "" starts a file (or follows old lines)
  if (auto chained = split_chained_line(last_line_end_of(file_, kChainedLineEndBytes)))
    previous = std::move(chained->chain);
  if (rotate_if_due()) previous.clear();
  std::optional<PseudonymHasher> hasher;
  if (secret_) hasher.emplace(*secret_);
  const std::string key_id = secret_ ? secret_->key_id() : std::string();
  std::string batch;
  for (Pending& entry : lines) {
    json& line = entry.line;
    if (secret_) line["keyId"] = key_id;
    const std::string time = utc_text(now(), "%Y-%m-%dT%H:%M:%SZ");
    const std::size_t start = batch.size();
    // Addresses never reach the disk in clear: only keyed hashes of their comparison keys.
    const bool with_addresses = append_line(batch, time, line, [&](std::string& out) {
      if (hasher && entry.keys) append_pseudonymised_keys(out, *entry.keys, *hasher);
    });
    if (secret_) {
      std::string chain =
          audit_chain_value(*secret_, previous, std::string_view(batch).substr(start));
      append_chain_member(batch, chain);
      previous = std::move(chain);
    }
    if (config_.syslog) {
      // Syslog relays cut long messages (rsyslog: 8 KiB by default): a line that would be cut
      // goes without its hash lists (the user's file keeps them); counts and choices always fit.
      std::string message = batch.substr(start);
      if (message.size() > kMaxSyslogBytes && with_addresses) {
        line["addressesOmitted"] = true;
        message.clear();
        append_line(message, time, line, [](std::string&) {});
      }
      platform::system_log(config_.syslog_facility, message);
    }
    batch += '\n';
  }
  // One write: a reader never sees half a batch (O_APPEND; the lock orders the writers).
  if (!platform::append_to_file(file_, batch, error)) {
    print_error("cannot write the audit log: " + error);
  }
}

bool AuditLog::rotate_if_due() {
  std::error_code ec;
  if (!fs::is_regular_file(fs::symlink_status(file_, ec))) return false;
  const auto size = fs::file_size(file_, ec);
  if (ec || size == 0) return false;
  const std::string today = utc_text(now(), "%Y%m%d");
  // A first line without its time in front (written by an earlier version, or damaged) counts
  // as an earlier day's: the file is rotated once, and the new one starts with a readable day.
  const std::string first_day = day_at_start(head_of(file_, kDayEnd));
  if (size < audit_rotate_bytes && !first_day.empty() && first_day >= today) return false;
  // Rotation happens at most once a day or per 16 MiB: here the whole last line may be read.
  std::string day = line_day(last_line_of(file_));
  if (day.empty()) day = today;
  const std::string stem = utf8_of(file_.stem()) + "-" + day;
  const std::string ext = utf8_of(file_.extension());
  for (int number = 1; number <= kMaxRotatedPerDay; ++number) {
    // Appended piece by piece: `"-" + std::to_string(n)` trips a GCC 12 -Wrestrict false
    // positive in the MinGW build (GCC bug 105329).
    std::string name = stem;
    if (number > 1) name.append("-").append(std::to_string(number));
    name.append(ext);
    const fs::path target = file_.parent_path() / name;
    if (fs::exists(fs::symlink_status(target, ec))) continue;
    fs::rename(file_, target, ec);
    if (ec) {
      print_error("cannot rotate the audit log: " + ec.message());
      return false;
    }
    delete_expired();
    return true;
  }
  return false;
}

void AuditLog::delete_expired() const {
  using namespace std::chrono;
  const auto cutoff_time =
      system_clock::to_time_t(system_clock::now() - days{settings_.retention_days});
  const std::string cutoff = utc_text(cutoff_time, "%Y%m%d");
  for (const RotatedFile& file : rotated_files(file_)) {
    if (file.day >= cutoff) continue;
    std::error_code ec;
    fs::remove(file.path, ec);
    if (ec) print_error("cannot delete an expired audit log: " + ec.message());
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
                         {"policyStatus", to_string(record.policy_status.state)},
                         {"policyKeyId", record.policy_status.key_id.value_or("none")},
                         {"systemHost", record.system_host},
                         {"systemManifest", record.system_manifest},
                         {"overridden", record.overridden}};
  // Large mailings: one decision, and how many messages Convert would make of it.
  if (verdict.delivery) line["messages"] = verdict.delivery->messages;
  // Data minimisation: an allowed message is counted, its recipients are not named (unless the
  // policy asks for them, auditAllowedRecipients).
  const bool named = verdict.decision != Action::Allow || settings_.allowed_recipients;
  // The keys view the draft and the verdict, gone by flush(): the entry keeps its own copy.
  std::optional<RecipientKeys> keys;
  if (verdict.keys && named) keys = verdict.keys->detached();
  pending_.push_back(Pending{std::move(line), std::move(keys)});
}

void AuditLog::host_errors(const HostErrorReport& report) {
  for (const HostErrorEntry& entry : report.entries) {
    json line = {{"event", "report"},      {"kind", "host-error"},
                 {"choice", entry.choice}, {"at", entry.at},
                 {"error", entry.error},   {"visibleRecipients", entry.visible_recipients}};
    if (!report.client.empty()) line["client"] = report.client;
    pending_.push_back(Pending{std::move(line), std::nullopt});
  }
  if (report.dropped > 0) {
    json line = {{"event", "report"}, {"kind", "host-error-dropped"}, {"dropped", report.dropped}};
    if (!report.client.empty()) line["client"] = report.client;
    pending_.push_back(Pending{std::move(line), std::nullopt});
  }
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

}  // namespace bccshield
