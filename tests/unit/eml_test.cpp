// draft_from_eml: the header fields it reads, and its run-at-a-time unfolding against the
// character-at-a-time reference it replaced (the same draft for every input).
#include "bccshield/eml.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "bccshield/protocol_error.hpp"

namespace bccshield {
namespace {

// The unfolding as it was written first: every CR and LF dropped, one character at a time.
std::string reference_unfolded(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c != '\r' && c != '\n') out += c;
  }
  return out;
}

TEST(Eml, ReadsTheAddressFieldsOfTheHeaderOnly) {
  const Draft draft = draft_from_eml(
      "From: Clerk <clerk@corp.example>\r\nto: a@x.example,\r\n b@y.example\r\nCC:\tc@z.example\r\n"
      "Cc: d@z.example\r\nSubject: To: e@no.example\r\n\r\nTo: body@no.example\r\n");
  EXPECT_EQ(draft.from, " Clerk <clerk@corp.example>");
  EXPECT_EQ(draft.to, std::vector<std::string>{" a@x.example, b@y.example"});
  EXPECT_EQ(draft.cc, std::vector<std::string>{"\tc@z.example,  d@z.example"});
  EXPECT_TRUE(draft.bcc.empty());
  EXPECT_THROW(draft_from_eml("\r\n\r\nbody only"), ProtocolError);
}

TEST(Eml, UnfoldsAsTheCharacterAtATimeReference) {
  // Folded values built from pieces that stress the runs: bare CR, bare LF inside a value (a
  // continuation only when SP/HTAB follows), CR CR LF, empty runs, long runs.
  const std::vector<std::string> pieces = {
      "a@x.example",        ",", " ", "\t", "\r", "\r\n ", "\r\n\t", "\r\r\n ", "\n ", "\"Doe, J\"",
      std::string(300, 'q')};
  std::mt19937 random(13);  // fixed seed: the same inputs every run
  for (int round = 0; round < 500; ++round) {
    std::string value;
    const int count = 1 + static_cast<int>(random() % 40);
    for (int i = 0; i < count; ++i) value += pieces[random() % pieces.size()];
    const std::string message = "To:" + value + "\r\nBcc:" + value + "\r\n\r\nbody";
    const Draft draft = draft_from_eml(message);
    // Every LF in a piece is followed by SP or HTAB: the value is one logical header.
    const std::string expected = reference_unfolded(value);
    if (expected.empty()) {
      EXPECT_TRUE(draft.to.empty()) << round;
    } else {
      ASSERT_EQ(draft.to.size(), 1U) << round;
      EXPECT_EQ(draft.to[0], expected) << round;
      EXPECT_EQ(draft.bcc, draft.to) << round;
    }
  }
}

}  // namespace
}  // namespace bccshield
