#include "framing.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <sstream>

namespace bccshield {
namespace {

std::string frame(const std::string& body) {
  const auto length = static_cast<std::uint32_t>(body.size());
  std::string bytes(4, '\0');
  std::memcpy(bytes.data(), &length, 4);
  return bytes + body;
}

TEST(Framing, ReadsOneFrameThenEndOfInput) {
  std::istringstream in(frame(R"({"type":"hello"})"));
  const FrameResult first = read_frame(in);
  EXPECT_EQ(first.status, FrameStatus::Ok);
  EXPECT_EQ(first.body(), R"({"type":"hello"})");
  EXPECT_EQ(read_frame(in).status, FrameStatus::EndOfInput);
}

TEST(Framing, ReadsSeveralFramesFromOneStream) {
  std::istringstream in(frame("{}") + frame("[1]") + frame(""));
  EXPECT_EQ(read_frame(in).body(), "{}");
  EXPECT_EQ(read_frame(in).body(), "[1]");
  const FrameResult empty = read_frame(in);
  EXPECT_EQ(empty.status, FrameStatus::Ok);
  EXPECT_EQ(empty.body(), "");
  EXPECT_EQ(read_frame(in).status, FrameStatus::EndOfInput);
}

TEST(Framing, TheBodyIsFollowedByThePaddingTheRequestReaderNeeds) {
  std::istringstream in(frame(R"({"a":"\u00e9"})"));
  const FrameResult result = read_frame(in);
  ASSERT_EQ(result.status, FrameStatus::Ok);
  EXPECT_EQ(result.buffer, std::string(R"({"a":"\u00e9"})") + std::string(request_padding, '\0'));
  const PaddedBody padded(result.buffer);
  EXPECT_TRUE(padded.padded());
  EXPECT_EQ(padded.body(), R"({"a":"\u00e9"})");
  // A buffer without the padding is taken whole, as an unpadded body.
  EXPECT_FALSE(PaddedBody("{}").padded());
  EXPECT_EQ(PaddedBody("{}").body(), "{}");
}

TEST(Framing, HeaderCutShortIsTruncated) {
  std::istringstream in(std::string("\x05\x00", 2));
  const FrameResult result = read_frame(in);
  EXPECT_EQ(result.status, FrameStatus::Truncated);
  EXPECT_EQ(result.received, 2U);
}

TEST(Framing, BodyCutShortIsTruncated) {
  std::istringstream in(frame("{\"type\":\"hello\"}").substr(0, 10));
  const FrameResult result = read_frame(in);
  EXPECT_EQ(result.status, FrameStatus::Truncated);
  EXPECT_EQ(result.declared_length, 16U);
  EXPECT_EQ(result.received, 6U);
}

TEST(Framing, OversizeLengthIsRefusedBeforeReadingTheBody) {
  std::string bytes = "\xff\xff\xff\x7f{}";
  std::istringstream in(bytes);
  const FrameResult result = read_frame(in, 1024);
  EXPECT_EQ(result.status, FrameStatus::TooLarge);
  EXPECT_EQ(result.declared_length, 0x7fffffffU);
  EXPECT_TRUE(result.body().empty());
}

TEST(Framing, WritesNativeEndianLengthAndBody) {
  std::ostringstream out;
  ASSERT_TRUE(write_frame(out, "{\"a\":\"é\"}"));
  EXPECT_EQ(out.str(), frame("{\"a\":\"é\"}"));
  EXPECT_EQ(out.str().size(), 4U + 10U);  // bytes, not characters
}

}  // namespace
}  // namespace bccshield
