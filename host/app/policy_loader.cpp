#include "policy_loader.hpp"

#include "bccshield/identity.hpp"
#include "bccshield/protocol_error.hpp"
#include "file_util.hpp"
#include "policy_signature.hpp"

namespace bccshield {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxPolicyBytes = 4U * 1024U * 1024U;

LoadedPolicy refused(const fs::path& file, ErrorCode code, const std::string& message,
                     const std::string& field = {}) {
  LoadedPolicy loaded;
  loaded.status = PolicyStatus::refused(utf8_of(file), code, message, field);
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
  }
  location.public_key = env_path("BCCSHIELD_POLICY_KEY")
                            .value_or(platform::machine_file(platform::MachineFile::PolicyKey));
  return location;
}

LoadedPolicy load_policy(const PolicyLocation& location) {
  std::error_code ec;
  const bool key_installed = !location.public_key.empty() && fs::exists(location.public_key, ec);
  const FileContent file = read_file(location.file, kMaxPolicyBytes);
  switch (file.status) {
    case FileStatus::Missing:
      if (location.required || key_installed) {
        return refused(location.file, ErrorCode::PolicyUnreadable,
                       "the policy file does not exist");
      }
      return LoadedPolicy{};  // no policy configured: built-in defaults
    case FileStatus::Unreadable:
      return refused(location.file, ErrorCode::PolicyUnreadable, "cannot read the policy file");
    case FileStatus::TooLarge:
      return refused(location.file, ErrorCode::PolicyInvalid,
                     "the policy file is larger than 4 MiB");
    case FileStatus::Ok:
      break;
  }
  const std::string& content = file.text;

  bool verified = false;
  if (key_installed) {
    const SignatureCheck check =
        verify_policy_signature(location.file, content, location.public_key);
    if (!check.ok) return refused(location.file, ErrorCode::PolicySignature, check.message);
    verified = true;
  }
  try {
    LoadedPolicy loaded;
    loaded.policy = policy_from_text(content);
    loaded.status.state = PolicyState::Ok;
    loaded.status.source = utf8_of(location.file);
    loaded.status.signature_verified = verified;
    return loaded;
  } catch (const PolicyError& error) {
    return refused(location.file, ErrorCode::PolicyInvalid, error.what(), error.field());
  }
}

}  // namespace bccshield
