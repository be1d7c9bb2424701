#include "bccshield/evaluate.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include "bccshield/delivery.hpp"
#include "bccshield/recipient_set.hpp"

namespace bccshield {
namespace {

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
  // At most one party per recipient: flat arrays sized once, walked through raw pointers
  // (the hardened library checks every vector subscript).
  const std::size_t count = external.size();
  const Recipient* const* const in = external.data();
  // Left uninitialised: fresh memory is as costly as instructions (a page fault per 4 KiB
  // cleared), and each element is written before it is read: group_of for every recipient,
  // sizes and first for each party as it appears (there are often far fewer parties).
  // (new T[n] default-initialises, as make_unique_for_overwrite does; Emscripten's libc++ 14
  // has no make_unique_for_overwrite.)
  const std::unique_ptr<std::uint32_t[]> group_of(new std::uint32_t[count]);
  const std::unique_ptr<std::uint32_t[]> sizes(new std::uint32_t[count]);
  const std::unique_ptr<const Recipient*[]> first(new const Recipient*[count]);
  std::uint32_t* const group = group_of.get();
  std::uint32_t* const size_of = sizes.get();
  std::uint32_t parties = 0;
  std::unordered_map<const DomainFacts*, std::uint32_t> by_domain;
  std::unordered_map<std::string_view, std::uint32_t> by_organisation;
  // The first few domains by a short scan (a draft names few), the rest through the map.
  constexpr std::size_t kRecent = 16;
  std::array<std::pair<const DomainFacts*, std::uint32_t>, kRecent> recent{};
  std::size_t recent_size = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const Recipient* recipient = in[i];
    std::uint32_t id = parties;
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
    if (id == parties) {
      size_of[parties] = 0;
      first[parties++] = recipient;
    }
    group[i] = id;
    ++size_of[id];
  }
  // Each party's members together, in order of appearance (a counting sort by party).
  std::vector<std::size_t> offsets(parties + std::size_t{1}, 0);
  std::size_t* const offset = offsets.data();
  for (std::size_t id = 0; id < parties; ++id) offset[id + 1] = offset[id] + size_of[id];
  members.assign(count, nullptr);
  const Recipient** const member = members.data();
  std::vector<std::size_t> cursors(offsets.begin(), offsets.end() - 1);
  std::size_t* const cursor = cursors.data();
  for (std::size_t i = 0; i < count; ++i) member[cursor[group[i]]++] = in[i];

  // Organisations with many people first (what the user needs to see), then in order of
  // appearance: a stable counting sort by size, descending (linear; most parties are single
  // private people), placing each group straight where it goes.
  std::size_t largest = 0;
  for (std::size_t id = 0; id < parties; ++id)
    largest = std::max<std::size_t>(largest, size_of[id]);
  std::vector<std::size_t> starts(largest + 2, 0);
  std::size_t* const start = starts.data();
  for (std::size_t id = 0; id < parties; ++id) ++start[largest - size_of[id] + 1];
  for (std::size_t k = 1; k < starts.size(); ++k) start[k] += start[k - 1];
  std::vector<PartyGroup> sorted(parties);
  PartyGroup* const place = sorted.data();
  for (std::size_t id = 0; id < parties; ++id) {
    const auto begin = members.cbegin() + static_cast<std::ptrdiff_t>(offset[id]);
    place[start[largest - size_of[id]]++] =
        PartyGroup{first[id]->party(), first[id]->consumer(), begin,
                   begin + static_cast<std::ptrdiff_t>(size_of[id])};
  }
  return sorted;
}

// Views stay valid: displays point into the draft or into the set's arena, which the verdict
// takes over (a deque's elements do not move with it).
RecipientRef ref(const Recipient& recipient) {
  if (recipient.whole) return RecipientRef{recipient.source, {}};
  return RecipientRef{RecipientRef::no_source, recipient.display};
}

// The party texts are copied into one chunk of `storage` (the verdict's), sized first so it
// never reallocates: one allocation for all of them, and a verdict that does not depend on
// the draft or the classifier for them.
void list_parties(const std::vector<PartyGroup>& groups, ExposedPartiesFinding& finding,
                  std::deque<std::string>& storage) {
  std::size_t bytes = 0;
  std::size_t counted = 0;
  for (const PartyGroup& group : groups) {
    if (counted >= max_listed_recipients) break;
    bytes += group.party.size();
    counted += group.size();
  }
  std::string& texts = storage.emplace_back();
  texts.reserve(bytes);
  std::size_t listed = 0;
  finding.parties.reserve(std::min(groups.size(), max_listed_recipients));
  for (const PartyGroup& group : groups) {
    if (listed >= max_listed_recipients) {
      ++finding.omitted_parties;
      finding.omitted_recipients += group.size();
      continue;
    }
    ListedParty& party = finding.parties.emplace_back();
    const std::size_t at = texts.size();
    texts.append(group.party);
    party.party = std::string_view(texts).substr(at);
    party.consumer = group.consumer;
    party.size = group.size();
    party.recipients.reserve(std::min(group.size(), max_listed_recipients - listed));
    for (auto member = group.begin; member != group.end; ++member) {
      if (listed < max_listed_recipients) {
        party.recipients.push_back(ref(**member));
        ++listed;
      } else {
        ++finding.omitted_recipients;
      }
    }
  }
}

std::vector<RecipientRef> refs(const std::vector<const Recipient*>& recipients) {
  std::vector<RecipientRef> list;
  list.reserve(std::min(recipients.size(), max_listed_recipients));
  for (std::size_t i = 0; i < recipients.size() && i < max_listed_recipients; ++i)
    list.push_back(ref(*recipients[i]));
  return list;
}

Rewrite build_rewrite(const RecipientSet& set, std::string_view sender_display,
                      const Classifier& classifier, RewriteStrategy strategy) {
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
  // `individual` is written as `self` (the sender in To, everyone in Bcc): a client that cannot
  // send one copy per person (Outlook) still applies a safe rewrite; `delivery` says the rest.
  const bool self_like =
      strategy == RewriteStrategy::Self || strategy == RewriteStrategy::Individual;
  if (self_like && !sender_display.empty()) {
    rewrite.to.push_back(RecipientRef{RecipientRef::no_source, sender_display});
    sender_placed = true;
  }
  if (strategy != RewriteStrategy::KeepInternal) {
    // Everyone into Bcc: written through a pointer into the sized list (a push_back per
    // recipient costs more than the rest of the loop).
    rewrite.bcc.resize(set.recipients.size());
    RecipientRef* const bcc = rewrite.bcc.data();
    std::size_t placed = 0;
    for (const Recipient& recipient : set.recipients) {
      if (sender_placed && recipient.parsed() && recipient.key == sender) continue;  // in To
      bcc[placed++] = ref(recipient);
    }
    rewrite.bcc.resize(placed);
    return rewrite;
  }
  for (const Recipient& recipient : set.recipients) {
    if (sender_placed && recipient.parsed() && recipient.key == sender) continue;  // already in To
    const bool stays = recipient.internal();
    auto& list = !stays ? rewrite.bcc : (recipient.field == Field::To ? rewrite.to : rewrite.cc);
    list.push_back(ref(recipient));
  }
  return rewrite;
}

// One builder per rule: the policy's action for it, or nothing when the admin switched it off.
struct Findings {
  const Policy& policy;
  std::vector<Finding>& findings;
  void add(const char* rule, FindingData data) const {
    const auto it = policy.rules.find(rule);
    const Action action = it == policy.rules.end() ? Action::Warn : it->second.action;
    if (action == Action::Allow) return;
    findings.push_back(Finding{action, std::move(data)});
  }
};

void check_exposed_parties(const Summary& summary, const std::vector<PartyGroup>& groups,
                           const Findings& findings, std::deque<std::string>& storage) {
  const Policy& policy = findings.policy;
  if (summary.external_parties < policy.min_exposed_parties) return;
  ExposedPartiesFinding finding;
  finding.threshold = policy.min_exposed_parties;
  finding.visible_recipients = summary.visible_recipients;
  finding.external_recipients = summary.external_recipients;
  finding.external_parties = summary.external_parties;
  list_parties(groups, finding, storage);
  findings.add(rule_exposed_parties, std::move(finding));
}

void check_large_alias(const Summary& summary, const std::vector<const Recipient*>& aliases,
                       const Findings& findings) {
  const Policy& policy = findings.policy;
  if (aliases.empty()) return;
  LargeAliasFinding finding;
  finding.threshold = policy.min_exposed_parties;
  finding.weighted_parties = summary.external_parties;
  for (const Recipient* alias : aliases) {
    const int audience = policy.large_audience_addresses.find(alias->key)->second;
    finding.weighted_parties += audience;
    if (finding.aliases.size() < max_listed_recipients)
      finding.aliases.push_back({ref(*alias), audience});
  }
  finding.exposed_recipients = summary.visible_recipients - static_cast<int>(aliases.size());
  // Something must be exposed to the alias's audience: another visible address.
  if (finding.exposed_recipients > 0 && finding.weighted_parties >= policy.min_exposed_parties)
    findings.add(rule_large_alias, std::move(finding));
}

// `storage` (the verdict's) takes over the original recipients' arena: the keys view it.
void check_reply_exposure(const Draft& draft, const RecipientSet& current, Classifier& classifier,
                          const Findings& findings, RecipientKeys* keys,
                          std::deque<std::string>& storage, std::uint64_t hash_seed) {
  if (draft.type != ComposeType::Reply && keys == nullptr) return;
  RecipientSet original =
      collect_recipients(draft.original.to, draft.original.cc, {}, classifier, hash_seed);
  if (keys != nullptr) {
    for (const Recipient& recipient : original.recipients) {
      auto& list = recipient.field == Field::To ? keys->original_to : keys->original_cc;
      list.push_back(recipient.parsed() ? recipient.key : recipient.display);
    }
    // Arena chunks are reserved at 64 KiB or more, so their text is on the heap and moving
    // a chunk's string leaves the viewed bytes where they are.
    for (std::string& chunk : original.arena) storage.push_back(std::move(chunk));
  }
  if (draft.type != ComposeType::Reply) return;
  std::unordered_set<std::string_view> original_parties;
  std::unordered_set<std::string_view> original_external;
  for (const Recipient& recipient : original.recipients) {
    if (!recipient.parsed() || recipient.internal()) continue;
    original_parties.insert(recipient.party());
    original_external.insert(recipient.key);
  }
  const Policy& policy = findings.policy;
  if (static_cast<int>(original_parties.size()) < policy.min_exposed_parties) return;
  std::vector<const Recipient*> kept;
  for (const Recipient& recipient : current.recipients) {
    if (recipient.parsed() && recipient.visible() && original_external.count(recipient.key) != 0) {
      kept.push_back(&recipient);
    }
  }
  if (kept.size() < 2) return;
  ReplyExposureFinding finding;
  finding.threshold = policy.min_exposed_parties;
  finding.original_external_parties = original_parties.size();
  finding.kept_visible = kept.size();
  finding.recipients = refs(kept);
  findings.add(rule_reply_exposure, std::move(finding));
}

void check_unparsable(const std::vector<const Recipient*>& unparsable, const Findings& findings) {
  if (unparsable.empty()) return;
  UnparsableFinding finding;
  finding.count = unparsable.size();
  for (std::size_t i = 0; i < unparsable.size() && i < max_listed_recipients; ++i)
    finding.entries.push_back({ref(*unparsable[i]), std::string(unparsable[i]->problem)});
  findings.add(rule_unparsable_recipient, std::move(finding));
}

// Views into the draft and `storage` (the set's arena, which the verdict takes over whole).
RecipientKeys recipient_keys(const RecipientSet& set, const Classifier& classifier,
                             std::deque<std::string>& storage) {
  RecipientKeys keys;
  keys.from = storage.emplace_back(classifier.sender_key());
  auto list_of = [&keys](const Recipient& recipient) -> std::vector<std::string_view>& {
    return recipient.field == Field::To   ? keys.to
           : recipient.field == Field::Cc ? keys.cc
                                          : keys.bcc;
  };
  std::array<std::size_t, 3> sizes{};
  for (const Recipient& recipient : set.recipients)
    ++sizes[static_cast<std::size_t>(recipient.field)];
  for (const Recipient& ignored : set.ignored_text)
    ++sizes[static_cast<std::size_t>(ignored.field)];
  keys.to.reserve(sizes[static_cast<std::size_t>(Field::To)]);
  keys.cc.reserve(sizes[static_cast<std::size_t>(Field::Cc)]);
  keys.bcc.reserve(sizes[static_cast<std::size_t>(Field::Bcc)]);
  auto add = [&list_of](const Recipient& recipient) {
    list_of(recipient).push_back(recipient.parsed() ? recipient.key : recipient.display);
  };
  for (const Recipient& recipient : set.recipients) add(recipient);
  for (const Recipient& ignored : set.ignored_text) add(ignored);
  return keys;
}

}  // namespace

Verdict evaluate(const Draft& draft, const Policy& policy, const EvaluateOptions& options) {
  Verdict verdict;
  Classifier classifier(policy, draft.from);
  RecipientSet set =
      collect_recipients(draft.to, draft.cc, draft.bcc, classifier, options.hash_seed);
  const Findings findings{policy, verdict.findings};

  // At most every recipient is external: written through a pointer, trimmed after.
  std::vector<const Recipient*> external(set.recipients.size());
  const Recipient** const external_at = external.data();
  std::size_t externals = 0;
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
        policy.large_audience_addresses.find(recipient.key) !=
            policy.large_audience_addresses.end()) {
      aliases.push_back(&recipient);
    } else if (recipient.internal()) {
      ++summary.internal_recipients;
    } else {
      ++summary.external_recipients;
      external_at[externals++] = &recipient;
    }
  }
  external.resize(externals);
  std::vector<const Recipient*> members;
  const std::vector<PartyGroup> groups = group_external(external, members);
  summary.external_parties = static_cast<int>(groups.size());

  check_exposed_parties(summary, groups, findings, set.arena);
  check_large_alias(summary, aliases, findings);
  if (options.with_keys) verdict.keys = recipient_keys(set, classifier, set.arena);
  check_reply_exposure(draft, set, classifier, findings, verdict.keys ? &*verdict.keys : nullptr,
                       set.arena, options.hash_seed);
  // Text Thunderbird ignores next to real addresses is shown with the unreadable entries.
  for (const Recipient& ignored : set.ignored_text) unparsable.push_back(&ignored);
  check_unparsable(unparsable, findings);

  for (const Finding& finding : verdict.findings)
    verdict.decision = std::max(verdict.decision, finding.action);
  // The findings' and the rewrite's texts point into the set's arena: the verdict takes it
  // over whole (moving a deque moves no element, so every view stays valid).
  verdict.storage = std::move(set.arena);
  if (verdict.decision != Action::Allow) {
    const std::string& sender = verdict.storage.emplace_back(classifier.sender_display());
    // One copy per person only up to individualMax recipients; above it Convert uses Bcc.
    const bool individual = policy.rewrite_strategy == RewriteStrategy::Individual;
    const bool individual_fits =
        set.recipients.size() <= static_cast<std::size_t>(policy.individual_max);
    const RewriteStrategy strategy =
        individual && !individual_fits ? RewriteStrategy::Self : policy.rewrite_strategy;
    verdict.rewrite = build_rewrite(set, sender, classifier, strategy);
    if (strategy == RewriteStrategy::Individual) {
      verdict.delivery = plan_individual(*verdict.rewrite);
    } else {
      verdict.delivery =
          plan_batches(*verdict.rewrite, policy.recipient_limit_for(classifier.sender_key()));
      if (individual) verdict.delivery->individual_max = policy.individual_max;
    }
  }
  if (policy.bulk_channel &&
      set.recipients.size() >= static_cast<std::size_t>(policy.bulk_channel->min_recipients)) {
    verdict.bulk_channel =
        BulkChannelNote{policy.bulk_channel->name, policy.bulk_channel->url, set.recipients.size()};
  }
  return verdict;
}

}  // namespace bccshield
