#pragma once
// Native messaging framing: 4-byte native-endian length + UTF-8 JSON. Bytes, never characters.

#include <cstddef>
#include <cstdint>
#include <istream>
#include <ostream>
#include <string>

#include "bccshield/identity.hpp"  // max_request_bytes

namespace bccshield {

enum class FrameStatus { Ok, EndOfInput, TooLarge, Truncated };

struct FrameResult {
  FrameStatus status = FrameStatus::Ok;
  std::string body;                   // with Ok
  std::uint64_t declared_length = 0;  // with TooLarge / Truncated
  std::size_t received = 0;           // with Truncated
};

FrameResult read_frame(std::istream& in, std::size_t limit = max_request_bytes);
// Writes one frame (length and body in one write) and flushes; false when the stream failed.
bool write_frame(std::ostream& out, std::string body);

}  // namespace bccshield
