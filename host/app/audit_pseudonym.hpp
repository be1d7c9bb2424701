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

// Appends the JSON text {"bcc": [...], "cc": [...], "from": [h], "original": {"cc", "to"},
// "to": [...]} from the keys the engine computed: one hash per distinct recipient, in the field
// where it first appears ("original" only when the engine rewrote the message).
void append_pseudonymised_keys(std::string& out, const RecipientKeys& keys,
                               const PseudonymHasher& hasher);

// Free text (a typed reason): every word that looks like an address becomes "[address <hash>]".
std::string scrub_addresses(std::string_view text, const AuditSecret& secret);

}  // namespace bccshield
