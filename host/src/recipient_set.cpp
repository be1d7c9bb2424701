#include "bccshield/recipient_set.hpp"

#include <algorithm>
#include <unordered_set>

#include "bccshield/consumer_domains.hpp"
#include "bccshield/domain.hpp"

namespace bccshield {
namespace {

std::string domain_of_key(std::string_view key) {
  const auto at = key.rfind('@');
  return at == std::string_view::npos ? std::string() : std::string(key.substr(at + 1));
}

}  // namespace

std::string recipient_key(const Mailbox& mailbox, std::string* normalized_domain) {
  if (mailbox.domain.empty() || mailbox.local_part.empty()) return {};
  auto domain = normalize_domain(mailbox.domain);
  if (!domain) {
    // Not a valid IDNA name: still a recipient, compared by its lower-cased spelling.
    std::string raw = mailbox.domain;
    std::transform(raw.begin(), raw.end(), raw.begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; });
    domain = raw;
  }
  if (normalized_domain != nullptr) *normalized_domain = *domain;
  return mailbox.local_part + "@" + *domain;
}

Classifier::Classifier(const Policy& policy, std::string_view sender) : policy_(policy) {
  internal_domains_ = policy.internal_domains;
  const ParsedAddressList parsed = parse_address_list(sender);
  const auto mailboxes = parsed.mailboxes();
  if (!mailboxes.empty()) {
    sender_display_ = format_mailbox(mailboxes.front());
    sender_key_ = recipient_key(mailboxes.front());
    const std::string sender_domain = domain_of_key(sender_key_);
    // A sender at gmail.com does not make every gmail.com user a colleague.
    if (!sender_domain.empty() && !is_consumer(sender_domain)) internal_domains_.push_back(sender_domain);
  } else if (!sender.empty()) {
    sender_display_ = std::string(sender);
  }
}

bool Classifier::is_consumer(std::string_view domain) const {
  if (is_builtin_consumer_domain(domain)) return true;
  return std::any_of(policy_.extra_consumer_domains.begin(), policy_.extra_consumer_domains.end(),
                     [&](const std::string& extra) { return is_same_or_subdomain(domain, extra); });
}

const Classifier::DomainFacts& Classifier::facts(const std::string& domain) {
  auto found = cache_.find(domain);
  if (found != cache_.end()) return found->second;
  DomainFacts facts;
  facts.internal = std::any_of(internal_domains_.begin(), internal_domains_.end(),
                               [&](const std::string& internal) { return is_same_or_subdomain(domain, internal); });
  facts.consumer = !facts.internal && is_consumer(domain);
  if (!facts.internal && !facts.consumer) facts.registrable = registrable_domain(domain);
  return cache_.emplace(domain, std::move(facts)).first->second;
}

void Classifier::classify(Recipient& recipient) {
  if (!recipient.parsed) {
    recipient.internal = false;
    recipient.consumer = false;
    recipient.party.clear();
    return;
  }
  const DomainFacts& f = facts(recipient.domain);
  recipient.internal = f.internal;
  recipient.consumer = f.consumer;
  // Private individuals do not know each other: each consumer mailbox is a party on its own.
  recipient.party = f.internal ? recipient.domain : (f.consumer ? recipient.key : f.registrable);
}

RecipientSet collect_recipients(const std::vector<std::string>& to, const std::vector<std::string>& cc,
                                const std::vector<std::string>& bcc, Classifier& classifier) {
  RecipientSet set;
  std::unordered_set<std::string> seen;
  const auto add_field = [&](const std::vector<std::string>& entries, Field field) {
    for (const std::string& entry : entries) {
      const ParsedAddressList parsed = parse_address_list(entry);
      const auto mailboxes = parsed.mailboxes();
      // A pill holding exactly one clean mailbox goes back to the client exactly as it came.
      const bool keep_spelling = mailboxes.size() == 1 && parsed.problems.empty();
      for (const Mailbox& mailbox : mailboxes) {
        Recipient recipient;
        recipient.field = field;
        recipient.key = recipient_key(mailbox, &recipient.domain);
        if (recipient.key.empty()) {
          recipient.problem = "missing-domain";
          recipient.display = keep_spelling ? entry : format_mailbox(mailbox);
          if (!seen.insert("raw:" + recipient.display).second) continue;
          set.recipients.push_back(std::move(recipient));
          continue;
        }
        if (!seen.insert(recipient.key).second) continue;
        recipient.parsed = true;
        recipient.display = keep_spelling ? entry : format_mailbox(mailbox);
        classifier.classify(recipient);
        set.recipients.push_back(std::move(recipient));
      }
      for (const ParseProblem& problem : parsed.problems) {
        Recipient recipient;
        recipient.field = field;
        recipient.display = problem.text;
        recipient.problem = problem.reason;
        if (!seen.insert("raw:" + recipient.display).second) continue;
        set.recipients.push_back(std::move(recipient));
      }
    }
  };
  add_field(to, Field::To);
  add_field(cc, Field::Cc);
  add_field(bcc, Field::Bcc);
  return set;
}

}  // namespace bccshield
