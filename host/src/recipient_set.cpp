#include "bccshield/recipient_set.hpp"

#include <algorithm>
#include <cstring>
#include <initializer_list>

#include "bccshield/consumer_domains.hpp"
#include "bccshield/domain.hpp"

namespace bccshield {
namespace {

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

bool is_lower_ldh(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// Eight bytes at once (SWAR): a byte is 'A'..'Z' when, its high bit cleared, adding 0x80 - 'A'
// sets the high bit and adding 0x80 - 'Z' - 1 does not (no carry crosses bytes).
bool has_upper_byte(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  const std::uint64_t low = word & ~kHighs;
  const std::uint64_t from_a = low + kOnes * (0x80U - 'A');
  const std::uint64_t past_z = low + kOnes * (0x80U - 'Z' - 1);
  return (from_a & ~past_z & ~word & kHighs) != 0;
}

std::uint64_t load8(const char* at) {
  std::uint64_t word = 0;
  std::memcpy(&word, at, sizeof word);
  return word;
}

bool has_ascii_upper(std::string_view text) {
  const char* const d = text.data();
  const std::size_t n = text.size();
  if (n < 8) {
    for (std::size_t i = 0; i < n; ++i) {
      if (d[i] >= 'A' && d[i] <= 'Z') return true;
    }
    return false;
  }
  for (std::size_t i = 0; i + 8 <= n; i += 8) {
    if (has_upper_byte(load8(d + i))) return true;
  }
  return has_upper_byte(load8(d + n - 8));  // the tail, overlapping what was seen
}

// a == b for two texts of length n, eight bytes a step (memcmp is a call for a few bytes).
bool same_bytes(const char* a, const char* b, std::size_t n) {
  if (n < 8) {
    for (std::size_t i = 0; i < n; ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }
  for (std::size_t i = 0; i + 8 <= n; i += 8) {
    if (load8(a + i) != load8(b + i)) return false;
  }
  return load8(a + n - 8) == load8(b + n - 8);
}

}  // namespace

// A recipient identity's hash, eight bytes per step (std::hash goes through an out-of-line
// Murmur that costs a third of keeping a recipient), keyed by the caller's seed. Each step is a
// folded 64x64->128-bit multiply of the word and the state, both mixed with the seed (wyhash's
// "mum"): how a difference in the input spreads depends on the unknown state, so addresses
// cannot be crafted to collide without the seed. (The unseeded xor-multiply hash it replaces let
// a top-bit difference in one word be cancelled in the next whatever the state: crafted lists
// made de-duplication quadratic.)
std::uint64_t identity_hash(std::string_view text, std::uint64_t seed) {
  constexpr std::uint64_t kSecret0 = 0xA0761D6478BD642FULL;  // wyhash's constants
  constexpr std::uint64_t kSecret1 = 0xE7037ED1A0B428DBULL;
  // GCC and Clang have a 128-bit type on x86-64 and wasm32 (one mul instruction; on wasm a
  // compiler-rt call); __extension__ marks it as the extension it is.
  __extension__ using Wide = unsigned __int128;
  const auto mum = [](std::uint64_t a, std::uint64_t b) {
    const Wide product = static_cast<Wide>(a) * b;
    return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64U);
  };
  const std::uint64_t key0 = seed ^ kSecret0;
  const std::uint64_t key1 = ((seed << 32U) | (seed >> 32U)) ^ kSecret1;
  const char* const d = text.data();
  const std::size_t n = text.size();
  std::uint64_t hash = mum(n ^ key0, key1);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) hash = mum(load8(d + i) ^ key0, hash ^ key1);
  if (i < n) {
    // The tail: the last eight bytes (overlapping; the length is in the start), or fewer.
    std::uint64_t word = 0;
    if (n >= 8) {
      word = load8(d + n - 8);
    } else {
      for (std::size_t k = 0; k < n; ++k) word = (word << 8U) | static_cast<unsigned char>(d[k]);
    }
    hash = mum(word ^ key0, hash ^ key1);
  }
  return mum(hash ^ key1, key0 ^ n);
}

namespace {

// Open-addressing set of recipient indices keyed by their identity; no allocation per entry.
// Slots keep the hash: growing never rehashes a string, and most probes compare no text.
class IdentityIndex {
 public:
  IdentityIndex(const std::vector<Recipient>& recipients, std::uint64_t seed)
      : recipients_(recipients), seed_(seed) {
    slots_.resize(64);
  }

  // Room for `count` identities without growing (a big list is known up front).
  void reserve(std::size_t count) {
    std::size_t size = slots_.size();
    while (count * 2 > size) size *= 2;
    if (size > slots_.size()) rehash(size);
  }

  // True when `identity` was not there yet; then remembers it as recipient `index`.
  bool insert(std::string_view identity, std::uint32_t index) {
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
    const auto hash = static_cast<std::uint32_t>(identity_hash(identity, seed_));
    std::size_t slot = hash & (slots_.size() - 1);
    while (slots_[slot].index_plus_one != 0) {
      if (slots_[slot].hash == hash && identity_of(slots_[slot].index_plus_one - 1) == identity) {
        return false;
      }
      slot = (slot + 1) & (slots_.size() - 1);
    }
    slots_[slot] = Slot{hash, index + 1};
    ++size_;
    return true;
  }

 private:
  // Eight bytes, all zero when empty: growing is a memset and a pass over half-full slots.
  struct Slot {
    std::uint32_t hash = 0;  // the identity's hash, low half: most probes compare no text
    std::uint32_t index_plus_one = 0;
  };

  [[nodiscard]] std::string_view identity_of(std::uint32_t index) const {
    const Recipient& recipient = recipients_[index];
    return recipient.key.empty() ? recipient.display : recipient.key;
  }

  void rehash(std::size_t size) {
    std::vector<Slot> old(size);
    old.swap(slots_);
    for (const Slot& entry : old) {
      if (entry.index_plus_one == 0) continue;
      std::size_t slot = entry.hash & (slots_.size() - 1);
      while (slots_[slot].index_plus_one != 0) slot = (slot + 1) & (slots_.size() - 1);
      slots_[slot] = entry;
    }
  }

  const std::vector<Recipient>& recipients_;
  std::uint64_t seed_;
  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

// UTS-46 through libidn2 is costly: each distinct spelling of a non-ASCII domain is mapped once.
class DomainSpellings {
 public:
  std::string_view normalized(std::string_view domain) {
    auto found = cache_.find(domain);
    if (found == cache_.end())
      found = cache_.emplace(std::string(domain), normalize_slow(domain)).first;
    return found->second;
  }

  static std::string normalize_slow(std::string_view domain) {
    if (auto normalized = normalize_domain(domain)) return *normalized;
    // Not a valid IDNA name: still a recipient, compared by its lower-cased spelling.
    std::string lowered(domain);
    for (char& c : lowered) c = ascii_lower(c);
    return lowered;
  }

 private:
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> cache_;
};

// The local part of a recipient key: ASCII letters folded, UTF-8 kept as written (folding
// non-ASCII needs Unicode tables the JS clients would have to match; two spellings that
// differ there count twice, which errs towards a warning and loses nobody).
void append_local_part_key(std::string_view local_part, std::string& key) {
  const std::size_t start = key.size();
  key.append(local_part);
  char* const folded = key.data() + start;
  for (std::size_t i = 0; i < local_part.size(); ++i) folded[i] = ascii_lower(folded[i]);
}

std::string make_key(std::string_view local_part, std::string_view domain,
                     std::size_t* domain_offset, DomainSpellings* spellings) {
  if (domain.empty() || local_part.empty()) return {};
  const bool normal =
      domain.back() != '.' && std::all_of(domain.begin(), domain.end(), is_lower_ldh);
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
  key.reserve(local_part.size() + 1 + normalized.size());
  append_local_part_key(local_part, key);
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
  return make_key(mailbox.local_part, mailbox.domain, domain_offset, nullptr);
}

std::string recipient_key(std::string_view local_part, std::string_view domain) {
  return make_key(local_part, domain, nullptr, nullptr);
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
  facts.internal = std::any_of(
      internal_domains_.begin(), internal_domains_.end(),
      [&](const std::string& internal) { return is_same_or_subdomain(domain, internal); });
  facts.consumer = !facts.internal && is_consumer(domain);
  if (!facts.internal && !facts.consumer) facts.registrable = registrable_domain(domain);
  return cache_.emplace(std::string(domain), std::move(facts)).first->second;
}

namespace {

// Appends texts to the set's arena in large chunks: views stay valid (a chunk never grows
// past its capacity) and there is no allocation per text.
class ArenaWriter {
 public:
  explicit ArenaWriter(std::deque<std::string>& arena) : arena_(arena) {}

  // The current chunk, with room for `max_size` more bytes: append at most that, then take().
  std::string& open(std::size_t max_size) {
    if (arena_.empty() || arena_.back().capacity() - arena_.back().size() < max_size) {
      std::string& chunk = arena_.emplace_back();
      chunk.reserve(std::max(kChunk, max_size));
    }
    start_ = arena_.back().size();
    return arena_.back();
  }
  std::string_view take() const { return std::string_view(arena_.back()).substr(start_); }

  std::string_view store(std::string_view text) {
    if (arena_.empty() || arena_.back().capacity() - arena_.back().size() < text.size()) {
      std::string& chunk = arena_.emplace_back();
      chunk.reserve(std::max(kChunk, text.size()));
    }
    std::string& chunk = arena_.back();
    const std::size_t at = chunk.size();
    chunk.append(text);
    return std::string_view(chunk).substr(at, text.size());
  }

 private:
  static constexpr std::size_t kChunk = 64U * 1024U;
  std::deque<std::string>& arena_;
  std::size_t start_ = 0;
};

class Collector final : public AddressVisitor {
 public:
  Collector(RecipientSet& set, Classifier& classifier, std::uint64_t hash_seed)
      : set_(set), arena_(set.arena), index_(set.recipients, hash_seed), classifier_(classifier) {
    recent_.reserve(kRecentDomains);
  }

  void add_field(const std::vector<std::string>& entries, Field field) {
    field_ = field;
    for (const std::string& entry : entries) {
      source_ = next_source_++;
      mailboxes_ = 0;
      groups_ = 0;
      has_first_ = false;
      const std::vector<ParseProblem> problems = reader_.visit(entry, *this);
      if (has_first_) {
        // A pill holding exactly one clean mailbox goes back to the client exactly as it came.
        if (mailboxes_ == 1 && groups_ == 0 && problems.empty()) {
          first_.display = entry;
          first_.whole = true;
        }
        keep(first_);
        has_first_ = false;
      }
      // A pill that is one unreadable entry goes back as it came too (the problem's text is cut).
      const bool one_problem = mailboxes_ == 0 && groups_ == 0 && problems.size() == 1;
      for (const ParseProblem& problem : problems) {
        Recipient recipient;
        recipient.field = field;
        recipient.source = source_;
        recipient.whole = one_problem;
        recipient.display = arena_.store(problem.text);
        recipient.problem = arena_.store(problem.reason);
        if (problem_is_ignored_text(problem.reason)) {
          set_.ignored_text.push_back(recipient);
        } else {
          keep(recipient);
        }
      }
    }
  }

  // Room for every recipient the strings may hold, once, before any is read, so that the
  // vector never moves: at most one per string or per 16 bytes, whichever is more (an
  // address rarely takes fewer; a pill may hold a group). Reserved pages that stay unused
  // are never touched, so the generous guess costs no page fault. The index's slots are
  // cleared up front, so it is sized by a tighter guess (a header spends some 48 bytes per
  // address): a wrong guess only costs a growth.
  void reserve_for(std::initializer_list<const std::vector<std::string>*> fields) {
    std::size_t strings = 0;
    std::size_t bytes = 0;
    for (const std::vector<std::string>* field : fields) {
      strings += field->size();
      for (const std::string& entry : *field) bytes += entry.size();
    }
    set_.recipients.reserve(std::max(strings, bytes / 16));
    index_.reserve(std::max(strings, bytes / 48));
  }

  void mailbox(const MailboxView& mailbox) override {
    if (has_first_) {
      keep(first_);
      has_first_ = false;
    }
    Recipient recipient;
    recipient.field = field_;
    recipient.source = source_;
    if (mailbox.domain.empty() || mailbox.local_part.empty()) {
      recipient.problem = "missing-domain";
    } else {
      const DomainEntry& domain = lookup_domain(mailbox.domain);
      recipient.domain_offset = mailbox.local_part.size() + 1;
      recipient.facts = domain.facts;
      if (!mailbox.address.empty() && domain.as_written && !has_ascii_upper(mailbox.local_part)) {
        recipient.key = mailbox.address;  // the key as written: a view into the draft's string
      } else {
        std::string& key = arena_.open(mailbox.local_part.size() + 1 + domain.normalized.size());
        append_local_part_key(mailbox.local_part, key);
        key += '@';
        key += domain.normalized;
        recipient.key = arena_.take();
      }
    }
    if (mailbox.whole_text) {
      // The pill goes back as it came (add_field): formatting it would be thrown away.
    } else if (!mailbox.formatted.empty()) {
      recipient.display = mailbox.formatted;  // a view into the draft's string
    } else {
      // At most: the name quoted with every character escaped, " <", the address, ">".
      std::string& display = arena_.open(2 * mailbox.name.size() + mailbox.local_part.size() +
                                         mailbox.domain.size() + 6);
      append_formatted_mailbox(mailbox, display);
      recipient.display = arena_.take();
    }
    if (mailboxes_++ == 0) {
      first_ = recipient;  // kept once the entry is known not to be a single mailbox
      has_first_ = true;
    } else {
      keep(recipient);
    }
  }

  void group_end() override { ++groups_; }

 private:
  void keep(const Recipient& recipient) {
    const std::string_view identity = recipient.key.empty() ? recipient.display : recipient.key;
    if (index_.insert(identity, static_cast<std::uint32_t>(set_.recipients.size()))) {
      set_.recipients.push_back(recipient);
    }
  }

  // A domain as written, its normal form and its facts. A draft names few distinct domains:
  // the first ones are found by a short scan (no hashing); past that, the maps.
  struct DomainEntry {
    std::string raw;
    std::uint32_t head = 0;  // head_of(raw): most probes compare only this
    std::string normalized;
    bool as_written = false;  // normalized == raw
    const DomainFacts* facts = nullptr;
  };

  // The length and the last two bytes of a (non-empty) domain: what tells a draft's few
  // domains apart, without a call.
  static std::uint32_t head_of(std::string_view text) {
    const auto last = static_cast<unsigned char>(text.back());
    const auto before = static_cast<unsigned char>(text.size() > 1 ? text[text.size() - 2] : 0);
    return (static_cast<std::uint32_t>(text.size()) << 16U) | (before << 8U) | last;
  }

  static bool matches(const DomainEntry& entry, std::uint32_t head, std::string_view raw) {
    return entry.head == head && entry.raw.size() == raw.size() &&
           same_bytes(entry.raw.data(), raw.data(), raw.size());
  }

  const DomainEntry& lookup_domain(std::string_view raw) {
    const std::uint32_t head = head_of(raw);
    for (const DomainEntry& entry : recent_) {
      if (matches(entry, head, raw)) return entry;
    }
    DomainEntry& entry = recent_.size() < kRecentDomains ? recent_.emplace_back() : overflow_;
    entry.raw.assign(raw);
    entry.head = head;
    const bool normal = raw.back() != '.' && std::all_of(raw.begin(), raw.end(), is_lower_ldh);
    entry.normalized.assign(normal ? raw : spellings_.normalized(raw));
    entry.as_written = entry.normalized == entry.raw;
    entry.facts = &classifier_.facts(entry.normalized);
    return entry;
  }

  static constexpr std::size_t kRecentDomains = 16;

  RecipientSet& set_;
  ArenaWriter arena_;
  IdentityIndex index_;
  Classifier& classifier_;
  AddressListReader reader_;  // one parser's buffers for every string
  DomainSpellings spellings_;
  Field field_ = Field::To;
  std::uint32_t source_ = 0;
  std::uint32_t next_source_ = 0;
  std::vector<DomainEntry> recent_;  // at most kRecentDomains; never reallocates
  DomainEntry overflow_;
  Recipient first_;
  bool has_first_ = false;
  std::size_t mailboxes_ = 0;
  std::size_t groups_ = 0;
};

}  // namespace

RecipientSet collect_recipients(const std::vector<std::string>& to,
                                const std::vector<std::string>& cc,
                                const std::vector<std::string>& bcc, Classifier& classifier,
                                std::uint64_t hash_seed) {
  RecipientSet set;
  Collector collector(set, classifier, hash_seed);
  collector.reserve_for({&to, &cc, &bcc});
  collector.add_field(to, Field::To);
  collector.add_field(cc, Field::Cc);
  collector.add_field(bcc, Field::Bcc);
  return set;
}

}  // namespace bccshield
