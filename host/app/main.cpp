// bccshield-host: the native messaging host Thunderbird starts, and the admins' command line.
#include <sodium.h>

#include <array>
#include <cstring>
#include <ctime>
#include <iostream>
#include <string>

#include "bccshield/domain.hpp"
#include "bccshield/identity.hpp"
#include "commands.hpp"
#include "platform.hpp"

namespace {

constexpr const char* kUsage =
    "Usage: bccshield-host [COMMAND] [OPTIONS]\n"
    "\n"
    "Without a command (or with the manifest path and extension id Thunderbird passes) the host\n"
    "serves native messaging on stdin/stdout until end of input.\n"
    "\n"
    "Commands:\n"
    "  check [--policy FILE] [--eml] [FILE|-]   print the verdict for a draft (JSON) or an .eml\n"
    "                                           exit 0 allow, 1 any other decision, 2 bad input\n"
    "  policy validate FILE                     check a policy file against the schema\n"
    "  policy keygen|sign|verify|status         Ed25519-signed policies (policy --help)\n"
    "  policy install POLICY [SIG]              (root) install a verified policy, record its "
    "serial\n"
    "  policy thunderbird add|remove            merge the force-install entry into policies.json\n"
    "  audit report [--since DATE]              summary of the audit log for the DPO\n"
    "  audit lookup ADDRESS                     the audit entries of one address (access request)\n"
    "  manifest --host-path P [--extension-id ID]   print the native messaging host manifest\n"
    "  serve                                    native messaging on stdin/stdout (explicit)\n"
    "\n"
    "Options:\n"
    "  --help       this text\n"
    "  --version    the host and protocol versions, the date of the built-in public suffix list\n";

// The day the built-in Public Suffix List was last changed, YYYY-MM-DD (UTC).
std::string public_suffix_list_date() {
  const std::tm parts =
      bccshield::platform::utc_time(static_cast<std::time_t>(bccshield::public_suffix_list_time()));
  std::array<char, 16> text{};
  std::strftime(text.data(), text.size(), "%Y-%m-%d", &parts);
  return text.data();
}

}  // namespace

int main(int argc, char** argv) {
  bccshield::platform::tune_allocator();  // before the first large allocation
  if (sodium_init() < 0) {
    bccshield::print_error("libsodium could not be initialised");
    return 70;
  }
  const bccshield::Arguments all = bccshield::platform::utf8_arguments(argc, argv);
  if (all.empty()) return bccshield::run_serve();
  const std::string& command = all.front();
  const bccshield::Arguments rest(all.begin() + 1, all.end());
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return bccshield::exit_ok;
  }
  if (command == "--version") {
    std::cout << "bccshield-host " << bccshield::host_version << " (protocol "
              << bccshield::protocol_version << ")\n"
              << "public suffix list of " << public_suffix_list_date() << " (built in)\n";
    return bccshield::exit_ok;
  }
  if (command == "serve") return bccshield::run_serve();
  if (command == "check") return bccshield::run_check(rest);
  if (command == "policy") return bccshield::run_policy(rest);
  if (command == "manifest") return bccshield::run_manifest(rest);
  if (command == "audit") return bccshield::run_audit(rest);
  if (command.find('/') != std::string::npos || command.find('\\') != std::string::npos ||
      command.ends_with(".json")) {
    // Gecko starts the host as `<path> <manifest path> <extension id>`: NativeMessaging.sys.mjs
    // (gecko-dev 390455a8), `arguments: [hostInfo.path, context.extension.id]`, hostInfo.path
    // being the absolute path of the manifest NativeManifests.sys.mjs found.
    return bccshield::run_serve(command);
  }
  bccshield::print_error("unknown command '" + command + "' (see --help)");
  return bccshield::exit_usage;
}
