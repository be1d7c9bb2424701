#pragma once
// Reads the addressing headers of an RFC 5322 message (.eml) into a Draft.

#include <cstddef>
#include <string_view>

#include "bccshield/draft.hpp"

namespace bccshield {

// The header section is capped: past this many bytes without a blank line the input is refused.
inline constexpr std::size_t max_eml_header_bytes = 8U * 1024U * 1024U;

// Unfolds From/To/Cc/Bcc (repeated headers are joined). Encoded-words stay for the address
// parser, which decodes them in display names only. Throws ProtocolError(InvalidField) when
// the header section is too large or no header can be read.
Draft draft_from_eml(std::string_view message);

}  // namespace bccshield
