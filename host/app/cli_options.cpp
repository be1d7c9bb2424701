#include "cli_options.hpp"

#include <fstream>
#include <iostream>
#include <iterator>

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
  std::string content;
  std::istream* in = &std::cin;
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) {
      print_error("cannot read " + path);
      return std::nullopt;
    }
    in = &file;
  }
  char buffer[65536];
  while (in->read(buffer, sizeof buffer) || in->gcount() > 0) {
    content.append(buffer, static_cast<std::size_t>(in->gcount()));
    if (content.size() > limit) {
      print_error((path == "-" ? std::string("standard input") : path) + " is larger than " +
                  std::to_string(limit / (1024 * 1024)) + " MiB");
      return std::nullopt;
    }
  }
  return content;
}

}  // namespace bccshield
