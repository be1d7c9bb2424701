#pragma once
// Text from a log or a request, made safe to print on a terminal: what the host prints for
// people (audit report, lookup, verify) must not let a forged reason move the cursor, clear
// the screen or start a new line that looks like one of the report's own.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace bccshield {

// `text` with every control character escaped: C0 (newline, ESC ...) and DEL as \n, \t, \r or
// \xNN, C1 (U+0080..U+009F), the line and paragraph separators and the bidirectional overrides
// and isolates (U+202A..U+202E, U+2066..U+2069, which reorder what follows) as \u{XXXX}, and
// bytes that are not UTF-8 as \xNN. A backslash becomes \\ so no escape can be faked.
std::string printable(std::string_view text);

// `value` as one JSON line that is still valid JSON and holds no such character raw: the same
// code points, as \uXXXX escapes.
std::string printable_json(const nlohmann::json& value, int indent = -1);

}  // namespace bccshield
