#pragma once
// Turns the addresses of an audit event into keyed hashes. Nothing here returns a plain address.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "audit_secret.hpp"
#include "bccshield/verdict.hpp"

namespace bccshield {

// The comparison keys of every address in one header-like string: `local@normalised-domain`
// (the engine's recipient key, local part ASCII-lower-cased), or the raw text of an entry that
// could not be parsed.
std::vector<std::string> audit_address_keys(std::string_view text);

// {"from": [h], "to": [...], "cc": [...], "bcc": [...], "original": {"to", "cc"}} from the keys
// the engine computed: one hash per distinct recipient, in the field where it first appears.
nlohmann::json pseudonymise_keys(const RecipientKeys& keys, const AuditSecret& secret);

// Free text (a typed reason): every word that looks like an address becomes "[address <hash>]".
std::string scrub_addresses(std::string_view text, const AuditSecret& secret);

}  // namespace bccshield
