#pragma once
// /etc/bccshield/host.conf (platform::MachineFile::HostConfig): what serve mode honours from
// the environment Thunderbird passes it (the user's whole environment, ~/.profile included).
// Same format as audit.conf:
//   # comment
//   allow-environment-overrides = true    honour BCCSHIELD_* variables in serve mode
// Without the file, or with a file a non-administrator could change, serve mode honours none.

#include <filesystem>
#include <string>

namespace bccshield {

struct HostConfig {
  bool allow_environment_overrides = false;
  std::string problem;  // why the file (or a line) was ignored; names the file, never an address
};

HostConfig load_host_config(const std::filesystem::path& file);

// Serve mode, at start-up: keeps the BCCSHIELD_* variables when host.conf allows it (returns
// true: "overridden", when there was any), else removes them from this process's environment
// (one stderr line naming the variables, never their values) and returns false.
bool settle_environment_overrides();

}  // namespace bccshield
