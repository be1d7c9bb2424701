// Large mailings (issue 14): batch planning, one copy per person, the bulk tool, the policy keys.
#include "bccshield/delivery.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "bccshield/evaluate.hpp"
#include "bccshield/protocol.hpp"

namespace bccshield {
namespace {

constexpr const char* kSender = "Office de tourisme <accueil@tourisme-vallee.fr>";

Draft mailing(int count, int offset = 0) {
  const char* providers[] = {"gmail.com", "orange.fr", "free.fr", "laposte.net"};
  Draft draft;
  draft.from = kSender;
  for (int i = offset; i < offset + count; ++i)
    draft.to.push_back("v" + std::to_string(i) + "@" + providers[i % 4]);
  return draft;
}

Policy limited(int limit, RewriteStrategy strategy = RewriteStrategy::Self) {
  Policy policy = Policy::defaults();
  policy.max_recipients_per_message = limit;
  policy.rewrite_strategy = strategy;
  return policy;
}

// Every message as the extension builds it: the repeated positions, then its range.
std::vector<std::vector<std::string>> messages(const Verdict& verdict, const Draft& draft) {
  const Rewrite& rewrite = *verdict.rewrite;
  std::vector<std::string> flat;
  for (const auto* list : {&rewrite.to, &rewrite.cc, &rewrite.bcc})
    for (const RecipientRef& recipient : *list) flat.emplace_back(recipient.resolve(draft));
  const Delivery& delivery = *verdict.delivery;
  std::vector<std::vector<std::string>> out;
  if (delivery.mode == DeliveryMode::Individual) {
    for (std::size_t i = delivery.repeated; i < flat.size(); ++i) out.push_back({flat[i]});
    return out;
  }
  if (delivery.mode == DeliveryMode::Single) return {flat};
  for (std::size_t k = 0; k + 1 < delivery.bounds.size(); ++k) {
    std::vector<std::string> message(flat.begin(), flat.begin() + delivery.repeated);
    message.insert(message.end(), flat.begin() + delivery.bounds[k],
                   flat.begin() + delivery.bounds[k + 1]);
    out.push_back(std::move(message));
  }
  return out;
}

// Nobody twice, nobody lost: each recipient of the draft in exactly one message, the sender
// (when repeated) in every one; no message above the limit.
void expect_partition(const Verdict& verdict, const Draft& draft, int limit) {
  std::map<std::string, int> seen;
  const auto all = messages(verdict, draft);
  for (const auto& message : all) {
    if (limit > 0) {
      EXPECT_LE(message.size(), static_cast<std::size_t>(limit));
    }
    for (const std::string& recipient : message) ++seen[recipient];
  }
  for (const std::string& recipient : draft.to) EXPECT_EQ(seen[recipient], 1) << recipient;
  if (verdict.delivery->repeated == 1) {
    EXPECT_EQ(seen[kSender], static_cast<int>(all.size()));
  }
  EXPECT_EQ(verdict.delivery->messages, all.size());
}

TEST(Delivery, ExactlyTheLimitIsOneMessage) {
  // 99 recipients + the sender in To = 100 envelope recipients: one message.
  const Draft draft = mailing(99);
  const Verdict verdict = evaluate(draft, limited(100));
  ASSERT_TRUE(verdict.delivery);
  EXPECT_EQ(verdict.delivery->mode, DeliveryMode::Single);
  EXPECT_EQ(verdict.delivery->messages, 1U);
  EXPECT_EQ(to_json(*verdict.delivery),
            (nlohmann::json{{"mode", "single"}, {"messages", 1}, {"limit", 100}}));
}

TEST(Delivery, OneAboveTheLimitIsTwoMessagesAndTheSenderCounts) {
  const Draft draft = mailing(100);  // 100 + the sender = 101
  const Verdict verdict = evaluate(draft, limited(100));
  ASSERT_EQ(verdict.delivery->mode, DeliveryMode::Batches);
  EXPECT_EQ(verdict.delivery->repeated, 1U);
  EXPECT_EQ(verdict.delivery->bounds, (std::vector<std::uint32_t>{1, 100, 101}));
  expect_partition(verdict, draft, 100);
}

TEST(Delivery, TheTourismOffice280AtLimit100IsThreeMessages) {
  const Draft draft = mailing(280);
  const Verdict verdict = evaluate(draft, limited(100));
  EXPECT_EQ(verdict.delivery->messages, 3U);
  EXPECT_EQ(verdict.delivery->bounds, (std::vector<std::uint32_t>{1, 100, 199, 281}));
  expect_partition(verdict, draft, 100);
  EXPECT_EQ(to_json(verdict)["delivery"], (nlohmann::json{{"mode", "batches"},
                                                          {"messages", 3},
                                                          {"limit", 100},
                                                          {"repeated", 1},
                                                          {"bounds", {1, 100, 199, 281}}}));
}

TEST(Delivery, UndisclosedRepeatsNobody) {
  const Draft draft = mailing(200);
  const Verdict verdict = evaluate(draft, limited(100, RewriteStrategy::Undisclosed));
  EXPECT_EQ(verdict.delivery->repeated, 0U);
  EXPECT_EQ(verdict.delivery->bounds, (std::vector<std::uint32_t>{0, 100, 200}));
  expect_partition(verdict, draft, 100);
}

TEST(Delivery, KeepInternalSplitsVisibleColleaguesToo) {
  Draft draft = mailing(150);
  for (int i = 0; i < 30; ++i) draft.cc.push_back("c" + std::to_string(i) + "@tourisme-vallee.fr");
  const Verdict verdict = evaluate(draft, limited(50, RewriteStrategy::KeepInternal));
  expect_partition(verdict, draft, 50);
  EXPECT_EQ(verdict.delivery->messages, 4U);  // 180 / 50
}

TEST(Delivery, DuplicatesCountOnce) {
  Draft draft = mailing(99);
  draft.cc = {"V0@GMAIL.COM", "v1@Orange.FR", "Accueil <ACCUEIL@tourisme-vallee.fr>"};
  const Verdict verdict = evaluate(draft, limited(100));
  EXPECT_EQ(verdict.delivery->mode, DeliveryMode::Single);  // still 99 + the sender
}

TEST(Delivery, LimitOfOneLeavesNoRoomForTheSender) {
  const Draft draft = mailing(9);
  const Verdict verdict = evaluate(draft, limited(1));
  EXPECT_EQ(verdict.delivery->repeated, 0U);
  EXPECT_EQ(verdict.delivery->messages, 10U);  // the sender's own copy is the first
  expect_partition(verdict, draft, 1);
}

TEST(Delivery, SenderSpecificLimitOverridesTheDefault) {
  Policy policy = policy_from_text(R"p({"maxRecipientsPerMessage": 100,
      "maxRecipientsPerMessageBySender": {"tourisme-vallee.fr": 50, "other@else.example": 10}})p");
  const Draft draft = mailing(120);
  EXPECT_EQ(evaluate(draft, policy).delivery->messages, 3U);               // 120 at 49 + the sender
  EXPECT_EQ(policy.recipient_limit_for("x@lyon.tourisme-vallee.fr"), 50);  // a subdomain
  EXPECT_EQ(policy.recipient_limit_for("other@else.example"), 10);
  EXPECT_EQ(policy.recipient_limit_for("x@else.example"), 100);
  EXPECT_EQ(policy.recipient_limit_for("x@nottourisme-vallee.fr"), 100);  // label boundary
}

TEST(Delivery, IndividualIsOneCopyPerRecipientAloneInTo) {
  Draft draft = mailing(20);
  draft.bcc = {"hidden@free.fr"};
  const Verdict verdict = evaluate(draft, limited(0, RewriteStrategy::Individual));
  ASSERT_EQ(verdict.delivery->mode, DeliveryMode::Individual);
  EXPECT_EQ(verdict.delivery->messages, 21U);
  // Written as `self`, so a client that cannot split applies Bcc, never everyone in To.
  EXPECT_EQ(verdict.rewrite->to.size(), 1U);
  EXPECT_EQ(verdict.rewrite->bcc.size(), 21U);
  EXPECT_EQ(verdict.delivery->repeated, 1U);
  EXPECT_EQ(to_string(verdict.rewrite->strategy), std::string("individual"));
  std::set<std::string> once;
  for (const auto& message : messages(verdict, draft)) {
    ASSERT_EQ(message.size(), 1U);
    EXPECT_TRUE(once.insert(message[0]).second);
  }
}

TEST(Delivery, IndividualAboveItsMaximumFallsBackToBcc) {
  Policy policy = limited(100, RewriteStrategy::Individual);
  policy.individual_max = 50;
  const Draft draft = mailing(51);
  const Verdict verdict = evaluate(draft, policy);
  EXPECT_EQ(verdict.rewrite->strategy, RewriteStrategy::Self);
  EXPECT_EQ(verdict.delivery->mode, DeliveryMode::Single);
  EXPECT_EQ(verdict.delivery->individual_max, 50);
  EXPECT_EQ(evaluate(mailing(50), policy).delivery->mode, DeliveryMode::Individual);
}

TEST(Delivery, BulkChannelIsNamedFromItsAudienceSize) {
  Policy policy = policy_from_text(R"p({"bulkChannel": {"name": "Newsletter",
      "url": "https://news.example/new", "minRecipients": 300}})p");
  EXPECT_FALSE(evaluate(mailing(299), policy).bulk_channel);
  const Draft draft = mailing(300);
  const Verdict verdict = evaluate(draft, policy);
  ASSERT_TRUE(verdict.bulk_channel);
  EXPECT_EQ(to_json(verdict)["bulkChannel"],
            (nlohmann::json{
                {"name", "Newsletter"}, {"url", "https://news.example/new"}, {"recipients", 300}}));
}

TEST(Delivery, NoLimitNoBatches) {
  const Verdict verdict = evaluate(mailing(500), Policy::defaults());
  EXPECT_EQ(verdict.delivery->mode, DeliveryMode::Single);
  EXPECT_EQ(verdict.delivery->messages, 1U);                        // for the audit line
  EXPECT_FALSE(to_json(verdict).contains("delivery"));              // the reply as before issue 14
  EXPECT_FALSE(evaluate(mailing(3), Policy::defaults()).delivery);  // allow: no rewrite
}

TEST(Delivery, ReplyStaysUnderTheCapAtOneRecipientPerMessage) {
  // The worst the wire can hold: 30,000 recipients, one per message.
  HostContext context;
  context.policy = limited(1);
  nlohmann::json to = nlohmann::json::array();
  for (int i = 0; i < 30000; ++i) to.push_back("visitor" + std::to_string(i) + "@gmail.com");
  const nlohmann::json request = {{"type", "check"},
                                  {"protocolVersion", protocol_version},
                                  {"draft",
                                   {{"from", kSender},
                                    {"to", to},
                                    {"cc", nlohmann::json::array()},
                                    {"bcc", nlohmann::json::array()},
                                    {"type", "new"}}}};
  const std::string reply = handle_message(request.dump(), context);
  EXPECT_LT(reply.size(), max_reply_bytes);
  const auto parsed = nlohmann::json::parse(reply);
  ASSERT_TRUE(parsed.contains("result")) << reply.substr(0, 300);
  EXPECT_EQ(parsed["result"]["delivery"]["messages"], 30001);
}

TEST(DeliveryPolicy, KeysAreValidatedStrictly) {
  auto problem = [](const char* text) {
    try {
      policy_from_text(text);
    } catch (const PolicyError& error) {
      return error.field();
    }
    return std::string("(accepted)");
  };
  EXPECT_EQ(problem(R"p({"maxRecipientsPerMessage": 0})p"), "/maxRecipientsPerMessage");
  EXPECT_EQ(problem(R"p({"maxRecipientsPerMessage": "100"})p"), "/maxRecipientsPerMessage");
  EXPECT_EQ(problem(R"p({"maxRecipientsPerMessageBySender": {"not a domain": 5}})p"),
            "/maxRecipientsPerMessageBySender/not a domain");
  EXPECT_EQ(problem(R"p({"maxRecipientsPerMessageBySender": {"a.example": 0}})p"),
            "/maxRecipientsPerMessageBySender/a.example");
  EXPECT_EQ(problem(R"p({"individualMax": 0})p"), "/individualMax");
  EXPECT_EQ(
      problem(
          R"p({"bulkChannel": {"name": "N", "url": "javascript:alert(1)", "minRecipients": 5}})p"),
      "/bulkChannel/url");
  EXPECT_EQ(
      problem(
          R"p({"bulkChannel": {"name": "N\nSend anyway", "url": "https://x.example", "minRecipients": 5}})p"),
      "/bulkChannel/name");
  EXPECT_EQ(problem(R"p({"bulkChannel": {"name": "N", "url": "https://x.example"}})p"),
            "/bulkChannel/minRecipients");
  EXPECT_EQ(
      problem(
          R"p({"bulkChannel": {"name": "N", "url": "https://x.example", "minRecipients": 5, "colour": 1}})p"),
      "/bulkChannel/colour");
  EXPECT_EQ(
      problem(
          R"p({"rewriteStrategy": "individual", "individualMax": 20, "maxRecipientsPerMessage": 100,
      "maxRecipientsPerMessageBySender": {"Boss@Tourisme-Vallee.FR": 10},
      "bulkChannel": {"name": "N", "url": "http://intranet.example/news", "minRecipients": 200}})p"),
      "(accepted)");
}

TEST(DeliveryPolicy, SavedPolicyLoadsBackUnchanged) {
  const Policy policy = policy_from_text(R"p({"rewriteStrategy": "individual", "individualMax": 20,
      "maxRecipientsPerMessage": 100, "maxRecipientsPerMessageBySender": {"Boss@Tourisme-Vallee.FR": 10},
      "bulkChannel": {"name": "N", "url": "https://x.example", "minRecipients": 200}})p");
  EXPECT_EQ(policy.max_recipients_by_sender.count("boss@tourisme-vallee.fr"), 1U);
  EXPECT_EQ(policy_to_json(policy_from_json(policy_to_json(policy))), policy_to_json(policy));
}

}  // namespace
}  // namespace bccshield
