#include <iostream>

#include "bccshield/policy.hpp"
#include "cli_options.hpp"

namespace bccshield {
namespace {

constexpr std::size_t kMaxPolicyInputBytes = 4U * 1024U * 1024U;

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

}  // namespace

int run_policy(const Arguments& arguments) {
  const std::string usage = "bccshield-host policy validate FILE";
  if (arguments.size() == 2 && arguments[0] == "validate") return validate(arguments[1]);
  print_error("usage: " + usage);
  return exit_usage;
}

}  // namespace bccshield
