#include "policy_loader.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "bccshield/identity.hpp"
#include "bccshield/protocol_error.hpp"
#include "policy_signature.hpp"

namespace bccshield {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxPolicyBytes = 4U * 1024U * 1024U;

std::optional<fs::path> env_path(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read once at start-up
  if (value == nullptr || *value == '\0') return std::nullopt;
  return fs::path(value);
}

LoadedPolicy refused(const fs::path& file, ErrorCode code, const std::string& message) {
  LoadedPolicy loaded;
  loaded.status.status = "error";
  loaded.status.source = file.string();
  loaded.status.error = {{"code", static_cast<int>(code)},
                         {"name", error_name(code)},
                         {"message", message},
                         {"file", file.string()}};
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
    location.file = system_policy_file;
  }
  location.public_key = env_path("BCCSHIELD_POLICY_KEY").value_or(fs::path(system_policy_key_file));
  return location;
}

LoadedPolicy load_policy(const PolicyLocation& location) {
  std::error_code ec;
  const bool exists = fs::exists(location.file, ec);
  const bool key_installed = !location.public_key.empty() && fs::exists(location.public_key, ec);
  if (!exists) {
    if (location.required || key_installed) {
      return refused(location.file, ErrorCode::PolicyUnreadable, "the policy file does not exist");
    }
    return LoadedPolicy{};  // no policy configured: built-in defaults
  }
  const auto size = fs::file_size(location.file, ec);
  if (ec)
    return refused(location.file, ErrorCode::PolicyUnreadable,
                   "cannot read the policy file: " + ec.message());
  if (size > kMaxPolicyBytes)
    return refused(location.file, ErrorCode::PolicyInvalid, "the policy file is larger than 4 MiB");
  std::ifstream in(location.file, std::ios::binary);
  if (!in)
    return refused(location.file, ErrorCode::PolicyUnreadable, "cannot open the policy file");
  std::ostringstream text;
  text << in.rdbuf();
  const std::string content = text.str();

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
    loaded.status.status = "ok";
    loaded.status.source = location.file.string();
    loaded.status.signature_verified = verified;
    return loaded;
  } catch (const PolicyError& error) {
    return refused(location.file, ErrorCode::PolicyInvalid, error.what());
  }
}

}  // namespace bccshield
