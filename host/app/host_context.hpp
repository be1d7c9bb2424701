#pragma once
// Builds the core's HostContext at the edge: policy from disk, random check ids, audit log.

#include <filesystem>
#include <memory>
#include <optional>

#include "audit_log.hpp"
#include "bccshield/protocol.hpp"

namespace bccshield {

struct HostRuntime {
  HostContext context;
  std::unique_ptr<AuditLog> audit_log;  // null when no location could be found
};

// `policy_file`: --policy, when given. `with_audit`: the CLI's check does not write the audit log.
// `host`: which host answered (serve mode; the CLI leaves it empty).
HostRuntime make_host_runtime(const std::optional<std::filesystem::path>& policy_file,
                              bool with_audit, HostIdentity host = {});

// Serve mode's identity: this executable, the manifest Thunderbird passed (argv[1]) and whether
// each is the system's; `overridden` from settle_environment_overrides (host_config.hpp).
HostIdentity serve_host_identity(const std::optional<std::string>& manifest, bool overridden);

}  // namespace bccshield
