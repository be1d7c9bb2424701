#include "thunderbird_policy.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "file_util.hpp"
#include "platform.hpp"

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
    message = utf8_of(file) + " is not valid JSON (" + error.what() +
              "): fix it, then run this again; nothing was changed";
    return std::nullopt;
  }
}

constexpr fs::perms kNewFileMode =
    fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read;

// The managed settings `add` locks (policies.3rdparty.Extensions[id], the keys of
// manifests/managed-storage.json): `engine: host` always — the packages ship the native host, so
// the add-on's built-in engine must never stand in for it — and onHostError when asked.
std::vector<std::pair<std::string, std::string>> requested_locks(
    const ThunderbirdPolicyRequest& request) {
  std::vector<std::pair<std::string, std::string>> locks;
  if (request.lock_engine_to_host) locks.emplace_back("engine", "host");
  if (!request.lock_on_host_error.empty())
    locks.emplace_back("onHostError", request.lock_on_host_error);
  return locks;
}

// The 3rdparty entry of the extension, or nullptr when any level is missing or not an object.
OrderedJson* managed_entry(OrderedJson& policies, const std::string& extension_id) {
  if (!policies.contains("3rdparty") || !policies["3rdparty"].is_object()) return nullptr;
  OrderedJson& third = policies["3rdparty"];
  if (!third.contains("Extensions") || !third["Extensions"].is_object()) return nullptr;
  OrderedJson& extensions = third["Extensions"];
  if (!extensions.contains(extension_id) || !extensions[extension_id].is_object()) return nullptr;
  return &extensions[extension_id];
}

// Undoes the locks `state` recorded (state["lockedSettings"]: key -> the admin's previous value
// or null) for the keys `which` accepts; containers BccShield created go if left empty.
template <typename Which>
void restore_managed_locks(OrderedJson& policies, const ThunderbirdPolicyRequest& request,
                           OrderedJson& state, Which which) {
  if (!state.contains("lockedSettings") || !state["lockedSettings"].is_object()) return;
  OrderedJson& locked = state["lockedSettings"];
  OrderedJson* managed = managed_entry(policies, request.extension_id);
  for (auto it = locked.begin(); it != locked.end();) {
    if (!which(it.key())) {
      ++it;
      continue;
    }
    if (managed != nullptr) {
      if (it.value().is_null()) {
        managed->erase(it.key());
      } else {
        (*managed)[it.key()] = it.value();
      }
    }
    it = locked.erase(it);
  }
  if (!locked.empty()) return;
  state.erase("lockedSettings");
  if (managed != nullptr && managed->empty() && state.value("createdManagedEntry", false))
    policies["3rdparty"]["Extensions"].erase(request.extension_id);
  if (policies.contains("3rdparty") && policies["3rdparty"].is_object()) {
    OrderedJson& third = policies["3rdparty"];
    if (third.contains("Extensions") && third["Extensions"].is_object() &&
        third["Extensions"].empty() && state.value("createdExtensions", false))
      third.erase("Extensions");
    if (third.empty() && state.value("createdThirdParty", false)) policies.erase("3rdparty");
  }
  for (const char* key : {"createdThirdParty", "createdExtensions", "createdManagedEntry"})
    state.erase(key);
}

// Thunderbird's policies.json decides what every user of the machine runs: as root, refuse to
// edit one that a user could change (or swap) under us, and write it only as
// platform::replace_file_atomically does (no fixed temporary name, mode and owner kept).
bool safe_to_edit(const fs::path& file, std::string& message) {
  if (!platform::running_as_admin()) return true;  // an admin's own files, or a test folder
  // The file, else the nearest folder above it that exists (what will be created goes there).
  std::error_code ec;
  fs::path judged = fs::absolute(file, ec);
  while (!fs::exists(fs::symlink_status(judged, ec)) && judged.has_parent_path() &&
         judged.parent_path() != judged)
    judged = judged.parent_path();
  if (std::string why; !platform::admin_only(judged, why)) {
    message = "refusing to edit " + utf8_of(file) + " as root: " + why +
              " (a user could replace what root writes); make it root-owned and not "
              "group- or world-writable";
    return false;
  }
  return true;
}

bool write_atomically(const fs::path& file, const std::string& text, std::string& message) {
  return platform::replace_file_atomically(file, text, kNewFileMode, message);
}

// Sets the requested locks, recording what was there so remove (or a later add without a lock)
// puts it back. An earlier add's record is kept: what the admin had is what the first add saw.
bool apply_managed_locks(OrderedJson& policies, const ThunderbirdPolicyRequest& request,
                         OrderedJson& state, const std::optional<OrderedJson>& earlier,
                         std::string& message) {
  if (earlier) {
    for (const char* key :
         {"lockedSettings", "createdThirdParty", "createdExtensions", "createdManagedEntry"}) {
      if (earlier->contains(key)) state[key] = (*earlier)[key];
    }
  }
  const auto locks = requested_locks(request);
  const auto requested = [&](const std::string& key) {
    return std::any_of(locks.begin(), locks.end(),
                       [&](const auto& lock) { return lock.first == key; });
  };
  // Locks no longer asked for are taken back.
  restore_managed_locks(policies, request, state,
                        [&](const std::string& key) { return !requested(key); });
  if (locks.empty()) return true;
  const bool containers_recorded = state.contains("lockedSettings");
  if (!policies.contains("3rdparty")) {
    if (!containers_recorded) state["createdThirdParty"] = true;
    policies["3rdparty"] = OrderedJson::object();
  }
  OrderedJson& third = policies["3rdparty"];
  if (!third.is_object()) {
    message = utf8_of(request.file) + ": \"3rdparty\" is not an object; nothing was changed";
    return false;
  }
  if (!third.contains("Extensions")) {
    if (!containers_recorded) state["createdExtensions"] = true;
    third["Extensions"] = OrderedJson::object();
  }
  OrderedJson& extensions = third["Extensions"];
  if (!extensions.is_object()) {
    message =
        utf8_of(request.file) + ": \"3rdparty.Extensions\" is not an object; nothing was changed";
    return false;
  }
  if (!extensions.contains(request.extension_id)) {
    if (!containers_recorded) state["createdManagedEntry"] = true;
    extensions[request.extension_id] = OrderedJson::object();
  }
  OrderedJson& managed = extensions[request.extension_id];
  if (!managed.is_object()) {
    message = utf8_of(request.file) + ": the 3rdparty entry of " + request.extension_id +
              " is not an object; nothing was changed";
    return false;
  }
  if (!containers_recorded) state["lockedSettings"] = OrderedJson::object();
  OrderedJson& locked = state["lockedSettings"];
  for (const auto& [key, value] : locks) {
    if (!locked.contains(key)) locked[key] = managed.contains(key) ? managed[key] : OrderedJson();
    managed[key] = value;
  }
  return true;
}

OrderedJson entry_for(const std::string& url) {
  return OrderedJson{{"installation_mode", "force_installed"}, {"install_url", url}};
}

// Creates the folder of `file` (0755) when missing; says whether it did.
bool ensure_folder(const fs::path& file, bool& created, std::string& message) {
  std::error_code ec;
  created = false;
  const fs::path folder = file.parent_path();
  if (folder.empty() || fs::exists(folder, ec)) return true;
  fs::create_directories(folder, ec);
  if (ec) {
    message = "cannot create " + utf8_of(folder) + ": " + ec.message();
    return false;
  }
  created = true;
  return true;
}

// Concurrent runs (two package scripts, an admin by hand) queue on the folder of the file:
// each reads, merges and replaces while holding it, so no entry is lost.
std::optional<platform::FolderLock> lock_folder_of(const fs::path& file, std::string& message) {
  std::string error;
  auto lock = platform::FolderLock::acquire(
      file.has_parent_path() ? file.parent_path() : fs::path("."), error);
  if (!lock) message = error;
  return lock;
}

}  // namespace

bool add_thunderbird_extension_policy(const ThunderbirdPolicyRequest& request,
                                      std::string& message) {
  std::error_code ec;
  OrderedJson state = {{"file", utf8_of(request.file)}, {"extensionId", request.extension_id},
                       {"createdFolder", false},        {"createdFile", false},
                       {"createdPolicies", false},      {"createdExtensionSettings", false},
                       {"previousEntry", nullptr}};
  OrderedJson document = OrderedJson::object();
  bool created_folder = false;
  if (!ensure_folder(request.file, created_folder, message)) return false;
  if (!safe_to_edit(request.file, message)) return false;
  if (!request.state_file.empty() && !safe_to_edit(request.state_file, message)) return false;
  const auto lock = lock_folder_of(request.file, message);
  if (!lock) return false;
  // An earlier add (an upgrade re-runs postinst): keep its record of what the admin had.
  std::optional<OrderedJson> earlier_state;
  if (!request.state_file.empty() && fs::exists(request.state_file, ec)) {
    std::string ignored;
    earlier_state = read_json(request.state_file, ignored);
    if (earlier_state &&
        (!earlier_state->is_object() || earlier_state->value("file", "") != utf8_of(request.file)))
      earlier_state.reset();
  }
  if (fs::exists(fs::symlink_status(request.file, ec))) {
    auto existing = read_json(request.file, message);
    if (!existing) return false;
    if (!existing->is_object()) {
      message = utf8_of(request.file) + " does not hold a JSON object; nothing was changed";
      return false;
    }
    document = std::move(*existing);
  } else {
    state["createdFile"] = true;
    state["createdFolder"] = created_folder;
  }
  if (!document.contains("policies")) {
    state["createdPolicies"] = true;
    document["policies"] = OrderedJson::object();
  }
  OrderedJson& policies = document["policies"];
  if (!policies.is_object()) {
    message = utf8_of(request.file) + ": \"policies\" is not an object; nothing was changed";
    return false;
  }
  if (!policies.contains("ExtensionSettings")) {
    state["createdExtensionSettings"] = true;
    policies["ExtensionSettings"] = OrderedJson::object();
  }
  OrderedJson& settings = policies["ExtensionSettings"];
  if (!settings.is_object()) {
    message =
        utf8_of(request.file) + ": \"ExtensionSettings\" is not an object; nothing was changed";
    return false;
  }
  if (settings.contains(request.extension_id))
    state["previousEntry"] = settings[request.extension_id];
  if (earlier_state) {
    // Already added by us: what the admin had is what the first add recorded.
    for (const char* key : {"createdFolder", "createdFile", "createdPolicies",
                            "createdExtensionSettings", "previousEntry"}) {
      if (earlier_state->contains(key)) state[key] = (*earlier_state)[key];
    }
  }
  settings[request.extension_id] = entry_for(request.xpi_url);
  if (!apply_managed_locks(policies, request, state, earlier_state, message)) return false;
  if (!write_atomically(request.file, document.dump(2) + "\n", message)) return false;
  if (!request.state_file.empty()) {
    bool ignored_created = false;
    std::string problem;
    if (!ensure_folder(request.state_file, ignored_created, problem) ||
        !write_atomically(request.state_file, state.dump(2) + "\n", problem)) {
      message = "updated " + utf8_of(request.file) + " but cannot record the change in " +
                utf8_of(request.state_file) + ": " + problem;
      return false;
    }
  }
  message = utf8_of(request.file) + ": " + request.extension_id + " is force-installed from " +
            request.xpi_url;
  for (const auto& [key, value] : requested_locks(request))
    message += "; " + key + " locked to " + value;
  return true;
}

bool remove_thunderbird_extension_policy(const ThunderbirdPolicyRequest& request,
                                         std::string& message) {
  std::error_code ec;
  if (!fs::exists(request.file.parent_path(), ec)) {
    if (!request.state_file.empty()) fs::remove(request.state_file, ec);
    message = utf8_of(request.file) + " does not exist: nothing to remove";
    return true;
  }
  if (!safe_to_edit(request.file, message)) return false;
  if (!request.state_file.empty() && fs::exists(request.state_file, ec) &&
      !safe_to_edit(request.state_file, message))
    return false;
  const auto lock = lock_folder_of(request.file, message);
  if (!lock) return false;
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
  if (!fs::exists(fs::symlink_status(request.file, ec)))
    return finish(utf8_of(request.file) + " does not exist: nothing to remove");
  auto loaded = read_json(request.file, message);
  if (!loaded) return false;
  OrderedJson document = std::move(*loaded);
  if (!document.is_object() || !document.contains("policies") ||
      !document["policies"].is_object()) {
    return finish(utf8_of(request.file) + " holds no policies: nothing to remove");
  }
  OrderedJson& policies = document["policies"];
  if (!state.contains("file")) {
    // No record (added without --state): the engine lock is ours when it says "host".
    if (OrderedJson* managed = managed_entry(policies, request.extension_id);
        managed != nullptr && managed->value("engine", "") == "host")
      managed->erase("engine");
  }
  restore_managed_locks(policies, request, state, [](const std::string&) { return true; });
  if (!policies.contains("ExtensionSettings") || !policies["ExtensionSettings"].is_object() ||
      !policies["ExtensionSettings"].contains(request.extension_id)) {
    return finish(utf8_of(request.file) + " has no entry for " + request.extension_id +
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
    return finish(utf8_of(request.file) + ": removed (BccShield had created it)");
  }
  if (policies.empty() && state.value("createdPolicies", false)) document.erase("policies");
  if (!write_atomically(request.file, document.dump(2) + "\n", message)) return false;
  return finish(utf8_of(request.file) + ": the " + request.extension_id +
                " entry is removed, other policies kept");
}

}  // namespace bccshield
