#include <array>
#include <filesystem>
#include <iostream>

#include "bccshield/draft.hpp"
#include "bccshield/eml.hpp"
#include "bccshield/evaluate.hpp"
#include "bccshield/json_writer.hpp"
#include "bccshield/protocol_error.hpp"
#include "cli_options.hpp"
#include "file_util.hpp"
#include "host_context.hpp"
#include "platform.hpp"

namespace bccshield {
namespace {

namespace po = boost::program_options;
constexpr std::size_t kMaxCheckInputBytes = 64U * 1024U * 1024U;
constexpr const char* kUsage = "bccshield-host check [--policy FILE] [--eml] [--wire] [FILE|-]";

}  // namespace

int run_check(const Arguments& arguments) {
  po::options_description options("check options");
  options.add_options()("help,h", "this text")("policy", po::value<std::string>(),
                                               "policy file to apply")(
      "eml", "the input is an RFC 5322 message, not a JSON draft")(
      "wire", "print the result as the extension receives it (recipients by index)")(
      "input", po::value<std::string>()->default_value("-"), "draft file, or - for standard input");
  po::positional_options_description positional;
  positional.add("input", 1);
  const auto values = parse_arguments(arguments, options, positional, kUsage);
  if (!values) return wants_help(arguments) ? exit_ok : exit_usage;

  std::optional<std::filesystem::path> policy_file;
  if (values->count("policy") != 0)
    policy_file = path_from_utf8((*values)["policy"].as<std::string>());
  const HostRuntime runtime = make_host_runtime(policy_file, false);
  const std::string input_name = (*values)["input"].as<std::string>();
  if (input_name != "-") {
    // The same huge-page heap as serve mode's large requests (platform.hpp), sized by the file.
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path_from_utf8(input_name), ec);
    if (!ec && bytes <= kMaxCheckInputBytes)
      platform::prepare_heap(static_cast<std::size_t>(bytes));
  }
  const auto input = read_input(input_name, kMaxCheckInputBytes);
  if (!input) return exit_usage;

  Draft draft;
  try {
    if (values->count("eml") != 0) {
      draft = draft_from_eml(*input);
    } else {
      const auto document = nlohmann::json::parse(*input);
      // A protocol request ({"type":"check","draft":{...}}) is accepted as well as a bare draft.
      const bool is_request = document.is_object() && document.contains("draft");
      draft = draft_from_json(is_request ? document["draft"] : document);
    }
  } catch (const nlohmann::json::exception& error) {  // parse_error, and out_of_range for 1e309
    print_error(input_name + " is not valid JSON (" + std::string(error.what()) +
                "); use --eml for a message file");
    return exit_usage;
  } catch (const ProtocolError& error) {
    print_error(input_name + ": " + error.what());
    return exit_usage;
  }
  const Verdict verdict = evaluate(draft, runtime.context.policy);
  // For people, every recipient written out; --wire: the reply's indices (PROTOCOL.md).
  // Written straight out, as dump(2) wrote the DOM (json_writer.hpp): 554 KB for 10,000
  // recipients, where the DOM and its dump were 30% of the command.
  std::string output;
  JsonWriter out(output, 2);
  const std::array extras = {ExtraMember{"policy", [&](JsonWriter& writer) {
                                           write_json(writer, runtime.context.policy_status,
                                                      &runtime.context.policy);
                                         }}};
  write_json(out, verdict, values->count("wire") != 0 ? nullptr : &draft, extras);
  output += '\n';
  std::cout.write(output.data(), static_cast<std::streamsize>(output.size()));
  return verdict.decision == Action::Allow ? exit_ok : exit_flagged;
}

}  // namespace bccshield
