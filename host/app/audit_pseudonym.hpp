#pragma once
// Turns the addresses of an audit event into keyed hashes. Nothing here returns a plain address.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "audit_secret.hpp"

namespace bccshield {

// The comparison keys of every address in one header-like string: `local@normalised-domain`
// (the engine's recipient key, local part ASCII-lower-cased), or the raw text of an entry that
// could not be parsed.
std::vector<std::string> audit_address_keys(std::string_view text);

// {"from": [h...], "to": [...], "cc": [...], "bcc": [...], "original": {...}} from a draft's raw
// strings. Each list keeps one hash per distinct address, in order of appearance.
nlohmann::json pseudonymise_draft(const nlohmann::json& draft, const AuditSecret& secret);

// Free text (a typed reason): every word that looks like an address becomes "[address <hash>]".
std::string scrub_addresses(std::string_view text, const AuditSecret& secret);

}  // namespace bccshield
