#include "bccshield/evaluate.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "bccshield/recipient_set.hpp"

namespace bccshield {
namespace {

constexpr const char* kSender = "Office de tourisme <accueil@tourisme-vallee.fr>";

std::vector<std::string> private_addresses(int count, int offset = 0) {
  const char* providers[] = {"gmail.com",   "orange.fr",  "free.fr",
                             "laposte.net", "hotmail.fr", "yahoo.fr"};
  std::vector<std::string> list;
  for (int i = offset; i < offset + count; ++i) {
    list.push_back("Visiteur " + std::to_string(i) + " <visiteur" + std::to_string(i) + "@" +
                   providers[i % 6] + ">");
  }
  return list;
}

Draft draft_to(std::vector<std::string> to) {
  Draft draft;
  draft.from = kSender;
  draft.to = std::move(to);
  return draft;
}

const Finding* find_rule(const Verdict& verdict, const std::string& rule) {
  for (const Finding& finding : verdict.findings) {
    if (finding.rule() == rule) return &finding;
  }
  return nullptr;
}

// A finding as the wire writes it (PROTOCOL.md).
nlohmann::json data(const Finding& finding) {
  Verdict alone;
  alone.findings.push_back(finding);
  return to_json(alone)["findings"][0];
}

// The rewrite's recipients as the client applies them.
std::vector<std::string> texts(const std::vector<RecipientRef>& list, const Draft& draft) {
  std::vector<std::string> out;
  for (const RecipientRef& recipient : list) out.emplace_back(recipient.resolve(draft));
  return out;
}

TEST(Evaluate, TourismOfficeMailingToPrivateAddressesWarns) {
  const Draft draft = draft_to(private_addresses(30));
  const Verdict verdict = evaluate(draft, Policy::defaults());
  EXPECT_EQ(verdict.decision, Action::Warn);
  const Finding* finding = find_rule(verdict, rule_exposed_parties);
  ASSERT_NE(finding, nullptr);
  EXPECT_EQ(data(*finding)["externalParties"], 30);
  EXPECT_EQ(data(*finding)["visibleRecipients"], 30);
  EXPECT_EQ(data(*finding)["parties"].size(), 30U);
  EXPECT_EQ(data(*finding)["parties"][0]["kind"], "private");
  ASSERT_TRUE(verdict.rewrite.has_value());
  EXPECT_EQ(texts(verdict.rewrite->to, draft), std::vector<std::string>{kSender});
  EXPECT_TRUE(verdict.rewrite->cc.empty());
  EXPECT_EQ(texts(verdict.rewrite->bcc, draft), private_addresses(30));
}

TEST(Evaluate, SevenPrivateAddressesStayBelowTheDefaultThreshold) {
  const Verdict verdict = evaluate(draft_to(private_addresses(7)), Policy::defaults());
  EXPECT_EQ(verdict.decision, Action::Allow);
  EXPECT_FALSE(verdict.rewrite.has_value());
  EXPECT_EQ(evaluate(draft_to(private_addresses(8)), Policy::defaults()).decision, Action::Warn);
}

TEST(Evaluate, MeetingWithThreePartnerCompaniesIsAllowed) {
  std::vector<std::string> to;
  for (const char* company : {"acme.example", "globex.example", "initech.example"}) {
    for (int i = 0; i < 5; ++i) to.push_back("p" + std::to_string(i) + "@" + company);
  }
  const Verdict verdict = evaluate(draft_to(to), Policy::defaults());
  EXPECT_EQ(verdict.decision, Action::Allow);
  EXPECT_EQ(verdict.summary.external_parties, 3);
  EXPECT_EQ(verdict.summary.external_recipients, 15);
}

TEST(Evaluate, FortyColleaguesAreAllowed) {
  std::vector<std::string> to;
  for (int i = 0; i < 40; ++i)
    to.push_back("colleague" + std::to_string(i) + "@tourisme-vallee.fr");
  to.emplace_back("boss@paris.tourisme-vallee.fr");  // a subdomain of the sender's is internal too
  const Verdict verdict = evaluate(draft_to(to), Policy::defaults());
  EXPECT_EQ(verdict.decision, Action::Allow);
  EXPECT_EQ(verdict.summary.internal_recipients, 41);
}

TEST(Evaluate, ConsumerSenderDoesNotMakeOtherUsersColleagues) {
  Draft draft;
  draft.from = "Jean <jean.dupont@gmail.com>";
  for (int i = 0; i < 10; ++i) draft.to.push_back("ami" + std::to_string(i) + "@gmail.com");
  const Verdict verdict = evaluate(draft, Policy::defaults());
  EXPECT_EQ(verdict.decision, Action::Warn);
  EXPECT_EQ(verdict.summary.external_parties, 10);
}

TEST(Evaluate, InternalDomainsFromPolicyAreNotParties) {
  Policy policy = Policy::defaults();
  policy.internal_domains = {"mairie.example"};
  std::vector<std::string> to;
  for (int i = 0; i < 10; ++i)
    to.push_back("agent" + std::to_string(i) + "@services.mairie.example");
  EXPECT_EQ(evaluate(draft_to(to), policy).decision, Action::Allow);
  EXPECT_EQ(evaluate(draft_to(to), Policy::defaults()).decision,
            Action::Allow);  // one organisation
}

TEST(Evaluate, SubdomainsOfOneOrganisationAreOneParty) {
  std::vector<std::string> to = {"a@mail.acme.co.uk", "b@acme.co.uk", "c@paris.office.acme.co.uk"};
  const Verdict verdict = evaluate(draft_to(to), Policy::defaults());
  EXPECT_EQ(verdict.summary.external_parties, 1);
}

TEST(Evaluate, RecipientInToAndCcCountsOnce) {
  Draft draft = draft_to(private_addresses(7));
  draft.cc = {"VISITEUR 0 <visiteur0@GMAIL.COM>", "visiteur1@Orange.FR"};
  const Verdict verdict = evaluate(draft, Policy::defaults());
  EXPECT_EQ(verdict.summary.visible_recipients, 7);
  EXPECT_EQ(verdict.decision, Action::Allow);
}

TEST(Evaluate, AddressesDifferingOnlyInLetterCaseAreOnePerson) {
  Draft draft = draft_to(private_addresses(7));
  for (const std::string& address : private_addresses(7)) {
    std::string shouted = address;
    for (char& c : shouted) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
    draft.cc.push_back(shouted);
  }
  const Verdict verdict = evaluate(draft, Policy::defaults());
  EXPECT_EQ(verdict.summary.visible_recipients, 7);
  EXPECT_EQ(verdict.decision, Action::Allow);
  // Above the threshold, the rewrite keeps the first spelling and loses nobody.
  Draft eight = draft_to(private_addresses(8));
  eight.cc = {"VISITEUR7@ORANGE.FR"};
  const Verdict warned = evaluate(eight, Policy::defaults());
  ASSERT_TRUE(warned.rewrite.has_value());
  EXPECT_EQ(texts(warned.rewrite->bcc, eight), private_addresses(8));
}

TEST(Evaluate, IdnSpellingsOfOneAddressCountOnce) {
  Draft draft = draft_to({"anna@bücher.example", "anna@XN--BCHER-KVA.example"});
  EXPECT_EQ(evaluate(draft, Policy::defaults()).summary.visible_recipients, 1);
}

TEST(Evaluate, BccRecipientsAreNotVisible) {
  Draft draft = draft_to({});
  draft.bcc = private_addresses(50);
  const Verdict verdict = evaluate(draft, Policy::defaults());
  EXPECT_EQ(verdict.decision, Action::Allow);
  EXPECT_EQ(verdict.summary.hidden_recipients, 50);
}

TEST(Evaluate, GroupMembersAreVisibleRecipients) {
  std::string group = "Amis: ";
  for (const auto& address : private_addresses(9)) group += address + ", ";
  group.back() = ';';
  const Verdict verdict = evaluate(draft_to({group}), Policy::defaults());
  EXPECT_EQ(verdict.summary.visible_recipients, 9);
  EXPECT_EQ(verdict.decision, Action::Warn);
}

TEST(Evaluate, ReplyKeepingTheOriginalsExposedRecipientsWarns) {
  Draft draft = draft_to({"visiteur3@laposte.net", "visiteur4@hotmail.fr"});
  draft.type = ComposeType::Reply;
  draft.original.to = private_addresses(20);
  const Verdict verdict = evaluate(draft, Policy::defaults());
  const Finding* finding = find_rule(verdict, rule_reply_exposure);
  ASSERT_NE(finding, nullptr);
  EXPECT_EQ(data(*finding)["originalExternalParties"], 20);
  EXPECT_EQ(data(*finding)["keptVisible"], 2);
  EXPECT_EQ(verdict.decision, Action::Warn);
}

TEST(Evaluate, ReplyToOnePersonOfALeakIsAllowed) {
  Draft draft = draft_to({"visiteur3@laposte.net"});
  draft.type = ComposeType::Reply;
  draft.original.to = private_addresses(20);
  EXPECT_EQ(evaluate(draft, Policy::defaults()).decision, Action::Allow);
  draft.type = ComposeType::New;  // not a reply: the original does not matter
  draft.to.emplace_back("visiteur4@hotmail.fr");
  EXPECT_EQ(evaluate(draft, Policy::defaults()).decision, Action::Allow);
}

TEST(Evaluate, LargeAliasCountsAsItsAudience) {
  Policy policy = Policy::defaults();
  policy.large_audience_addresses["parents@ecole.example"] = 300;
  const Verdict verdict =
      evaluate(draft_to({"Parents <parents@ecole.example>", "nouveau.parent@gmail.com"}), policy);
  const Finding* finding = find_rule(verdict, rule_large_alias);
  ASSERT_NE(finding, nullptr);
  EXPECT_EQ(data(*finding)["weightedParties"], 301);
  EXPECT_EQ(verdict.decision, Action::Warn);
  // The alias alone exposes nobody.
  EXPECT_EQ(evaluate(draft_to({"parents@ecole.example"}), policy).decision, Action::Allow);
}

TEST(Evaluate, UnparsableEntryIsAFindingAndIsNotLost) {
  Draft draft = draft_to({"Team <Team>", "alice@acme.example"});
  const Verdict verdict = evaluate(draft, Policy::defaults());
  const Finding* finding = find_rule(verdict, rule_unparsable_recipient);
  ASSERT_NE(finding, nullptr);
  EXPECT_EQ(data(*finding)["count"], 1);
  EXPECT_EQ(verdict.decision, Action::Warn);
  ASSERT_TRUE(verdict.rewrite.has_value());
  EXPECT_EQ(verdict.rewrite->bcc.size(), 2U);
}

TEST(Evaluate, TextThunderbirdIgnoresIsShownButNeverBecomesARecipient) {
  // jsmime drops an address written where a group name goes, and text after an angle address.
  Draft draft = draft_to(
      {"<dropped@evil.example>: member@acme.example;", "<kept@acme.example>after@evil.example"});
  const Verdict verdict = evaluate(draft, Policy::defaults());
  const Finding* finding = find_rule(verdict, rule_unparsable_recipient);
  ASSERT_NE(finding, nullptr);
  EXPECT_EQ(data(*finding)["count"], 2);
  EXPECT_EQ(data(*finding)["entries"][0]["reason"], "address-as-group-name");
  EXPECT_EQ(data(*finding)["entries"][1]["reason"], "text-after-address");
  EXPECT_EQ(verdict.summary.unparsable_entries, 0);
  ASSERT_TRUE(verdict.rewrite.has_value());
  EXPECT_EQ(texts(verdict.rewrite->bcc, draft),
            (std::vector<std::string>{"member@acme.example", "kept@acme.example"}));
}

TEST(Evaluate, DecisionIsTheStrictestAction) {
  Policy policy = Policy::defaults();
  policy.rules[rule_exposed_parties].action = Action::Justify;
  policy.rules[rule_unparsable_recipient].action = Action::Block;
  Draft draft = draft_to(private_addresses(10));
  EXPECT_EQ(evaluate(draft, policy).decision, Action::Justify);
  draft.to.emplace_back("broken@");
  EXPECT_EQ(evaluate(draft, policy).decision, Action::Block);
  policy.rules[rule_exposed_parties].action = Action::Convert;
  policy.rules[rule_unparsable_recipient].action = Action::Allow;  // switched off
  EXPECT_EQ(evaluate(draft, policy).decision, Action::Convert);
}

TEST(Evaluate, UndisclosedStrategyEmptiesToAndCc) {
  Policy policy = Policy::defaults();
  policy.rewrite_strategy = RewriteStrategy::Undisclosed;
  const Verdict verdict = evaluate(draft_to(private_addresses(10)), policy);
  ASSERT_TRUE(verdict.rewrite.has_value());
  EXPECT_TRUE(verdict.rewrite->to.empty());
  EXPECT_TRUE(verdict.rewrite->cc.empty());
  EXPECT_EQ(verdict.rewrite->bcc.size(), 10U);
}

TEST(Evaluate, KeepInternalStrategyLeavesColleaguesWhereTheyWere) {
  Policy policy = Policy::defaults();
  policy.rewrite_strategy = RewriteStrategy::KeepInternal;
  Draft draft = draft_to(private_addresses(10));
  draft.to.emplace_back("Collègue <collegue@tourisme-vallee.fr>");
  draft.cc = {"chef@tourisme-vallee.fr"};
  const Verdict verdict = evaluate(draft, policy);
  ASSERT_TRUE(verdict.rewrite.has_value());
  EXPECT_EQ(texts(verdict.rewrite->to, draft),
            std::vector<std::string>{"Collègue <collegue@tourisme-vallee.fr>"});
  EXPECT_EQ(texts(verdict.rewrite->cc, draft), std::vector<std::string>{"chef@tourisme-vallee.fr"});
  EXPECT_EQ(verdict.rewrite->bcc.size(), 10U);
}

TEST(Evaluate, SelfStrategyDoesNotDuplicateASenderWhoWasARecipient) {
  Draft draft = draft_to(private_addresses(10));
  draft.cc = {"accueil@TOURISME-VALLEE.fr"};
  const Verdict verdict = evaluate(draft, Policy::defaults());
  ASSERT_TRUE(verdict.rewrite.has_value());
  EXPECT_EQ(verdict.rewrite->to.size(), 1U);
  EXPECT_EQ(verdict.rewrite->bcc.size(), 10U);
}

TEST(Evaluate, ListsAreCappedSoRepliesStaySmall) {
  std::vector<std::string> to;
  for (int i = 0; i < 5000; ++i) to.push_back("p" + std::to_string(i) + "@gmail.com");
  const Verdict verdict = evaluate(draft_to(to), Policy::defaults());
  const Finding* finding = find_rule(verdict, rule_exposed_parties);
  ASSERT_NE(finding, nullptr);
  EXPECT_EQ(data(*finding)["externalParties"], 5000);
  EXPECT_EQ(data(*finding)["parties"].size(), 1000U);
  EXPECT_EQ(data(*finding)["omittedParties"], 4000);
  EXPECT_EQ(verdict.rewrite->bcc.size(), 5000U);  // the rewrite itself is never cut
}

// --- The rewrite invariant: every original recipient ends in exactly one list. ---

// The identities an entry stands for, the way the engine counts them.
std::vector<std::string> identities(const std::string& entry) {
  const ParsedAddressList parsed = parse_address_list(entry);
  const auto mailboxes = parsed.mailboxes();
  std::vector<std::string> ids;
  const bool single = mailboxes.size() == 1 && parsed.problems.empty();
  for (const Mailbox& mailbox : mailboxes) {
    const std::string key = recipient_key(mailbox);
    ids.push_back(!key.empty() ? key : "raw:" + (single ? entry : format_mailbox(mailbox)));
  }
  for (const ParseProblem& problem : parsed.problems) {
    if (!problem_is_ignored_text(problem.reason)) ids.push_back("raw:" + problem.text);
  }
  return ids;
}

std::string random_entry(std::mt19937& rng) {
  static const std::vector<std::string> domains = {
      "gmail.com",          "orange.fr",      "acme.example", "mail.acme.example",
      "tourisme-vallee.fr", "bücher.example", "globex.co.uk"};
  static const std::vector<std::string> names = {"", "Alice", "\"Doe, John\"", "Élodie Martin",
                                                 "=?UTF-8?Q?Ren=C3=A9?="};
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  const auto mailbox = [&] {
    const std::string address =
        "u" + std::to_string(pick(40)) + "@" + domains[pick(domains.size())];
    const std::string& name = names[pick(names.size())];
    return name.empty() ? address : name + " <" + address + ">";
  };
  switch (pick(10)) {
    case 0:
      return "Team <Team>";
    case 1:
      return "Groupe: " + mailbox() + ", " + mailbox() + ";";
    case 2:
      return mailbox() + ", " + mailbox();
    case 3:
      return "undisclosed-recipients:;";
    default:
      return mailbox();
  }
}

TEST(RewriteInvariant, EveryRecipientEndsInExactlyOneListOnRandomDrafts) {
  std::mt19937 rng(20261127);
  for (int round = 0; round < 600; ++round) {
    Draft draft;
    draft.from = round % 7 == 0 ? "" : "Me <u1@tourisme-vallee.fr>";
    for (auto* field : {&draft.to, &draft.cc, &draft.bcc}) {
      const int count = static_cast<int>(rng() % (field == &draft.bcc ? 4 : 25));
      for (int i = 0; i < count; ++i) field->push_back(random_entry(rng));
    }
    Policy policy = Policy::defaults();
    policy.min_exposed_parties = 2;
    policy.rewrite_strategy = static_cast<RewriteStrategy>(round % 3);
    const Verdict verdict = evaluate(draft, policy);
    if (!verdict.rewrite) continue;

    std::set<std::string> expected;
    for (const auto* field : {&draft.to, &draft.cc, &draft.bcc}) {
      for (const std::string& entry : *field) {
        for (const std::string& id : identities(entry)) expected.insert(id);
      }
    }
    if (policy.rewrite_strategy == RewriteStrategy::Self && !draft.from.empty())
      expected.insert("u1@tourisme-vallee.fr");

    std::map<std::string, int> seen;
    for (const auto* list : {&verdict.rewrite->to, &verdict.rewrite->cc, &verdict.rewrite->bcc}) {
      for (const RecipientRef& recipient : *list) {
        for (const std::string& id : identities(std::string(recipient.resolve(draft)))) ++seen[id];
      }
    }
    for (const std::string& id : expected) {
      EXPECT_EQ(seen[id], 1) << "round " << round << ": " << id;
    }
    EXPECT_EQ(seen.size(), expected.size()) << "round " << round << ": the rewrite added someone";
  }
}

}  // namespace
}  // namespace bccshield
