#include "bccshield/recipient_set.hpp"

#include <algorithm>

#include "bccshield/consumer_domains.hpp"
#include "bccshield/domain.hpp"

namespace bccshield {
namespace {

bool is_lower_ldh(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

// Open-addressing set of recipient indices keyed by their identity; no allocation per entry.
class IdentityIndex {
 public:
  explicit IdentityIndex(const std::vector<Recipient>& recipients) : recipients_(recipients) { slots_.assign(64, kEmpty); }

  // True when `identity` was not there yet; then remembers it as recipient `index`.
  bool insert(std::string_view identity, std::uint32_t index) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    std::size_t slot = StringHash{}(identity) & (slots_.size() - 1);
    while (slots_[slot] != kEmpty) {
      if (identity_of(slots_[slot]) == identity) return false;
      slot = (slot + 1) & (slots_.size() - 1);
    }
    slots_[slot] = index;
    ++size_;
    return true;
  }

 private:
  static constexpr std::uint32_t kEmpty = 0xFFFFFFFFU;

  [[nodiscard]] std::string_view identity_of(std::uint32_t index) const {
    const Recipient& recipient = recipients_[index];
    return recipient.key.empty() ? recipient.display : std::string_view(recipient.key);
  }

  void grow() {
    std::vector<std::uint32_t> old(slots_.size() * 2, kEmpty);
    old.swap(slots_);
    for (std::uint32_t index : old) {
      if (index == kEmpty) continue;
      std::size_t slot = StringHash{}(identity_of(index)) & (slots_.size() - 1);
      while (slots_[slot] != kEmpty) slot = (slot + 1) & (slots_.size() - 1);
      slots_[slot] = index;
    }
  }

  const std::vector<Recipient>& recipients_;
  std::vector<std::uint32_t> slots_;
  std::size_t size_ = 0;
};


// UTS-46 through libidn2 is costly: each distinct spelling of a non-ASCII domain is mapped once.
class DomainSpellings {
 public:
  std::string_view normalized(std::string_view domain) {
    auto found = cache_.find(domain);
    if (found == cache_.end()) found = cache_.emplace(std::string(domain), normalize_slow(domain)).first;
    return found->second;
  }

  static std::string normalize_slow(std::string_view domain) {
    if (auto normalized = normalize_domain(domain)) return *normalized;
    // Not a valid IDNA name: still a recipient, compared by its lower-cased spelling.
    std::string lowered(domain);
    for (char& c : lowered) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c;
    return lowered;
  }

 private:
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> cache_;
};

std::string make_key(const Mailbox& mailbox, std::size_t* domain_offset, DomainSpellings* spellings) {
  if (mailbox.domain.empty() || mailbox.local_part.empty()) return {};
  const std::string_view domain = mailbox.domain;
  const bool normal = domain.back() != '.' && std::all_of(domain.begin(), domain.end(), is_lower_ldh);
  std::string slow;
  std::string_view normalized = domain;  // already in normal form: the common case
  if (!normal) {
    if (spellings != nullptr) {
      normalized = spellings->normalized(domain);
    } else {
      slow = DomainSpellings::normalize_slow(domain);
      normalized = slow;
    }
  }
  std::string key;
  key.reserve(mailbox.local_part.size() + 1 + normalized.size());
  key += mailbox.local_part;
  key += '@';
  if (domain_offset != nullptr) *domain_offset = key.size();
  key += normalized;
  return key;
}

}  // namespace

std::string_view Recipient::party() const {
  if (facts == nullptr) return {};
  if (facts->consumer) return key;
  if (facts->internal) return domain();
  return facts->registrable;
}

std::string recipient_key(const Mailbox& mailbox, std::size_t* domain_offset) {
  return make_key(mailbox, domain_offset, nullptr);
}

Classifier::Classifier(const Policy& policy, std::string_view sender) : policy_(policy) {
  internal_domains_ = policy.internal_domains;
  const ParsedAddressList parsed = parse_address_list(sender);
  const auto mailboxes = parsed.mailboxes();
  if (!mailboxes.empty()) {
    sender_display_ = format_mailbox(mailboxes.front());
    std::size_t offset = 0;
    sender_key_ = recipient_key(mailboxes.front(), &offset);
    // A sender at gmail.com does not make every gmail.com user a colleague.
    if (!sender_key_.empty()) {
      const std::string sender_domain = sender_key_.substr(offset);
      if (!is_consumer(sender_domain)) internal_domains_.push_back(sender_domain);
    }
  } else if (!sender.empty()) {
    sender_display_ = std::string(sender);
  }
}

bool Classifier::is_consumer(std::string_view domain) const {
  if (is_builtin_consumer_domain(domain)) return true;
  return std::any_of(policy_.extra_consumer_domains.begin(), policy_.extra_consumer_domains.end(),
                     [&](const std::string& extra) { return is_same_or_subdomain(domain, extra); });
}

const DomainFacts& Classifier::facts(std::string_view domain) {
  auto found = cache_.find(domain);
  if (found != cache_.end()) return found->second;
  DomainFacts facts;
  facts.internal = std::any_of(internal_domains_.begin(), internal_domains_.end(),
                               [&](const std::string& internal) { return is_same_or_subdomain(domain, internal); });
  facts.consumer = !facts.internal && is_consumer(domain);
  if (!facts.internal && !facts.consumer) facts.registrable = registrable_domain(domain);
  return cache_.emplace(std::string(domain), std::move(facts)).first->second;
}

RecipientSet collect_recipients(const std::vector<std::string>& to, const std::vector<std::string>& cc,
                                const std::vector<std::string>& bcc, Classifier& classifier) {
  RecipientSet set;
  IdentityIndex index(set.recipients);
  DomainSpellings spellings;
  const auto keep = [&](Recipient&& recipient) {
    set.recipients.push_back(std::move(recipient));
    const Recipient& added = set.recipients.back();
    const std::string_view identity = added.key.empty() ? added.display : std::string_view(added.key);
    if (!index.insert(identity, static_cast<std::uint32_t>(set.recipients.size() - 1))) set.recipients.pop_back();
  };
  const auto add_mailbox = [&](const Mailbox& mailbox, Field field, std::string_view whole_entry) {
    Recipient recipient;
    recipient.field = field;
    recipient.key = make_key(mailbox, &recipient.domain_offset, &spellings);
    // A pill holding exactly one clean mailbox goes back to the client exactly as it came.
    recipient.display = !whole_entry.empty() ? whole_entry : set.arena.emplace_back(format_mailbox(mailbox));
    if (recipient.key.empty()) {
      recipient.problem = "missing-domain";
    } else {
      recipient.facts = &classifier.facts(recipient.domain());
    }
    keep(std::move(recipient));
  };
  const auto add_field = [&](const std::vector<std::string>& entries, Field field) {
    for (const std::string& entry : entries) {
      const ParsedAddressList parsed = parse_address_list(entry);
      const bool single = parsed.problems.empty() && parsed.entries.size() == 1 &&
                          std::holds_alternative<Mailbox>(parsed.entries.front());
      for (const AddressEntry& item : parsed.entries) {
        if (const auto* mailbox = std::get_if<Mailbox>(&item)) {
          add_mailbox(*mailbox, field, single ? std::string_view(entry) : std::string_view());
        } else {
          for (const Mailbox& member : std::get<Group>(item).members) add_mailbox(member, field, {});
        }
      }
      for (const ParseProblem& problem : parsed.problems) {
        Recipient recipient;
        recipient.field = field;
        recipient.display = set.arena.emplace_back(problem.text);
        recipient.problem = set.arena.emplace_back(problem.reason);
        keep(std::move(recipient));
      }
    }
  };
  add_field(to, Field::To);
  add_field(cc, Field::Cc);
  add_field(bcc, Field::Bcc);
  return set;
}

}  // namespace bccshield
