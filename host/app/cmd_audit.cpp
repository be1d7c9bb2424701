// bccshield-host audit report | lookup | keygen: the audit log for the DPO and the installer.
#include <sodium.h>

#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "audit_chain.hpp"
#include "audit_log.hpp"
#include "audit_pseudonym.hpp"
#include "audit_secret.hpp"
#include "cli_options.hpp"
#include "key_file.hpp"
#include "printable_text.hpp"

namespace bccshield {
namespace {

namespace po = boost::program_options;
constexpr std::size_t kMaxChainSearch = 1000;
namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kUsage =
    "bccshield-host audit report [--since DATE] [--until DATE] [--log FILE]... [--json]\n"
    "       bccshield-host audit lookup ADDRESS [--log FILE]... [--key FILE]\n"
    "       bccshield-host audit verify [--log FILE]... [--key FILE]\n"
    "       bccshield-host audit keygen --output FILE [--mode 0600|0640|0644]\n"
    "DATE: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC; --until includes that whole day).\n"
    "--log defaults to this user's log and its rotated files; '-' reads standard input (e.g. "
    "journalctl -t "
    "bccshield-host -o cat).";

struct LogLines {
  std::vector<json> entries;
  std::size_t unreadable = 0;
};

// Reads JSON lines; a syslog prefix before the first '{' is skipped, so collected syslog works too.
bool read_log(const std::string& name, LogLines& out) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (name != "-") {
    file.open(name, std::ios::binary);
    if (!file) {
      print_error("cannot read the audit log " + name);
      return false;
    }
    in = &file;
  }
  std::string line;
  while (std::getline(*in, line)) {
    const auto brace = line.find('{');
    if (brace == std::string::npos) {
      if (line.find_first_not_of(" \t\r") != std::string::npos) ++out.unreadable;
      continue;
    }
    try {
      json entry = json::parse(line.substr(brace));
      if (entry.is_object() && entry.contains("event")) {
        out.entries.push_back(std::move(entry));
      } else {
        ++out.unreadable;
      }
    } catch (const json::parse_error&) {
      ++out.unreadable;
    }
  }
  return true;
}

std::optional<LogLines> read_logs(const po::variables_map& values) {
  std::vector<std::string> names;
  if (values.count("log") != 0) names = values["log"].as<std::vector<std::string>>();
  if (names.empty()) {
    const auto path = default_audit_log_path();
    if (!path) {
      print_error("no audit log location (set --log)");
      return std::nullopt;
    }
    for (const fs::path& file : audit_log_files(*path)) names.push_back(file.string());
    if (names.empty()) names.push_back(path->string());
  }
  LogLines lines;
  for (const std::string& name : names) {
    if (!read_log(name, lines)) return std::nullopt;
  }
  return lines;
}

// "2026-W48" for an ISO-8601 timestamp; "" when the time cannot be read.
std::string iso_week(const std::string& time) {
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  char dash1 = 0;
  char dash2 = 0;
  std::istringstream in(time.substr(0, 10));
  in >> y >> dash1 >> m >> dash2 >> d;
  if (!in || dash1 != '-' || dash2 != '-') return {};
  using namespace std::chrono;
  const year_month_day date{year{y}, month{m}, day{d}};
  if (!date.ok()) return {};
  const sys_days days{date};
  const auto weekday_index =
      static_cast<int>(weekday{days}.iso_encoding());  // Monday 1 .. Sunday 7
  const sys_days thursday = days + std::chrono::days{4 - weekday_index};
  const year_month_day thursday_date{thursday};
  const sys_days first_day{thursday_date.year() / January / 1};
  const auto week = (thursday - first_day).count() / 7 + 1;
  std::ostringstream out;
  out << static_cast<int>(thursday_date.year()) << "-W" << std::setw(2) << std::setfill('0')
      << week;
  return out.str();
}

bool in_period(const std::string& time, const std::string& since, const std::string& until) {
  if (!since.empty() && time < since) return false;
  if (!until.empty() && time.substr(0, until.size()) > until) return false;
  return true;
}

struct Week {
  int checks = 0;
  int flagged = 0;
  int converted = 0;
  int sent_anyway = 0;
  int cancelled = 0;
  int host_error = 0;
};

int report(const Arguments& arguments) {
  po::options_description options("audit report options");
  options.add_options()("help,h", "this text")("since", po::value<std::string>()->default_value(""),
                                               "from (UTC)")(
      "until", po::value<std::string>()->default_value(""), "to, inclusive (UTC)")(
      "log", po::value<std::vector<std::string>>()->composing(),
      "audit log file(s), '-' for stdin")("json", "machine-readable output");
  const auto values = parse_arguments(arguments, options, {}, kUsage);
  if (!values) return wants_help(arguments) ? exit_ok : exit_usage;
  const std::string since = (*values)["since"].as<std::string>();
  const std::string until = (*values)["until"].as<std::string>();
  const auto logs = read_logs(*values);
  if (!logs) return exit_usage;

  std::map<std::string, int> decisions;
  std::map<std::string, int> choices;
  std::map<std::string, int> rules;
  std::map<std::string, int> reasons;
  std::map<std::string, int> policies;
  std::map<std::string, int> clients;
  std::map<std::string, Week> weeks;
  std::string first;
  std::string last;
  int checks = 0;
  int recipients_flagged = 0;
  long long host_errors_dropped = 0;
  for (const json& entry : logs->entries) {
    const std::string time = entry.value("time", "");
    if (!in_period(time, since, until)) continue;
    if (first.empty() || time < first) first = time;
    if (last.empty() || time > last) last = time;
    Week& week = weeks[iso_week(time)];
    const std::string event = entry.value("event", "");
    if (event == "check") {
      ++checks;
      ++week.checks;
      const std::string decision = entry.value("decision", "?");
      ++decisions[decision];
      if (decision != "allow") {
        ++week.flagged;
        if (entry.contains("summary") && entry["summary"].is_object()) {
          recipients_flagged += entry["summary"].value("visibleRecipients", 0);
        }
      }
      if (entry.contains("rules") && entry["rules"].is_array()) {
        for (const json& rule : entry["rules"]) {
          if (rule.is_string()) ++rules[rule.get<std::string>()];
        }
      }
      ++policies[entry.value("policyStatus", "?") + " " + entry.value("policySource", "?")];
      ++clients[entry.value("client", "unknown")];
    } else if (event == "report" && entry.value("kind", "") == "host-error-dropped") {
      // Choices the extension could not keep: counted, so a full queue is not silence.
      const auto dropped = entry.find("dropped");
      if (dropped != entry.end() && dropped->is_number_integer() && *dropped > 0)
        host_errors_dropped += dropped->get<long long>();
    } else if (event == "report") {
      const std::string choice = entry.value("choice", "?");
      ++choices[choice];
      if (choice == "convert" || choice == "auto-convert") ++week.converted;
      if (choice == "send-anyway") ++week.sent_anyway;
      if (choice == "cancel") ++week.cancelled;
      if (choice.starts_with("host-error")) ++week.host_error;
      if (entry.contains("reason") && entry["reason"].is_string() &&
          !entry["reason"].get<std::string>().empty()) {
        ++reasons[entry["reason"].get<std::string>()];
      }
    }
  }
  const auto count = [](const std::map<std::string, int>& map, const std::string& key) {
    const auto found = map.find(key);
    return found == map.end() ? 0 : found->second;
  };
  if (values->count("json") != 0) {
    json weeks_json = json::object();
    for (const auto& [name, week] : weeks) {
      weeks_json[name] = {{"checks", week.checks},       {"warnings", week.flagged},
                          {"converted", week.converted}, {"sentAnyway", week.sent_anyway},
                          {"cancelled", week.cancelled}, {"hostError", week.host_error}};
    }
    std::cout << printable_json(json{{"from", first},
                                     {"to", last},
                                     {"checks", checks},
                                     {"decisions", decisions},
                                     {"choices", choices},
                                     {"rules", rules},
                                     {"reasons", reasons},
                                     {"policies", policies},
                                     {"clients", clients},
                                     {"weeks", weeks_json},
                                     {"hostErrorsNotRecorded", host_errors_dropped},
                                     {"unreadableLines", logs->unreadable}},
                                2)
              << "\n";
    return exit_ok;
  }
  std::ostringstream out;
  out << "BccShield audit report\n";
  out << "Period: "
      << printable(since.empty() ? (first.empty() ? "-" : first.substr(0, 10)) : since) << " to "
      << printable(until.empty() ? (last.empty() ? "-" : last.substr(0, 10)) : until) << " (UTC)\n";
  out << "Messages checked: " << checks << "\n";
  const int flagged = checks - count(decisions, "allow");
  out << "Warnings shown (a bulk send with addresses visible): " << flagged << " (warn "
      << count(decisions, "warn") << ", justify " << count(decisions, "justify") << ", block "
      << count(decisions, "block") << ", auto-convert " << count(decisions, "convert") << "), "
      << recipients_flagged << " visible recipients in those messages\n";
  out << "User choices:\n"
      << "  converted to Bcc      " << count(choices, "convert") << "\n"
      << "  converted (automatic) " << count(choices, "auto-convert") << "\n"
      << "  sent anyway           " << count(choices, "send-anyway") << "\n"
      << "  cancelled             " << count(choices, "cancel") << "\n"
      << "  host error, sent      " << count(choices, "host-error-send") << "\n"
      << "  host error, cancelled " << count(choices, "host-error-cancel") << "\n"
      << "  host error, converted " << count(choices, "host-error-convert") << "\n";
  if (host_errors_dropped != 0) {
    out << "  host error, not recorded (the extension's queue was full) " << host_errors_dropped
        << "\n";
  }
  out << "Rules triggered:";
  if (rules.empty()) out << " none";
  out << "\n";
  for (const auto& [rule, n] : rules)
    out << "  " << std::left << std::setw(22) << printable(rule) << n << "\n";
  out << "Reasons given for sending anyway:";
  if (reasons.empty()) out << " none";
  out << "\n";
  // Everything that comes from the log is escaped: a forged reason cannot draw report lines.
  for (const auto& [reason, n] : reasons)
    out << "  " << n << " x \"" << printable(reason) << "\"\n";
  out << "Per week:\n  week      checks  warnings  converted  sent-anyway  cancelled  host-error\n";
  for (const auto& [name, week] : weeks) {
    out << "  " << std::left << std::setw(10) << (name.empty() ? "?" : printable(name))
        << std::right << std::setw(6) << week.checks << std::setw(10) << week.flagged
        << std::setw(11) << week.converted << std::setw(13) << week.sent_anyway << std::setw(11)
        << week.cancelled << std::setw(12) << week.host_error << "\n";
  }
  out << "Policy in force (checks):\n";
  for (const auto& [policy, n] : policies) out << "  " << n << " x " << printable(policy) << "\n";
  if (logs->unreadable != 0) out << "Unreadable log lines skipped: " << logs->unreadable << "\n";
  out << "The log holds no e-mail address: recipients and senders appear only as keyed hashes.\n";
  std::cout << out.str();
  return exit_ok;
}

void collect_roles(const json& addresses, const std::string& hash, const std::string& prefix,
                   std::vector<std::string>& roles) {
  if (!addresses.is_object()) return;
  for (const char* field : {"from", "to", "cc", "bcc"}) {
    const auto found = addresses.find(field);
    if (found == addresses.end() || !found->is_array()) continue;
    for (const json& item : *found) {
      if (item.is_string() && item.get<std::string>() == hash) roles.push_back(prefix + field);
    }
  }
  if (const auto original = addresses.find("original"); original != addresses.end()) {
    collect_roles(*original, hash, "original.", roles);
  }
}

int lookup(const Arguments& arguments) {
  po::options_description options("audit lookup options");
  options.add_options()("help,h", "this text")("address", po::value<std::string>()->required(),
                                               "the address")(
      "log", po::value<std::vector<std::string>>()->composing(),
      "audit log file(s), '-' for stdin")("key", po::value<std::string>(),
                                          "audit key file (default: the one the host uses)");
  po::positional_options_description positional;
  positional.add("address", 1);
  const auto values = parse_arguments(arguments, options, positional, kUsage);
  if (!values) return wants_help(arguments) ? exit_ok : exit_usage;
  std::string error;
  std::optional<AuditSecret> secret;
  if (values->count("key") != 0) {
    secret.emplace();
    if (read_key_file((*values)["key"].as<std::string>(), secret->key) != KeyFileStatus::Ok) {
      secret.reset();
      error = (*values)["key"].as<std::string>() + " is not an audit key";
    }
  } else {
    secret = load_audit_secret(false, error);
  }
  if (!secret) {
    print_error(error);
    return exit_usage;
  }
  const auto keys = audit_address_keys((*values)["address"].as<std::string>());
  if (keys.size() != 1) {
    print_error("give exactly one address to look up");
    return exit_usage;
  }
  const std::string hash = secret->hash(keys.front());
  const auto logs = read_logs(*values);
  if (!logs) return exit_usage;
  const std::string key_id = secret->key_id();
  std::set<std::string> check_ids;
  std::map<std::string, int> other_keys;
  std::vector<json> found;
  // One pass in log order: a user's choice always follows the check it answers.
  for (const json& entry : logs->entries) {
    const std::string event = entry.value("event", "");
    if (event == "report") {
      if (check_ids.count(entry.value("checkId", "")) != 0) found.push_back(entry);
      continue;
    }
    if (event != "check") continue;
    const std::string entry_key = entry.value("keyId", "");
    if (entry_key != key_id) {
      ++other_keys[entry_key.empty() ? "(none)" : entry_key];
      continue;
    }
    std::vector<std::string> roles;
    collect_roles(entry.value("addresses", json::object()), hash, "", roles);
    if (roles.empty()) continue;
    json shown = entry;
    shown["matchedAs"] = roles;
    check_ids.insert(entry.value("checkId", ""));
    found.push_back(std::move(shown));
  }
  std::cout << "# pseudonym " << hash << " (audit key id " << key_id << "): " << check_ids.size()
            << " check(s) and " << found.size() - check_ids.size() << " user choice(s)\n";
  for (const json& entry : found) std::cout << printable_json(entry) << "\n";
  for (const auto& [other, n] : other_keys) {
    std::cout << "# " << n << " check(s) written under another audit key (" << printable(other)
              << ") were not searched\n";
  }
  return exit_ok;
}

std::optional<AuditSecret> secret_for(const po::variables_map& values) {
  std::string error;
  std::optional<AuditSecret> secret;
  if (values.count("key") != 0) {
    secret.emplace();
    if (read_key_file(values["key"].as<std::string>(), secret->key) != KeyFileStatus::Ok) {
      secret.reset();
      error = values["key"].as<std::string>() + " is not an audit key";
    }
  } else {
    secret = load_audit_secret(false, error);
  }
  if (!secret) print_error(error);
  return secret;
}

// Checks one file's chain; prints each break and returns how many lines did not verify.
std::size_t verify_file(const std::string& name, std::istream& in, const AuditSecret& secret) {
  const std::string key_id = secret.key_id();
  std::string previous;  // the chain value the next line must continue
  std::string line;
  std::size_t number = 0;
  std::size_t broken = 0;
  std::vector<std::string> seen;  // chain values so far: seen[k - 1] is line k's
  const auto report = [&](const std::string& problem) {
    ++broken;
    std::cout << printable(name) << ": line " << number << ": " << problem << "\n";
  };
  while (std::getline(in, line)) {
    ++number;
    // A syslog prefix ("Nov 27 08:00:00 pc bccshield-host[42]: ") is not part of the line.
    if (const auto brace = line.find('{'); brace != std::string::npos && brace != 0)
      line.erase(0, brace);
    const auto chained = split_chained_line(line);
    if (!chained) {
      report("carries no chain (edited, or written without an audit key or by an older host)");
      previous.clear();
      seen.emplace_back();
      continue;
    }
    std::string line_key;
    try {
      const json entry = json::parse(chained->content);
      if (entry.is_object()) line_key = entry.value("keyId", "");
    } catch (const json::exception&) {
      line_key.clear();
    }
    if (line_key != key_id) {
      report("written under another audit key (" + printable(line_key) + "): not checked");
    } else if (audit_chain_value(secret, previous, chained->content) != chained->chain) {
      // Which line does it continue? (Searched back a bounded way: a broken log stays fast.)
      std::size_t follows = 0;
      for (std::size_t k = seen.size(); k > 0 && seen.size() - k < kMaxChainSearch; --k) {
        if (audit_chain_value(secret, seen[k - 1], chained->content) == chained->chain) {
          follows = k;
          break;
        }
      }
      if (follows != 0) {
        report("follows line " + std::to_string(follows) + ", not line " +
               std::to_string(number - 1) + ": lines were removed or reordered");
      } else if (audit_chain_value(secret, "", chained->content) == chained->chain) {
        report("starts a chain of its own: the lines before it come from another file");
      } else {
        report(number == 1 ? "was edited, or lines before it were removed"
                           : "was edited, or the line before it was removed or moved");
      }
    }
    seen.push_back(chained->chain);
    previous = chained->chain;
  }
  if (broken == 0) {
    std::cout << printable(name) << ": " << number << " line(s), chain intact\n";
  }
  return broken;
}

int verify(const Arguments& arguments) {
  po::options_description options("audit verify options");
  options.add_options()("help,h", "this text")("log",
                                               po::value<std::vector<std::string>>()->composing(),
                                               "audit log file(s), '-' for stdin")(
      "key", po::value<std::string>(), "audit key file (default: the one the host uses)");
  const auto values = parse_arguments(arguments, options, {}, kUsage);
  if (!values) return wants_help(arguments) ? exit_ok : exit_usage;
  const auto secret = secret_for(*values);
  if (!secret) return exit_usage;
  std::vector<std::string> names;
  if (values->count("log") != 0) names = (*values)["log"].as<std::vector<std::string>>();
  if (names.empty()) {
    const auto path = default_audit_log_path();
    if (!path) {
      print_error("no audit log location (set --log)");
      return exit_usage;
    }
    for (const fs::path& file : audit_log_files(*path)) names.push_back(file.string());
    if (names.empty()) names.push_back(path->string());
  }
  std::size_t broken = 0;
  for (const std::string& name : names) {
    std::ifstream file;
    if (name != "-") {
      file.open(name, std::ios::binary);
      if (!file) {
        print_error("cannot read the audit log " + name);
        return exit_usage;
      }
    }
    broken += verify_file(name, name == "-" ? std::cin : file, *secret);
  }
  // Said every time: the chain proves what is there, not that nothing came after it.
  std::cout << "A removed end of a log, or a log rewritten by someone holding the audit key, "
               "cannot be seen here: compare with the forwarded syslog copy.\n";
  return broken == 0 ? exit_ok : exit_flagged;
}

int keygen(const Arguments& arguments) {
  po::options_description options("audit keygen options");
  options.add_options()("help,h", "this text")("output", po::value<std::string>()->required(),
                                               "the new key file")(
      "mode", po::value<std::string>()->default_value("0600"), "file mode: 0600, 0640 or 0644");
  const auto values = parse_arguments(arguments, options, {}, kUsage);
  if (!values) return wants_help(arguments) ? exit_ok : exit_usage;
  const std::string mode_text = (*values)["mode"].as<std::string>();
  fs::perms mode = fs::perms::owner_read | fs::perms::owner_write;
  if (mode_text == "0640") {
    mode |= fs::perms::group_read;
  } else if (mode_text == "0644") {
    mode |= fs::perms::group_read | fs::perms::others_read;
  } else if (mode_text != "0600") {
    print_error("--mode must be 0600, 0640 or 0644");
    return exit_usage;
  }
  const fs::path file = (*values)["output"].as<std::string>();
  if (std::string problem; !create_audit_key_file(file, mode, problem)) {
    print_error(problem + " (an existing key is never replaced)");
    return exit_usage;
  }
  AuditSecret secret;
  const bool readable = read_key_file(file, secret.key) == KeyFileStatus::Ok;
  std::cout << "audit key " << file.string() << " created (mode " << mode_text << ", key id "
            << (readable ? secret.key_id() : std::string("?")) << ")\n";
  return exit_ok;
}

}  // namespace

int run_audit(const Arguments& arguments) {
  if (!arguments.empty()) {
    const Arguments rest(arguments.begin() + 1, arguments.end());
    if (arguments[0] == "report") return report(rest);
    if (arguments[0] == "lookup") return lookup(rest);
    if (arguments[0] == "verify") return verify(rest);
    if (arguments[0] == "keygen") return keygen(rest);
    if (arguments[0] == "--help" || arguments[0] == "-h") {
      std::cout << "usage: " << kUsage << "\n";
      return exit_ok;
    }
  }
  print_error(std::string("usage: ") + kUsage);
  return exit_usage;
}

}  // namespace bccshield
