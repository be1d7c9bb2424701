// The recipient set's de-duplication hash: keyed, so a crafted list cannot make it quadratic,
// and the set it builds the same whatever the key.
#include "bccshield/recipient_set.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "bccshield/evaluate.hpp"
#include "bccshield/policy.hpp"

namespace bccshield {
namespace {

// 2^k equal-length identities built the way that defeated the previous, unseeded
// xor-multiply hash: each pair of 8-byte words either equal or differing by the top bit in the
// first word and by bits 63 and 34 in the second, which that hash cancelled whatever its state.
std::vector<std::string> differential_identities(int pairs) {
  std::vector<std::string> out;
  for (std::uint32_t choice = 0; choice < (1U << pairs); ++choice) {
    std::string text;
    for (int p = 0; p < pairs; ++p) {
      std::uint64_t first = 0x6161616161616161ULL;   // "aaaaaaaa"
      std::uint64_t second = 0x6262626262626262ULL;  // "bbbbbbbb"
      if ((choice >> p) & 1U) {
        first ^= 1ULL << 63U;
        second ^= (1ULL << 63U) | (1ULL << 34U);
      }
      char bytes[16];
      std::memcpy(bytes, &first, 8);
      std::memcpy(bytes + 8, &second, 8);
      text.append(bytes, 16);
    }
    text += "@example.org";
    out.push_back(text);
  }
  return out;
}

TEST(IdentityHash, CraftedDifferencesDoNotCollide) {
  const std::vector<std::string> identities = differential_identities(6);  // 64 texts
  for (const std::uint64_t seed : {0ULL, 1ULL, 0x0123456789ABCDEFULL}) {
    std::set<std::uint32_t> slots;  // what the index uses: the low 32 bits
    for (const std::string& identity : identities)
      slots.insert(static_cast<std::uint32_t>(identity_hash(identity, seed)));
    EXPECT_EQ(slots.size(), identities.size()) << "seed " << seed;
  }
}

TEST(IdentityHash, TheSeedChangesEveryHash) {
  int same = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::string identity = "person" + std::to_string(i) + "@example.org";
    same += identity_hash(identity, 1) == identity_hash(identity, 2) ? 1 : 0;
  }
  EXPECT_EQ(same, 0);
}

TEST(IdentityHash, EveryLengthAndEveryByteCounts) {
  std::set<std::uint64_t> hashes;
  std::string text;
  for (int length = 0; length <= 40; ++length) {
    EXPECT_TRUE(hashes.insert(identity_hash(text, 7)).second) << "length " << length;
    text += 'x';
  }
  for (std::size_t at = 0; at < text.size(); ++at) {
    std::string changed = text;
    changed[at] = 'y';
    EXPECT_TRUE(hashes.insert(identity_hash(changed, 7)).second) << "byte " << at;
  }
}

TEST(CollectRecipients, TheSetIsTheSameForEverySeed) {
  const Policy policy = Policy::defaults();
  std::vector<std::string> to;
  for (int i = 0; i < 500; ++i)
    to.push_back("P" + std::to_string(i % 300) + " <p" + std::to_string(i % 300) + "@Example.org>");
  const std::vector<std::string> cc = {"p1@example.org, q@other.example", "bad <"};
  std::vector<std::string> reference;
  for (const std::uint64_t seed : {0ULL, 42ULL, ~0ULL}) {
    Classifier classifier(policy, "me@sender.example");
    const RecipientSet set = collect_recipients(to, cc, {}, classifier, seed);
    std::vector<std::string> keys;
    for (const Recipient& recipient : set.recipients)
      keys.emplace_back(std::string(recipient.key) + "|" + std::string(recipient.display));
    if (reference.empty()) reference = keys;
    EXPECT_EQ(keys, reference) << "seed " << seed;
  }
  EXPECT_EQ(reference.size(), 302U);  // 300 people, q, the unreadable entry
}

}  // namespace
}  // namespace bccshield
