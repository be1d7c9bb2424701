// bccshield-host policy validate | keygen | sign | verify | status | thunderbird add|remove
#include <iostream>

#include "bccshield/identity.hpp"
#include "bccshield/policy.hpp"
#include "cli_options.hpp"
#include "file_util.hpp"
#include "key_file.hpp"
#include "policy_keys.hpp"
#include "policy_loader.hpp"
#include "policy_serial.hpp"
#include "policy_signature.hpp"
#include "thunderbird_policy.hpp"

namespace bccshield {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;

constexpr std::size_t kMaxPolicyInputBytes = 4U * 1024U * 1024U;

std::string usage() {
  return std::string(
             "bccshield-host policy validate FILE\n"
             "       bccshield-host policy keygen --secret-key FILE --public-key FILE\n"
             "       bccshield-host policy sign --secret-key FILE POLICY      (writes POLICY.sig)\n"
             "       bccshield-host policy verify [--public-key FILE] POLICY  (default key: "
             "$BCCSHIELD_POLICY_KEY,\n"
             "                                                                  else ") +
         utf8_of(platform::machine_file(platform::MachineFile::PolicyKey)) +
         ")\n"
         "       bccshield-host policy status                             (what the host applies "
         "now)\n"
         "       bccshield-host policy install POLICY [SIG]   (root: verify, install, record the "
         "serial)\n"
         "       bccshield-host policy thunderbird add --file F --xpi-url URL [--state S] "
         "[--extension-id ID]\n"
         "           [--lock-on-host-error block|ask]\n"
         "       bccshield-host policy thunderbird remove --file F [--state S] [--extension-id ID]";
}

int validate(const std::string& file) {
  const auto text = read_input(file, kMaxPolicyInputBytes);
  if (!text) return exit_usage;
  try {
    const Policy policy = policy_from_text(*text);
    std::cout << file << ": valid policy (minExposedParties " << policy.min_exposed_parties << ", "
              << policy.internal_domains.size() << " internal domain(s), rewriteStrategy "
              << to_string(policy.rewrite_strategy) << ")\n";
    return exit_ok;
  } catch (const PolicyError& error) {
    print_error(file + ": " + error.what());
    return exit_flagged;
  }
}

int keygen(const Arguments& arguments) {
  po::options_description options("policy keygen options");
  options.add_options()("help,h", "this text")(
      "secret-key", po::value<std::string>()->required(),
      "new file for the signing key (mode 0600, kept by IT)")(
      "public-key", po::value<std::string>()->required(),
      "new file for the public key (install as policy.pub)");
  const auto values = parse_arguments(arguments, options, {}, usage());
  if (!values) return wants_help(arguments) ? exit_ok : exit_usage;
  const fs::path secret_file = (*values)["secret-key"].as<std::string>();
  const fs::path public_file = (*values)["public-key"].as<std::string>();
  const PolicySigningKey key = random_signing_key();
  std::string secret_text = secret_key_file_text(key);
  std::string problem;
  const bool written =
      write_file(secret_file, secret_text, fs::perms::owner_read | fs::perms::owner_write,
                 IfExists::Fail, problem);
  sodium_memzero(secret_text.data(), secret_text.size());
  if (!written) {
    print_error(problem + " (keygen never overwrites a key)");
    return exit_usage;
  }
  const auto public_mode = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                           fs::perms::others_read;
  if (!write_file(public_file, public_key_file_text(key.public_key), public_mode, IfExists::Fail,
                  problem)) {
    print_error(problem + " (keygen never overwrites a key)");
    return exit_usage;
  }
  std::cout << "signing key " << utf8_of(secret_file) << " (keep it secret), public key "
            << utf8_of(public_file) << ", key id " << public_key_id(key.public_key) << "\n";
  return exit_ok;
}

int sign(const Arguments& arguments) {
  po::options_description options("policy sign options");
  options.add_options()("help,h", "this text")("secret-key", po::value<std::string>()->required(),
                                               "signing key file")(
      "policy", po::value<std::string>()->required(), "policy file to sign")(
      "output,o", po::value<std::string>(), "signature file (default: POLICY.sig)");
  po::positional_options_description positional;
  positional.add("policy", 1);
  const auto values = parse_arguments(arguments, options, positional, usage());
  if (!values) return wants_help(arguments) ? exit_ok : exit_usage;
  const std::string policy_file = (*values)["policy"].as<std::string>();
  const auto content = read_input(policy_file, kMaxPolicyInputBytes);
  if (!content) return exit_usage;
  try {
    (void)policy_from_text(*content);  // never sign a policy the host would refuse anyway
  } catch (const PolicyError& error) {
    print_error(policy_file + ": not signed, the policy is invalid: " + error.what());
    return exit_flagged;
  }
  auto key_text = read_input((*values)["secret-key"].as<std::string>(), max_key_file_bytes);
  if (!key_text) return exit_usage;
  const auto key = parse_secret_key_file(*key_text);
  sodium_memzero(key_text->data(), key_text->size());
  if (!key) {
    print_error((*values)["secret-key"].as<std::string>() + " is not an Ed25519 signing key");
    return exit_usage;
  }
  const std::string signature_path =
      values->count("output") != 0 ? (*values)["output"].as<std::string>() : policy_file + ".sig";
  const auto mode = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                    fs::perms::others_read;
  const std::string id = public_key_id(key->public_key);
  if (std::string error;
      !write_file(signature_path, signature_file_text(sign_policy_bytes(*content, *key), id), mode,
                  IfExists::Replace, error)) {
    print_error(error);
    return exit_usage;
  }
  std::cout << policy_file << ": signed, signature in " << signature_path << " (key id " << id
            << ")\n";
  return exit_ok;
}

int verify(const Arguments& arguments) {
  po::options_description options("policy verify options");
  options.add_options()("help,h", "this text")("public-key", po::value<std::string>(),
                                               "public key file")(
      "policy", po::value<std::string>()->required(), "policy file");
  po::positional_options_description positional;
  positional.add("policy", 1);
  const auto values = parse_arguments(arguments, options, positional, usage());
  if (!values) return wants_help(arguments) ? exit_ok : exit_usage;
  const fs::path policy_file = (*values)["policy"].as<std::string>();
  const fs::path key_file = values->count("public-key") != 0
                                ? fs::path((*values)["public-key"].as<std::string>())
                                : policy_location(std::nullopt).public_key;
  const auto content = read_input(utf8_of(policy_file), kMaxPolicyInputBytes);
  if (!content) return exit_usage;
  const SignatureCheck check = verify_policy_signature(policy_file, *content, key_file);
  if (!check.ok) {
    print_error("REFUSED: " + check.message);
    return exit_flagged;
  }
  try {
    (void)policy_from_text(*content);
  } catch (const PolicyError& error) {
    print_error("REFUSED: " + utf8_of(policy_file) +
                ": the signature is valid but the policy is invalid: " + error.what());
    return exit_flagged;
  }
  std::cout << utf8_of(policy_file) << ": signature valid for " << utf8_of(key_file)
            << ", policy valid\n";
  return exit_ok;
}

int status() {
  const LoadedPolicy loaded = load_policy(policy_location(std::nullopt));
  std::cout << to_json(loaded.status, loaded.policy).dump(2) << "\n";
  const bool refused =
      loaded.status.state == PolicyState::Error || loaded.status.state == PolicyState::Strict;
  return refused ? exit_flagged : exit_ok;
}

// Writes `text` over `target` the one safe way (platform::replace_file_atomically: a random
// temporary in the same folder, a link at `target` refused, flushed, renamed): a host starting
// meanwhile reads the old file or the new one, and nothing planted beside it is followed.
bool replace_file(const fs::path& target, const std::string& text, std::string& error) {
  const auto mode = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                    fs::perms::others_read;
  return platform::replace_file_atomically(target, text, mode, error);
}

// policy install POLICY [SIG]: the one admin step that records the highest accepted serial
// (never under a user's HOME, where the user could lower it).
int install(const Arguments& arguments) {
  if (arguments.empty() || arguments.size() > 2) {
    print_error(std::string("usage: ") + usage());
    return exit_usage;
  }
  if (!platform::running_as_admin()) {
    print_error("policy install must run as root: it writes " +
                utf8_of(platform::machine_file(platform::MachineFile::Policy)) + " and " +
                utf8_of(platform::machine_file(platform::MachineFile::PolicySerial)));
    return exit_usage;
  }
  const fs::path source = arguments[0];
  const fs::path signature =
      arguments.size() == 2 ? fs::path(arguments[1]) : path_from_utf8(utf8_of(source) + ".sig");
  const auto content = read_input(utf8_of(source), kMaxPolicyInputBytes);
  if (!content) return exit_usage;
  Policy policy;
  try {
    policy = policy_from_text(*content);
  } catch (const PolicyError& error) {
    print_error("REFUSED: " + utf8_of(source) + ": " + error.what());
    return exit_flagged;
  }
  const fs::path key = platform::machine_file(platform::MachineFile::PolicyKey);
  std::error_code ec;
  const bool key_installed = fs::exists(key, ec);
  std::string key_id;
  if (key_installed) {
    const SignatureCheck check = verify_policy_signature(source, *content, key, signature);
    if (!check.ok) {
      print_error("REFUSED: " + check.message);
      return exit_flagged;
    }
    key_id = check.key_id;
  }
  const fs::path serial_file = platform::machine_file(platform::MachineFile::PolicySerial);
  const RecordedSerial recorded = read_recorded_serial(serial_file);
  if (!recorded.problem.empty()) print_error(recorded.problem);
  if (recorded.serial && policy.serial.value_or(0) < *recorded.serial) {
    print_error("REFUSED: " + utf8_of(source) + ": its serial " +
                (policy.serial ? std::to_string(*policy.serial) : std::string("(none)")) +
                " is below " + std::to_string(*recorded.serial) +
                ", the highest installed: give it a higher serial and sign it again");
    return exit_flagged;
  }
  if (policy.not_after_s && *policy.not_after_s <= static_cast<std::int64_t>(std::time(nullptr))) {
    print_error("REFUSED: " + utf8_of(source) + ": it expired at " + *policy.not_after);
    return exit_flagged;
  }
  const fs::path target = platform::machine_file(platform::MachineFile::Policy);
  fs::create_directories(target.parent_path(), ec);
  const fs::path target_signature = path_from_utf8(utf8_of(target) + ".sig");
  std::string error;
  bool ok = true;
  if (fs::exists(signature, ec)) {
    const auto signature_text = read_input(utf8_of(signature), max_key_file_bytes);
    ok = signature_text && replace_file(target_signature, *signature_text, error);
  } else {
    fs::remove(target_signature, ec);  // a stale signature of another policy means nothing
  }
  ok = ok && replace_file(target, *content, error);
  if (ok && policy.serial && policy.serial > recorded.serial.value_or(0)) {
    ok = record_serial(serial_file, *policy.serial, error);
  }
  if (!ok) {
    if (!error.empty()) print_error(error);
    return exit_flagged;
  }
  std::cout << "installed " << utf8_of(target) << " (serial "
            << (policy.serial ? std::to_string(*policy.serial) : std::string("none"))
            << (key_id.empty() ? ", unsigned: no key installed" : ", key id " + key_id)
            << "); highest accepted serial "
            << (policy.serial
                    ? std::to_string(std::max(*policy.serial, recorded.serial.value_or(0)))
                    : (recorded.serial ? std::to_string(*recorded.serial) : "none"))
            << "\n";
  return exit_ok;
}

int thunderbird(const Arguments& arguments) {
  if (arguments.empty() || (arguments[0] != "add" && arguments[0] != "remove")) {
    print_error(std::string("usage: ") + usage());
    return exit_usage;
  }
  const bool add = arguments[0] == "add";
  po::options_description options("policy thunderbird options");
  options.add_options()("help,h", "this text")("file", po::value<std::string>()->required(),
                                               "Thunderbird's policies.json")(
      "xpi-url", po::value<std::string>(), "install_url of the XPI (add)")(
      "state", po::value<std::string>(),
      "where add records what it changed, so remove undoes exactly that")(
      "extension-id", po::value<std::string>()->default_value(default_extension_id),
      "the extension id")("lock-on-host-error", po::value<std::string>(),
                          "add: lock the extension's onHostError setting to block or ask "
                          "(3rdparty managed storage); without it, no lock");
  const Arguments rest(arguments.begin() + 1, arguments.end());
  const auto values = parse_arguments(rest, options, {}, usage());
  if (!values) return wants_help(rest) ? exit_ok : exit_usage;
  ThunderbirdPolicyRequest request;
  request.file = (*values)["file"].as<std::string>();
  request.extension_id = (*values)["extension-id"].as<std::string>();
  if (values->count("state") != 0) request.state_file = (*values)["state"].as<std::string>();
  std::string message;
  bool ok = false;
  if (add) {
    if (values->count("xpi-url") == 0) {
      print_error(
          "policy thunderbird add needs --xpi-url (e.g. "
          "file:///usr/share/bccshield/bccshield.xpi)");
      return exit_usage;
    }
    request.xpi_url = (*values)["xpi-url"].as<std::string>();
    if (values->count("lock-on-host-error") != 0) {
      request.lock_on_host_error = (*values)["lock-on-host-error"].as<std::string>();
      if (request.lock_on_host_error != "block" && request.lock_on_host_error != "ask") {
        print_error("--lock-on-host-error must be block or ask");
        return exit_usage;
      }
    }
    ok = add_thunderbird_extension_policy(request, message);
  } else {
    ok = remove_thunderbird_extension_policy(request, message);
  }
  if (!ok) {
    print_error(message);
    return exit_flagged;
  }
  std::cout << message << "\n";
  return exit_ok;
}

}  // namespace

int run_policy(const Arguments& arguments) {
  if (!arguments.empty()) {
    const std::string& sub = arguments[0];
    const Arguments rest(arguments.begin() + 1, arguments.end());
    if (sub == "validate" && arguments.size() == 2) return validate(arguments[1]);
    if (sub == "keygen") return keygen(rest);
    if (sub == "sign") return sign(rest);
    if (sub == "verify") return verify(rest);
    if (sub == "status" && rest.empty()) return status();
    if (sub == "install") return install(rest);
    if (sub == "thunderbird") return thunderbird(rest);
    if (sub == "--help" || sub == "-h") {
      std::cout << "usage: " << usage() << "\n";
      return exit_ok;
    }
  }
  print_error(std::string("usage: ") + usage());
  return exit_usage;
}

}  // namespace bccshield
