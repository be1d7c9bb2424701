#pragma once
// The native messaging host manifest Thunderbird reads (thunderbird-facts.md).

#include <nlohmann/json.hpp>
#include <string>

namespace bccshield {

nlohmann::json native_manifest(const std::string& host_path, const std::string& extension_id);

}  // namespace bccshield
