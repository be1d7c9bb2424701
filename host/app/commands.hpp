#pragma once
// The host's sub-commands. The one error convention: each returns the process exit code
// (0 success / allow, 1 a non-allow decision or a failed verification, 2 bad input or usage)
// and reports what went wrong through print_error. The helpers they call never print: they
// return a status (bool, optional, FileStatus) and a sentence naming the file.

#include <optional>
#include <string>
#include <vector>

#include "print_error.hpp"

namespace bccshield {

inline constexpr int exit_ok = 0;
inline constexpr int exit_flagged = 1;
inline constexpr int exit_usage = 2;

using Arguments = std::vector<std::string>;  // the arguments after the sub-command's name

// Native messaging on stdin/stdout until EOF; `manifest`: the manifest path Thunderbird passed.
int run_serve(const std::optional<std::string>& manifest = std::nullopt);
int run_check(const Arguments& arguments);  // check [--policy FILE] [--eml] [FILE|-]
int run_policy(
    const Arguments& arguments);  // policy validate|keygen|sign|verify|status|install|thunderbird
int run_manifest(const Arguments& arguments);  // manifest --host-path P [--extension-id ID]
int run_audit(const Arguments& arguments);     // audit report | lookup ADDRESS | keygen

}  // namespace bccshield
