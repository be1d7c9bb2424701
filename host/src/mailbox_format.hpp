#pragma once
// Mailbox quoting, defined once: the parser's canonical local part and format_mailbox /
// append_formatted_mailbox (bccshield/address_list.hpp) all quote through these.

#include <string>
#include <string_view>

namespace bccshield::detail {

// A display name that can be written as it is: atoms separated by single spaces, none of
// which looks like an encoded-word.
bool name_is_plain_phrase(std::string_view name);

// jsmime's canonical local part: quoted only when it holds a special or could be read back
// as an encoded-word.
bool local_part_needs_quotes(std::string_view local_part);

// `text` as an RFC 5322 quoted string.
void append_quoted(std::string_view text, std::string& out);

}  // namespace bccshield::detail
