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
HostRuntime make_host_runtime(const std::optional<std::filesystem::path>& policy_file,
                              bool with_audit);

}  // namespace bccshield
