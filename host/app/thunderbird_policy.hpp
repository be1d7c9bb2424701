#pragma once
// Merges BccShield's force-install entry into Thunderbird's enterprise policies.json, and takes
// exactly that entry back out. Every other policy survives with the same meaning (and order).
//
//   {"policies": {"ExtensionSettings": {"bccshield@bccshield.org":
//       {"installation_mode": "force_installed", "install_url":
//       "file:///usr/share/bccshield/bccshield.xpi"}}}}
//
// `add` records in the state file what it created (the file, its folder, "ExtensionSettings",
// an entry that was there before), so `remove` restores exactly the file the admin had.

#include <filesystem>
#include <string>

#include "bccshield/identity.hpp"

namespace bccshield {

struct ThunderbirdPolicyRequest {
  std::filesystem::path file;        // /etc/thunderbird/policies/policies.json
  std::filesystem::path state_file;  // optional: /var/lib/bccshield/thunderbird-policy.json
  std::string extension_id = default_extension_id;
  std::string xpi_url;  // add only
  // add only: "block" or "ask" locks the extension's onHostError managed setting
  // (policies.3rdparty.Extensions[id].onHostError); empty: no lock (and one an earlier add set
  // is taken back).
  std::string lock_on_host_error;
  // add only: lock the extension's `engine` managed setting to "host" (issue 9): a machine with
  // the packaged host never lets the add-on's built-in engine decide instead.
  bool lock_engine_to_host = true;
};

// Both return false with a message naming the file when it cannot be read, parsed or written;
// the file is then left untouched. Writes are atomic (platform::replace_file_atomically: a
// random temporary name, mode and owner kept), under a lock on the file's folder against
// concurrent runs. Run as root, a file or folder that anyone but root can write is refused.
bool add_thunderbird_extension_policy(const ThunderbirdPolicyRequest& request,
                                      std::string& message);
bool remove_thunderbird_extension_policy(const ThunderbirdPolicyRequest& request,
                                         std::string& message);

}  // namespace bccshield
