#include "native_manifest.hpp"

#include "bccshield/version.hpp"

namespace bccshield {

nlohmann::json native_manifest(const std::string& host_path, const std::string& extension_id) {
  return {{"name", host_name},
          {"description", "BccShield: warns before a bulk e-mail exposes its recipients"},
          {"path", host_path},
          {"type", "stdio"},
          {"allowed_extensions", {extension_id}}};
}

}  // namespace bccshield
