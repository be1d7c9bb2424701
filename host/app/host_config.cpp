#include "host_config.hpp"

#include <sstream>

#include "file_util.hpp"
#include "platform.hpp"
#include "print_error.hpp"

namespace bccshield {
namespace {

constexpr std::size_t kMaxHostConfigBytes = 64U * 1024U;
constexpr const char* kOverridePrefix = "BCCSHIELD_";

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

}  // namespace

HostConfig load_host_config(const std::filesystem::path& file) {
  HostConfig config;
  const FileContent content = read_file(file, kMaxHostConfigBytes);
  if (content.status == FileStatus::Missing) return config;
  if (content.status != FileStatus::Ok) {
    config.problem = content.error + " (ignored)";
    return config;
  }
  // A file a user could edit would let that user switch the guard off: it counts as absent.
  if (std::string why; !platform::admin_only(file, why)) {
    config.problem = file.string() + " is ignored: " + why;
    return config;
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
    if (key == "allow-environment-overrides" && (value == "true" || value == "false")) {
      config.allow_environment_overrides = value == "true";
    } else if (config.problem.empty()) {
      config.problem =
          file.string() + " line " + std::to_string(number) + ": not understood (ignored)";
    }
  }
  return config;
}

bool settle_environment_overrides() {
  const std::vector<std::string> names = platform::environment_names(kOverridePrefix);
  if (names.empty()) return false;
  const HostConfig config =
      load_host_config(platform::machine_file(platform::MachineFile::HostConfig));
  if (!config.problem.empty()) print_error(config.problem);
  if (config.allow_environment_overrides) return true;
  std::string list;
  for (const std::string& name : names) {
    platform::unset_environment(name);
    list += (list.empty() ? "" : ", ") + name;
  }
  print_error("serve mode ignores " + list + ": " +
              platform::machine_file(platform::MachineFile::HostConfig).string() +
              " does not allow environment overrides");
  return false;
}

}  // namespace bccshield
