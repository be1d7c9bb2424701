#pragma once
// Realistic To headers for benchmarks: quoted names with commas, UTF-8 and RFC 2047 names,
// comments and some groups, about 55 bytes per address.

#include <cstddef>
#include <string>

namespace bccshield::bench {

std::string make_to_header(std::size_t addresses);

}  // namespace bccshield::bench
