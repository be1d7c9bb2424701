#include "host_context.hpp"

#include <sodium.h>

#include <array>

#include "file_util.hpp"
#include "platform.hpp"
#include "policy_loader.hpp"
#include "print_error.hpp"

namespace bccshield {
namespace {

std::string random_check_id() {
  std::array<unsigned char, 12> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::array<char, 2 * 12 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
  return hex.data();
}

}  // namespace

HostIdentity serve_host_identity(const std::optional<std::string>& manifest, bool overridden) {
  HostIdentity host;
  if (const auto self = platform::executable_path()) {
    host.path = utf8_of(*self);
    host.system_host = platform::is_system_host(*self);
  }
  host.manifest = manifest;
  host.system_manifest = platform::is_system_manifest(
      manifest ? std::optional<std::filesystem::path>(*manifest) : std::nullopt);
  host.overridden = overridden;
  return host;
}

HostRuntime make_host_runtime(const std::optional<std::filesystem::path>& policy_file,
                              bool with_audit, HostIdentity host) {
  HostRuntime runtime;
  runtime.context.host = std::move(host);
  LoadedPolicy loaded = load_policy(policy_location(policy_file));
  runtime.context.policy = std::move(loaded.policy);
  runtime.context.policy_status = std::move(loaded.status);
  if (const auto& refusal = runtime.context.policy_status.error) {
    // Shown in Thunderbird's error console; the message names the file, never an address.
    print_error(runtime.context.policy_status.state == PolicyState::Strict
                    ? "policy refused, every rule blocks (strict state): " + refusal->message
                    : "policy refused, built-in defaults apply: " + refusal->message);
  }
  runtime.context.new_check_id = random_check_id;
  randombytes_buf(&runtime.context.hash_seed, sizeof runtime.context.hash_seed);
  if (with_audit) {
    if (auto path = default_audit_log_path()) {
      runtime.audit_log = std::make_unique<AuditLog>(*path);
      runtime.audit_log->apply_policy(runtime.context.policy);  // minimisation, retention
      runtime.context.audit = runtime.audit_log.get();
    }
  }
  return runtime;
}

}  // namespace bccshield
