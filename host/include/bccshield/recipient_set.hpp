#pragma once
// Every recipient of a draft, parsed once, normalised, deduplicated and classified.
// Built for 100,000-recipient drafts: few allocations per recipient, views instead of copies.

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bccshield/address_list.hpp"
#include "bccshield/policy.hpp"

namespace bccshield {

enum class Field { To, Cc, Bcc };

// What a domain is for this sender and policy; computed once per distinct domain.
struct DomainFacts {
  bool internal = false;
  bool consumer = false;
  std::string registrable;  // registrable domain (eTLD+1) of an external organisation
};

struct Recipient {
  Field field = Field::To;   // where it first appears (To before Cc before Bcc)
  std::uint32_t source = 0;  // its request string's index in [...to, ...cc, ...bcc]
  bool whole = false;        // the entry is that whole string (one pill, one mailbox)
  std::string_view display;  // what goes back to the client: "Name <addr>", or the raw text
  std::string_view key;      // local@normalised-domain; "" for an entry that could not be parsed
  std::size_t domain_offset = 0;       // the normalised domain is key.substr(domain_offset)
  const DomainFacts* facts = nullptr;  // null for an entry that could not be parsed
  std::string_view problem;            // parse problem reason id when not parsed

  [[nodiscard]] bool parsed() const { return facts != nullptr; }
  [[nodiscard]] bool visible() const { return field != Field::Bcc; }
  [[nodiscard]] bool internal() const { return facts != nullptr && facts->internal; }
  [[nodiscard]] bool consumer() const { return facts != nullptr && facts->consumer; }
  [[nodiscard]] std::string_view domain() const {
    return std::string_view(key).substr(domain_offset);
  }
  // Each consumer mailbox is a party on its own (private people do not know each other);
  // an organisation is its registrable domain; colleagues are their domain.
  [[nodiscard]] std::string_view party() const;
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};

// Decides internal / consumer / party for a domain, caching per domain (one PSL lookup each).
class Classifier {
 public:
  Classifier(const Policy& policy, std::string_view sender);
  // Facts for a normalised domain; the reference stays valid as long as the classifier.
  const DomainFacts& facts(std::string_view domain);
  [[nodiscard]] const std::string& sender_key() const { return sender_key_; }
  [[nodiscard]] const std::string& sender_display() const { return sender_display_; }

 private:
  [[nodiscard]] bool is_consumer(std::string_view domain) const;

  const Policy& policy_;
  std::vector<std::string> internal_domains_;
  std::string sender_key_;
  std::string sender_display_;
  std::unordered_map<std::string, DomainFacts, StringHash, std::equal_to<>> cache_;
};

// Views in `recipients` point into the draft's strings or into `arena`: keep the draft alive,
// and do not copy a RecipientSet (moving it is fine).
struct RecipientSet {
  std::vector<Recipient> recipients;  // unique, in order of appearance
  // Text the parser flagged and Thunderbird ignores (problem_is_ignored_text): shown to the
  // user with the unreadable entries, never a recipient, never in the rewrite.
  std::vector<Recipient> ignored_text;
  std::deque<std::string> arena;  // keys and display texts that are not a whole input string,
                                  // packed into chunks that never reallocate
  RecipientSet() = default;
  RecipientSet(RecipientSet&&) = default;
  RecipientSet& operator=(RecipientSet&&) = default;
  RecipientSet(const RecipientSet&) = delete;
  RecipientSet& operator=(const RecipientSet&) = delete;
  ~RecipientSet() = default;
};

// Parses each string of each field as an address list and keeps one entry per address.
// `hash_seed` keys the de-duplication hash (EvaluateOptions::hash_seed): the result does not
// depend on it, only how long crafted addresses can make it take.
RecipientSet collect_recipients(const std::vector<std::string>& to,
                                const std::vector<std::string>& cc,
                                const std::vector<std::string>& bcc, Classifier& classifier,
                                std::uint64_t hash_seed = 0);

// The de-duplication hash of a recipient identity under `seed` (exposed for its tests).
std::uint64_t identity_hash(std::string_view text, std::uint64_t seed);

// The recipient key: the local part with ASCII letters lower-cased (every major provider
// treats local parts case-insensitively) @ the normalised domain; "" when the domain is missing.
// `domain_offset` receives where the domain starts in the key.
std::string recipient_key(const Mailbox& mailbox, std::size_t* domain_offset = nullptr);
// The same for an address already split at its last '@' (policy addresses).
std::string recipient_key(std::string_view local_part, std::string_view domain);

}  // namespace bccshield
