#pragma once
// Shared Program_options plumbing for the sub-commands.

#include <boost/program_options.hpp>
#include <optional>
#include <string>

#include "commands.hpp"

namespace bccshield {

// Parses `arguments`; on a usage error prints it (and the command's usage) and returns nullopt.
std::optional<boost::program_options::variables_map> parse_arguments(
    const Arguments& arguments, const boost::program_options::options_description& options,
    const boost::program_options::positional_options_description& positional,
    const std::string& usage);

// True when --help or -h is among the arguments.
bool wants_help(const Arguments& arguments);

// For commands: read_file_or_stdin, and on failure print why (print_error) and return nullopt.
std::optional<std::string> read_input(const std::string& path, std::size_t limit);

}  // namespace bccshield
