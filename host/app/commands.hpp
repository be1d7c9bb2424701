#pragma once
// The host's sub-commands. Each returns the process exit code:
// 0 success / allow, 1 a non-allow decision or a failed verification, 2 bad input or usage.

#include <string>
#include <vector>

namespace bccshield {

inline constexpr int exit_ok = 0;
inline constexpr int exit_flagged = 1;
inline constexpr int exit_usage = 2;

using Arguments = std::vector<std::string>;  // the arguments after the sub-command's name

int run_serve();                            // native messaging on stdin/stdout until EOF
int run_check(const Arguments& arguments);  // check [--policy FILE] [--eml] [FILE|-]
int run_policy(
    const Arguments& arguments);  // policy validate | keygen | sign | verify | status | thunderbird
int run_manifest(const Arguments& arguments);  // manifest --host-path P [--extension-id ID]
int run_audit(const Arguments& arguments);     // audit report | lookup ADDRESS | keygen

// Prints "bccshield-host: <message>" on stderr (never with an e-mail address in it).
void print_error(const std::string& message);

}  // namespace bccshield
