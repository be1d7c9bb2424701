#include "framing.hpp"

#include <array>
#include <cstring>

#include "platform.hpp"

namespace bccshield {
namespace {

// `read(into, count)` reads up to `count` bytes, fewer only at the end of input.
template <typename Read>
FrameResult read_frame_with(Read&& read, std::size_t limit) {
  FrameResult result;
  std::array<char, 4> header{};
  const std::size_t got = read(header.data(), header.size());
  if (got == 0) {
    result.status = FrameStatus::EndOfInput;
    return result;
  }
  if (got < header.size()) {
    result.status = FrameStatus::Truncated;
    result.received = got;
    result.declared_length = header.size();
    return result;
  }
  std::uint32_t length = 0;
  std::memcpy(&length, header.data(), sizeof length);  // native byte order, as browsers write it
  result.declared_length = length;
  if (length > limit) {
    result.status = FrameStatus::TooLarge;
    return result;
  }
  platform::prepare_heap(length);  // before the request's buffers (platform.hpp)
  result.buffer.resize(std::size_t{length} + request_padding);  // the padding: NULs
  result.received = read(result.buffer.data(), length);
  if (result.received < length) {
    result.status = FrameStatus::Truncated;
    result.buffer.clear();
  }
  return result;
}

}  // namespace

FrameResult read_frame(std::istream& in, std::size_t limit) {
  return read_frame_with(
      [&in](char* into, std::size_t count) {
        in.read(into, static_cast<std::streamsize>(count));
        return static_cast<std::size_t>(in.gcount());
      },
      limit);
}

FrameResult read_stdin_frame(std::size_t limit) {
  return read_frame_with(platform::read_stdin, limit);
}

bool write_frame(std::ostream& out, std::string body) {
  const auto length = static_cast<std::uint32_t>(body.size());
  std::array<char, 4> header{};
  std::memcpy(header.data(), &length, sizeof length);
  // One buffer, one write: the reader never sees a length without its body. The reply was
  // written with room to spare (protocol.cpp), so the header goes in front without a new
  // allocation.
  body.insert(0, header.data(), header.size());
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace bccshield
