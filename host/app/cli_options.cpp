#include "cli_options.hpp"

#include <iostream>

#include "file_util.hpp"

namespace bccshield {

namespace po = boost::program_options;

std::optional<po::variables_map> parse_arguments(
    const Arguments& arguments, const po::options_description& options,
    const po::positional_options_description& positional, const std::string& usage) {
  po::variables_map values;
  try {
    po::store(po::command_line_parser(arguments).options(options).positional(positional).run(),
              values);
    po::notify(values);
  } catch (const po::error& error) {
    print_error(std::string(error.what()) + "\nusage: " + usage);
    return std::nullopt;
  }
  if (values.count("help") != 0) {
    std::cout << "usage: " << usage << "\n" << options;
    return std::nullopt;
  }
  return values;
}

bool wants_help(const Arguments& arguments) {
  for (const auto& argument : arguments) {
    if (argument == "--help" || argument == "-h") return true;
  }
  return false;
}

std::optional<std::string> read_input(const std::string& path, std::size_t limit) {
  FileContent content = read_file_or_stdin(path, limit);
  if (content.status != FileStatus::Ok) {
    print_error(content.error);
    return std::nullopt;
  }
  return std::move(content.text);
}

}  // namespace bccshield
