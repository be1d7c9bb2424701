// tests/vectors/mailbox-rules.json: the facts the JavaScript of both clients writes again
// (extension/thunderbird/modules/mail-rules.js, tested on the same file) hold in the core.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "bccshield/address_list.hpp"
#include "bccshield/policy.hpp"
#include "bccshield/recipient_set.hpp"

namespace bccshield {
namespace {

nlohmann::json rules() {
  std::ifstream in(std::filesystem::path(BCCSHIELD_TEST_DATA_DIR) / "vectors" /
                   "mailbox-rules.json");
  return nlohmann::json::parse(in);
}

TEST(MailboxRules, ActionsInOrderOfStrictness) {
  const nlohmann::json vectors = rules();
  const nlohmann::json& actions = vectors["actions"];
  const Action all[] = {Action::Allow, Action::Warn, Action::Justify, Action::Convert,
                        Action::Block};
  ASSERT_EQ(actions.size(), std::size(all));
  for (std::size_t i = 0; i < actions.size(); ++i) EXPECT_EQ(actions[i], to_string(all[i]));
}

TEST(MailboxRules, RecipientKeys) {
  const nlohmann::json vectors = rules();  // alive for the loop (not a temporary's member)
  for (const auto& item : vectors["keys"]) {
    const std::string recipient = item["recipient"];
    const auto mailboxes = parse_address_list(recipient).mailboxes();
    ASSERT_EQ(mailboxes.size(), 1U) << recipient;
    EXPECT_EQ(recipient_key(mailboxes.front()), item["key"]) << recipient;
  }
}

TEST(MailboxRules, MailboxFormatting) {
  const nlohmann::json vectors = rules();
  for (const auto& item : vectors["mailboxes"]) {
    const std::string email = item["email"];
    const auto at = email.rfind('@');
    Mailbox mailbox;
    mailbox.name = item["name"];
    mailbox.local_part = email.substr(0, at);
    mailbox.domain = email.substr(at + 1);
    EXPECT_EQ(format_mailbox(mailbox), item["formatted"]) << mailbox.name;
    // Read back, it is the same address (the name is read as jsmime reads it: spaces folded).
    const auto again = parse_address_list(format_mailbox(mailbox)).mailboxes();
    ASSERT_EQ(again.size(), 1U);
    EXPECT_EQ(again.front().address(), email);
  }
}

}  // namespace
}  // namespace bccshield
