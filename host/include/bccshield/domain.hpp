#pragma once
// Domain normalisation: UTS-46 (libidn2), lower case, no trailing dot; registrable domain (libpsl).

#include <optional>
#include <string>
#include <string_view>

namespace bccshield {

// The ASCII (A-label) form used to compare domains: "Bücher.Example." -> "xn--bcher-kva.example".
// nullopt when the domain is not a valid IDNA2008/UTS-46 name.
std::optional<std::string> normalize_domain(std::string_view domain);

// The registrable domain ("eTLD+1") of a normalised domain: "mail.acme.co.uk" -> "acme.co.uk".
// A domain that is itself a public suffix (or unknown to the list) is returned unchanged.
std::string registrable_domain(std::string_view normalized_domain);

// When the Public Suffix List built into libpsl was last changed (seconds since 1970, UTC): the
// list is frozen into the host at build time (no file is read at run time, and the Outlook
// engine has the same list), so a release refreshes it; `--version` shows the date.
long long public_suffix_list_time();

// True when `domain` equals `parent` or is a subdomain of it on a label boundary.
bool is_same_or_subdomain(std::string_view domain, std::string_view parent);

}  // namespace bccshield
