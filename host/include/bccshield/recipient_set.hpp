#pragma once
// Every recipient of a draft, parsed once, normalised, deduplicated and classified.

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bccshield/address_list.hpp"
#include "bccshield/policy.hpp"

namespace bccshield {

enum class Field { To, Cc, Bcc };

struct Recipient {
  Field field = Field::To;  // where it first appears (To before Cc before Bcc)
  std::string display;      // what goes back to the client: "Name <addr>", or the raw text
  std::string key;          // local@normalised-domain; "" for an entry that could not be parsed
  std::string domain;       // normalised domain
  std::string party;        // registrable domain, or the address itself for a consumer mailbox
  bool parsed = false;
  bool internal = false;
  bool consumer = false;
  std::string problem;  // parse problem reason id when !parsed

  [[nodiscard]] bool visible() const { return field != Field::Bcc; }
};

// Decides internal / consumer / party for a domain, caching per domain (one PSL lookup each).
class Classifier {
 public:
  Classifier(const Policy& policy, std::string_view sender);
  void classify(Recipient& recipient);
  [[nodiscard]] const std::string& sender_key() const { return sender_key_; }
  [[nodiscard]] const std::string& sender_display() const { return sender_display_; }

 private:
  struct DomainFacts {
    bool internal = false;
    bool consumer = false;
    std::string registrable;
  };
  const DomainFacts& facts(const std::string& domain);
  bool is_consumer(std::string_view domain) const;

  const Policy& policy_;
  std::vector<std::string> internal_domains_;
  std::string sender_key_;
  std::string sender_display_;
  std::unordered_map<std::string, DomainFacts> cache_;
};

struct RecipientSet {
  std::vector<Recipient> recipients;  // unique, in order of appearance
};

// Parses each string of each field as an address list and keeps one entry per address.
RecipientSet collect_recipients(const std::vector<std::string>& to, const std::vector<std::string>& cc,
                                const std::vector<std::string>& bcc, Classifier& classifier);

// local@normalised-domain for a mailbox; "" when the domain is missing or invalid.
std::string recipient_key(const Mailbox& mailbox, std::string* normalized_domain = nullptr);

}  // namespace bccshield
