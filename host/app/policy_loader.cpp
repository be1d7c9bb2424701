#include "policy_loader.hpp"

#include "bccshield/identity.hpp"
#include "bccshield/protocol_error.hpp"
#include "file_util.hpp"
#include "policy_serial.hpp"
#include "policy_signature.hpp"
#include "print_error.hpp"

namespace bccshield {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxPolicyBytes = 4U * 1024U * 1024U;

LoadedPolicy refused(const fs::path& file, ErrorCode code, const std::string& message,
                     PolicyState state, const std::string& field = {}) {
  LoadedPolicy loaded;
  if (state == PolicyState::Strict) loaded.policy = Policy::strict();
  loaded.status = PolicyStatus::refused(file.string(), code, message, field, state);
  return loaded;
}

}  // namespace

PolicyLocation policy_location(const std::optional<fs::path>& explicit_file) {
  PolicyLocation location;
  if (explicit_file) {
    location.file = *explicit_file;
    location.required = true;
  } else if (auto from_env = env_path("BCCSHIELD_POLICY")) {
    location.file = *from_env;
    location.required = true;
  } else {
    location.file = platform::machine_file(platform::MachineFile::Policy);
    // Rollback protection guards the installed policy; a file named on purpose (an admin's
    // `check --policy`, a test's allowed override) is judged on its own.
    location.serial_record = platform::machine_file(platform::MachineFile::PolicySerial);
  }
  location.public_key = env_path("BCCSHIELD_POLICY_KEY")
                            .value_or(platform::machine_file(platform::MachineFile::PolicyKey));
  return location;
}

LoadedPolicy load_policy(const PolicyLocation& location, std::time_t now) {
  std::error_code ec;
  const bool key_installed = !location.public_key.empty() && fs::exists(location.public_key, ec);
  // With a key installed, the admin said "only what I signed": anything else must not weaken
  // the guard (deleting the .sig used to bring back the built-in defaults).
  const PolicyState untrusted = key_installed ? PolicyState::Strict : PolicyState::Error;
  const FileContent file = read_file(location.file, kMaxPolicyBytes);
  switch (file.status) {
    case FileStatus::Missing:
      if (location.required || key_installed) {
        return refused(location.file, ErrorCode::PolicyUnreadable, "the policy file does not exist",
                       untrusted);
      }
      return LoadedPolicy{};  // no policy configured: built-in defaults
    case FileStatus::Unreadable:
      return refused(location.file, ErrorCode::PolicyUnreadable, "cannot read the policy file",
                     untrusted);
    case FileStatus::TooLarge:
      return refused(location.file, ErrorCode::PolicyInvalid,
                     "the policy file is larger than 4 MiB", untrusted);
    case FileStatus::Ok:
      break;
  }
  const std::string& content = file.text;

  std::optional<std::string> key_id;
  if (key_installed) {
    const SignatureCheck check =
        verify_policy_signature(location.file, content, location.public_key);
    if (!check.ok) {
      return refused(location.file, ErrorCode::PolicySignature, check.message, untrusted);
    }
    key_id = check.key_id;
  }
  Policy policy;
  try {
    policy = policy_from_text(content);
  } catch (const PolicyError& error) {
    return refused(location.file, ErrorCode::PolicyInvalid, error.what(), untrusted, error.field());
  }
  if (!location.serial_record.empty()) {
    const RecordedSerial recorded = read_recorded_serial(location.serial_record);
    if (!recorded.problem.empty()) print_error(recorded.problem);
    if (recorded.serial && policy.serial.value_or(0) < *recorded.serial) {
      return refused(location.file, ErrorCode::PolicyRolledBack,
                     "the policy's serial " +
                         (policy.serial ? std::to_string(*policy.serial) : std::string("(none)")) +
                         " is below " + std::to_string(*recorded.serial) +
                         ", the highest installed (" + location.serial_record.string() +
                         "): an older policy was put back; install the current one with "
                         "`bccshield-host policy install`",
                     PolicyState::Strict, "/serial");
    }
  }
  if (policy.not_after_s && *policy.not_after_s <= static_cast<std::int64_t>(now)) {
    return refused(location.file, ErrorCode::PolicyExpired,
                   "the policy expired at " + *policy.not_after +
                       " (notAfter): sign and install a current one",
                   PolicyState::Strict, "/notAfter");
  }
  LoadedPolicy loaded;
  loaded.status.state = PolicyState::Ok;
  loaded.status.source = location.file.string();
  loaded.status.signature_verified = key_id.has_value();
  loaded.status.key_id = key_id;
  loaded.status.serial = policy.serial;
  loaded.status.not_after = policy.not_after;
  loaded.policy = std::move(policy);
  return loaded;
}

}  // namespace bccshield
