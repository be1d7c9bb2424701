#pragma once
// The one way the host reports a problem: "bccshield-host: <message>" on stderr, which
// Thunderbird copies into its error console. Every command returns its exit code and reports
// through this; helpers return a status and a sentence instead of printing.

#include <string>
#include <string_view>

namespace bccshield {

// `message` with every word shaped like an e-mail address (local@domain) replaced by
// "(address withheld)": stderr reaches consoles and logs that must never hold an address.
// The extension id (bccshield@bccshield.org) is a name, not an address, and stays.
std::string withhold_addresses(std::string_view message);

// Prints withhold_addresses(message), prefixed with "bccshield-host: ", on stderr.
void print_error(std::string_view message);

}  // namespace bccshield
