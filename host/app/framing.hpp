#pragma once
// Native messaging framing: 4-byte native-endian length + UTF-8 JSON. Bytes, never characters.

#include <cstddef>
#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>

#include "bccshield/check_request.hpp"  // request_padding
#include "bccshield/identity.hpp"       // max_request_bytes

namespace bccshield {

enum class FrameStatus { Ok, EndOfInput, TooLarge, Truncated };

struct FrameResult {
  FrameStatus status = FrameStatus::Ok;
  // With Ok: the body followed by request_padding NUL bytes, so that read_check_request() reads
  // it where it lies (check_request.hpp); body() is the body alone.
  std::string buffer;
  std::uint64_t declared_length = 0;  // with TooLarge / Truncated
  std::size_t received = 0;           // with Truncated

  std::string_view body() const { return PaddedBody(buffer).body(); }
};

FrameResult read_frame(std::istream& in, std::size_t limit = max_request_bytes);
// The same from the process's stdin, read with the OS's read (platform::read_stdin) straight
// into the frame's buffer: serve mode's reader (std::cin is never used with it).
FrameResult read_stdin_frame(std::size_t limit = max_request_bytes);
// Writes one frame (length and body in one write) and flushes; false when the stream failed.
bool write_frame(std::ostream& out, std::string body);

}  // namespace bccshield
