#include "thunderbird_policy.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "file_util.hpp"

namespace bccshield {
namespace {

namespace fs = std::filesystem;
using OrderedJson = nlohmann::ordered_json;

constexpr std::size_t kMaxPoliciesBytes = 8U * 1024U * 1024U;

std::optional<std::string> read_text(const fs::path& file, std::string& message) {
  FileContent content = read_file(file, kMaxPoliciesBytes);
  if (content.status != FileStatus::Ok) {
    message = content.error;
    return std::nullopt;
  }
  return std::move(content.text);
}

std::optional<OrderedJson> read_json(const fs::path& file, std::string& message) {
  auto text = read_text(file, message);
  if (!text) return std::nullopt;
  try {
    return OrderedJson::parse(*text);
  } catch (const OrderedJson::parse_error& error) {
    message = file.string() + " is not valid JSON (" + error.what() +
              "): fix it, then run this again; nothing was changed";
    return std::nullopt;
  }
}

bool write_atomically(const fs::path& file, const std::string& text, fs::perms mode,
                      std::string& message) {
  const fs::path temporary = file.string() + ".bccshield-tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      message = "cannot write " + temporary.string();
      return false;
    }
  }
  std::error_code ec;
  fs::permissions(temporary, mode, ec);
  fs::rename(temporary, file, ec);
  if (ec) {
    fs::remove(temporary, ec);
    message = "cannot replace " + file.string() + ": " + ec.message();
    return false;
  }
  return true;
}

fs::perms mode_of(const fs::path& file) {
  std::error_code ec;
  const auto status = fs::status(file, ec);
  if (ec)
    return fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
           fs::perms::others_read;
  return status.permissions() & fs::perms::mask;
}

OrderedJson entry_for(const std::string& url) {
  return OrderedJson{{"installation_mode", "force_installed"}, {"install_url", url}};
}

}  // namespace

bool add_thunderbird_extension_policy(const ThunderbirdPolicyRequest& request,
                                      std::string& message) {
  std::error_code ec;
  OrderedJson state = {{"file", request.file.string()}, {"extensionId", request.extension_id},
                       {"createdFolder", false},        {"createdFile", false},
                       {"createdPolicies", false},      {"createdExtensionSettings", false},
                       {"previousEntry", nullptr}};
  OrderedJson document = OrderedJson::object();
  fs::perms mode = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                   fs::perms::others_read;
  // An earlier add (an upgrade re-runs postinst): keep its record of what the admin had.
  std::optional<OrderedJson> earlier_state;
  if (!request.state_file.empty() && fs::exists(request.state_file, ec)) {
    std::string ignored;
    earlier_state = read_json(request.state_file, ignored);
  }
  if (fs::exists(request.file, ec)) {
    auto existing = read_json(request.file, message);
    if (!existing) return false;
    if (!existing->is_object()) {
      message = request.file.string() + " does not hold a JSON object; nothing was changed";
      return false;
    }
    document = std::move(*existing);
    mode = mode_of(request.file);
  } else {
    state["createdFile"] = true;
    if (!fs::exists(request.file.parent_path(), ec)) {
      state["createdFolder"] = true;
      fs::create_directories(request.file.parent_path(), ec);
      if (ec) {
        message = "cannot create " + request.file.parent_path().string() + ": " + ec.message();
        return false;
      }
    }
  }
  if (!document.contains("policies")) {
    state["createdPolicies"] = true;
    document["policies"] = OrderedJson::object();
  }
  OrderedJson& policies = document["policies"];
  if (!policies.is_object()) {
    message = request.file.string() + ": \"policies\" is not an object; nothing was changed";
    return false;
  }
  if (!policies.contains("ExtensionSettings")) {
    state["createdExtensionSettings"] = true;
    policies["ExtensionSettings"] = OrderedJson::object();
  }
  OrderedJson& settings = policies["ExtensionSettings"];
  if (!settings.is_object()) {
    message =
        request.file.string() + ": \"ExtensionSettings\" is not an object; nothing was changed";
    return false;
  }
  if (settings.contains(request.extension_id))
    state["previousEntry"] = settings[request.extension_id];
  if (earlier_state && earlier_state->is_object() &&
      earlier_state->value("file", "") == request.file.string()) {
    // Already added by us: what the admin had is what the first add recorded.
    for (const char* key : {"createdFolder", "createdFile", "createdPolicies",
                            "createdExtensionSettings", "previousEntry"}) {
      if (earlier_state->contains(key)) state[key] = (*earlier_state)[key];
    }
  }
  settings[request.extension_id] = entry_for(request.xpi_url);
  if (!write_atomically(request.file, document.dump(2) + "\n", mode, message)) return false;
  if (!request.state_file.empty()) {
    fs::create_directories(request.state_file.parent_path(), ec);
    std::string ignored;
    if (!write_atomically(request.state_file, state.dump(2) + "\n",
                          fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                              fs::perms::others_read,
                          ignored)) {
      message = "updated " + request.file.string() + " but cannot record the change in " +
                request.state_file.string();
      return false;
    }
  }
  message = request.file.string() + ": " + request.extension_id + " is force-installed from " +
            request.xpi_url;
  return true;
}

bool remove_thunderbird_extension_policy(const ThunderbirdPolicyRequest& request,
                                         std::string& message) {
  std::error_code ec;
  OrderedJson state = OrderedJson::object();
  if (!request.state_file.empty() && fs::exists(request.state_file, ec)) {
    std::string ignored;
    if (auto loaded = read_json(request.state_file, ignored); loaded && loaded->is_object())
      state = *loaded;
  }
  auto finish = [&](const std::string& text) {
    if (!request.state_file.empty()) fs::remove(request.state_file, ec);
    message = text;
    return true;
  };
  if (!fs::exists(request.file, ec))
    return finish(request.file.string() + " does not exist: nothing to remove");
  auto loaded = read_json(request.file, message);
  if (!loaded) return false;
  OrderedJson document = std::move(*loaded);
  if (!document.is_object() || !document.contains("policies") ||
      !document["policies"].is_object()) {
    return finish(request.file.string() + " holds no policies: nothing to remove");
  }
  OrderedJson& policies = document["policies"];
  if (!policies.contains("ExtensionSettings") || !policies["ExtensionSettings"].is_object() ||
      !policies["ExtensionSettings"].contains(request.extension_id)) {
    return finish(request.file.string() + " has no entry for " + request.extension_id +
                  ": nothing to remove");
  }
  OrderedJson& settings = policies["ExtensionSettings"];
  const OrderedJson previous = state.value("previousEntry", OrderedJson());
  if (!previous.is_null()) {
    settings[request.extension_id] = previous;  // the admin's own entry comes back
  } else {
    settings.erase(request.extension_id);
  }
  if (settings.empty() && state.value("createdExtensionSettings", !state.contains("file"))) {
    policies.erase("ExtensionSettings");
  }
  const bool nothing_left = policies.empty() && document.size() == 1;
  if (nothing_left && state.value("createdFile", false)) {
    fs::remove(request.file, ec);
    if (state.value("createdFolder", false))
      fs::remove(request.file.parent_path(), ec);  // only if empty
    return finish(request.file.string() + ": removed (BccShield had created it)");
  }
  if (policies.empty() && state.value("createdPolicies", false)) document.erase("policies");
  if (!write_atomically(request.file, document.dump(2) + "\n", mode_of(request.file), message))
    return false;
  return finish(request.file.string() + ": the " + request.extension_id +
                " entry is removed, other policies kept");
}

}  // namespace bccshield
