#include "bccshield/evaluate.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>
#include <unordered_set>

#include "bccshield/recipient_set.hpp"

namespace bccshield {
namespace {

using nlohmann::json;

// Findings list recipients for the popup; past this many the rest are only counted, which
// keeps a reply for tens of thousands of recipients under Thunderbird's 1 MiB frame limit.
constexpr std::size_t kMaxListedRecipients = 1000;

struct PartyGroup {
  std::string_view party;
  bool consumer = false;
  std::vector<const Recipient*>::const_iterator begin;
  std::vector<const Recipient*>::const_iterator end;
  [[nodiscard]] std::size_t size() const { return static_cast<std::size_t>(end - begin); }
};

// Groups external recipients by party in linear time, without a container per party:
// ids in order of appearance, then a counting sort into `members` (which the groups point into).
std::vector<PartyGroup> group_external(const std::vector<const Recipient*>& external,
                                       std::vector<const Recipient*>& members) {
  std::vector<std::uint32_t> group_of(external.size());
  std::vector<std::uint32_t> sizes;
  std::vector<const Recipient*> first;
  std::unordered_map<const DomainFacts*, std::uint32_t> by_domain;
  std::unordered_map<std::string_view, std::uint32_t> by_organisation;
  // The first few domains by a short scan (a draft names few), the rest through the map.
  constexpr std::size_t kRecent = 16;
  std::array<std::pair<const DomainFacts*, std::uint32_t>, kRecent> recent{};
  std::size_t recent_size = 0;
  for (std::size_t i = 0; i < external.size(); ++i) {
    const Recipient* recipient = external[i];
    std::uint32_t id = static_cast<std::uint32_t>(sizes.size());
    if (!recipient->consumer()) {  // a consumer mailbox is always a party of its own
      std::size_t r = 0;
      while (r < recent_size && recent[r].first != recipient->facts) ++r;
      if (r < recent_size) {
        id = recent[r].second;
      } else {
        const auto [domain, new_domain] = by_domain.try_emplace(recipient->facts, id);
        if (new_domain)
          domain->second = by_organisation.try_emplace(recipient->party(), id).first->second;
        id = domain->second;
        if (recent_size < kRecent) recent[recent_size++] = {recipient->facts, id};
      }
    }
    if (id == sizes.size()) {
      sizes.push_back(0);
      first.push_back(recipient);
    }
    group_of[i] = id;
    ++sizes[id];
  }
  std::vector<std::size_t> offsets(sizes.size() + 1, 0);
  for (std::size_t id = 0; id < sizes.size(); ++id) offsets[id + 1] = offsets[id] + sizes[id];
  members.assign(external.size(), nullptr);
  std::vector<std::size_t> cursor(offsets.begin(), offsets.end() - 1);
  for (std::size_t i = 0; i < external.size(); ++i) members[cursor[group_of[i]]++] = external[i];

  std::vector<PartyGroup> groups;
  groups.reserve(sizes.size());
  for (std::size_t id = 0; id < sizes.size(); ++id) {
    const auto begin = members.cbegin() + static_cast<std::ptrdiff_t>(offsets[id]);
    groups.push_back(PartyGroup{first[id]->party(), first[id]->consumer(), begin,
                                begin + static_cast<std::ptrdiff_t>(sizes[id])});
  }
  // Organisations with many people first (what the user needs to see), then in order of
  // appearance: a stable counting sort by size, descending (linear; most parties are single
  // private people).
  std::size_t largest = 0;
  for (const PartyGroup& group : groups) largest = std::max(largest, group.size());
  std::vector<std::size_t> start(largest + 2, 0);
  for (const PartyGroup& group : groups) ++start[largest - group.size() + 1];
  for (std::size_t k = 1; k < start.size(); ++k) start[k] += start[k - 1];
  std::vector<PartyGroup> sorted(groups.size());
  for (const PartyGroup& group : groups) sorted[start[largest - group.size()]++] = group;
  return sorted;
}

json parties_json(const std::vector<PartyGroup>& groups, json& finding) {
  json parties = json::array();
  std::size_t listed = 0;
  std::size_t omitted_parties = 0;
  std::size_t omitted_recipients = 0;
  for (const PartyGroup& group : groups) {
    if (listed >= kMaxListedRecipients) {
      ++omitted_parties;
      omitted_recipients += group.size();
      continue;
    }
    // Built in place (an initializer list would copy every value once more).
    json recipients = json::array();
    auto& list = recipients.get_ref<json::array_t&>();
    list.reserve(std::min(group.size(), kMaxListedRecipients - listed));
    for (auto member = group.begin; member != group.end; ++member) {
      if (listed < kMaxListedRecipients) {
        list.emplace_back((*member)->display);
        ++listed;
      } else {
        ++omitted_recipients;
      }
    }
    json party(json::value_t::object);
    auto& fields = party.get_ref<json::object_t&>();
    fields.emplace("party", group.party);
    fields.emplace("kind", group.consumer ? "private" : "organisation");
    fields.emplace("size", group.size());
    fields.emplace("recipients", std::move(recipients));
    parties.get_ref<json::array_t&>().push_back(std::move(party));
  }
  finding["omittedParties"] = omitted_parties;
  finding["omittedRecipients"] = omitted_recipients;
  return parties;
}

json display_list(const std::vector<const Recipient*>& recipients) {
  json list = json::array();
  for (std::size_t i = 0; i < recipients.size() && i < kMaxListedRecipients; ++i) {
    list.push_back(recipients[i]->display);
  }
  return list;
}

Rewrite build_rewrite(const RecipientSet& set, const Classifier& classifier,
                      RewriteStrategy strategy) {
  Rewrite rewrite;
  rewrite.strategy = strategy;
  if (strategy == RewriteStrategy::KeepInternal) {
    std::size_t staying = 0;
    for (const Recipient& recipient : set.recipients) staying += recipient.internal() ? 1U : 0U;
    rewrite.bcc.reserve(set.recipients.size() - staying);
  } else {
    rewrite.bcc.reserve(set.recipients.size());
  }
  const std::string& sender = classifier.sender_key();
  bool sender_placed = false;
  if (strategy == RewriteStrategy::Self && !classifier.sender_display().empty()) {
    rewrite.to.push_back(classifier.sender_display());
    sender_placed = true;
  }
  for (const Recipient& recipient : set.recipients) {
    if (sender_placed && recipient.parsed() && recipient.key == sender) continue;  // already in To
    const bool stays = strategy == RewriteStrategy::KeepInternal && recipient.internal();
    auto& list = !stays ? rewrite.bcc : (recipient.field == Field::To ? rewrite.to : rewrite.cc);
    list.emplace_back(recipient.display);
  }
  return rewrite;
}

struct Context {
  const Policy& policy;
  std::vector<Finding>& findings;
  void add(const char* rule, json data) const {
    const auto it = policy.rules.find(rule);
    const Action action = it == policy.rules.end() ? Action::Warn : it->second.action;
    if (action == Action::Allow) return;  // the admin switched this rule off
    findings.push_back(Finding{rule, action, std::move(data)});
  }
};

void check_reply_exposure(const Draft& draft, const RecipientSet& current, Classifier& classifier,
                          const Context& context) {
  if (draft.type != ComposeType::Reply) return;
  const RecipientSet original =
      collect_recipients(draft.original.to, draft.original.cc, {}, classifier);
  std::unordered_set<std::string_view> original_parties;
  std::unordered_set<std::string_view> original_external;
  for (const Recipient& recipient : original.recipients) {
    if (!recipient.parsed() || recipient.internal()) continue;
    original_parties.insert(recipient.party());
    original_external.insert(recipient.key);
  }
  if (static_cast<int>(original_parties.size()) < context.policy.min_exposed_parties) return;
  std::vector<const Recipient*> kept;
  for (const Recipient& recipient : current.recipients) {
    if (recipient.parsed() && recipient.visible() && original_external.count(recipient.key) != 0) {
      kept.push_back(&recipient);
    }
  }
  if (kept.size() < 2) return;
  context.add(rule_reply_exposure, {{"threshold", context.policy.min_exposed_parties},
                                    {"originalExternalParties", original_parties.size()},
                                    {"keptVisible", kept.size()},
                                    {"recipients", display_list(kept)}});
}

}  // namespace

Verdict evaluate(const Draft& draft, const Policy& policy) {
  Verdict verdict;
  Classifier classifier(policy, draft.from);
  const RecipientSet set = collect_recipients(draft.to, draft.cc, draft.bcc, classifier);
  const Context context{policy, verdict.findings};

  std::vector<const Recipient*> external;
  std::vector<const Recipient*> aliases;
  std::vector<const Recipient*> unparsable;
  Summary& summary = verdict.summary;
  for (const Recipient& recipient : set.recipients) {
    if (!recipient.parsed()) {
      ++summary.unparsable_entries;
      unparsable.push_back(&recipient);
      continue;
    }
    if (!recipient.visible()) {
      ++summary.hidden_recipients;
      continue;
    }
    ++summary.visible_recipients;
    if (!policy.large_audience_addresses.empty() &&
        policy.large_audience_addresses.count(std::string(recipient.key)) != 0) {
      aliases.push_back(&recipient);
    } else if (recipient.internal()) {
      ++summary.internal_recipients;
    } else {
      ++summary.external_recipients;
      external.push_back(&recipient);
    }
  }
  std::vector<const Recipient*> members;
  const std::vector<PartyGroup> groups = group_external(external, members);
  summary.external_parties = static_cast<int>(groups.size());

  if (summary.external_parties >= policy.min_exposed_parties) {
    json finding = {{"threshold", policy.min_exposed_parties},
                    {"visibleRecipients", summary.visible_recipients},
                    {"externalRecipients", summary.external_recipients},
                    {"externalParties", summary.external_parties}};
    finding["parties"] = parties_json(groups, finding);
    context.add(rule_exposed_parties, std::move(finding));
  }

  if (!aliases.empty()) {
    long long weighted = summary.external_parties;
    json listed = json::array();
    for (const Recipient* alias : aliases) {
      const int audience = policy.large_audience_addresses.at(std::string(alias->key));
      weighted += audience;
      listed.push_back({{"recipient", alias->display}, {"audience", audience}});
    }
    // Something must be exposed to the alias's audience: another visible address.
    const bool exposes_someone = summary.visible_recipients > static_cast<int>(aliases.size());
    if (exposes_someone && weighted >= policy.min_exposed_parties) {
      context.add(rule_large_alias, {{"threshold", policy.min_exposed_parties},
                                     {"weightedParties", weighted},
                                     {"aliases", std::move(listed)},
                                     {"exposedRecipients", summary.visible_recipients -
                                                               static_cast<int>(aliases.size())}});
    }
  }

  check_reply_exposure(draft, set, classifier, context);

  // Text Thunderbird ignores next to real addresses is shown with the unreadable entries.
  for (const Recipient& ignored : set.ignored_text) unparsable.push_back(&ignored);
  if (!unparsable.empty()) {
    json entries = json::array();
    for (std::size_t i = 0; i < unparsable.size() && i < kMaxListedRecipients; ++i) {
      entries.push_back({{"text", unparsable[i]->display}, {"reason", unparsable[i]->problem}});
    }
    context.add(rule_unparsable_recipient,
                {{"count", unparsable.size()}, {"entries", std::move(entries)}});
  }

  for (const Finding& finding : verdict.findings)
    verdict.decision = std::max(verdict.decision, finding.action);
  if (verdict.decision != Action::Allow)
    verdict.rewrite = build_rewrite(set, classifier, policy.rewrite_strategy);
  return verdict;
}

}  // namespace bccshield
