#include "native_manifest.hpp"

#include "bccshield/identity.hpp"

namespace bccshield {

nlohmann::json native_manifest(const std::string& host_path, const std::string& extension_id) {
  return {{"name", host_name},
          {"description", host_description},
          {"path", host_path},
          {"type", "stdio"},
          {"allowed_extensions", {extension_id}}};
}

}  // namespace bccshield
