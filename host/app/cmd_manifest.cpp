#include <iostream>

#include "bccshield/identity.hpp"
#include "cli_options.hpp"
#include "native_manifest.hpp"

namespace bccshield {

int run_manifest(const Arguments& arguments) {
  namespace po = boost::program_options;
  po::options_description options("manifest options");
  options.add_options()("help,h", "this text")("host-path", po::value<std::string>()->required(),
                                               "absolute path of bccshield-host")(
      "extension-id", po::value<std::string>()->default_value(default_extension_id),
      "allowed extension id");
  const auto values = parse_arguments(arguments, options, {},
                                      "bccshield-host manifest --host-path P [--extension-id ID]");
  if (!values) return wants_help(arguments) ? exit_ok : exit_usage;
  const std::string path = (*values)["host-path"].as<std::string>();
  if (!std::filesystem::path(path).is_absolute()) {
    print_error("--host-path must be absolute (Thunderbird on Linux and macOS requires it): " +
                path);
    return exit_usage;
  }
  std::cout << native_manifest(path, (*values)["extension-id"].as<std::string>()).dump(2) << "\n";
  return exit_ok;
}

}  // namespace bccshield
