#include "bccshield/protocol.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bccshield/identity.hpp"

namespace bccshield {
namespace {

using nlohmann::json;

class Protocol : public ::testing::Test {
 protected:
  Protocol() {
    context_.new_check_id = [] { return std::string("check-1"); };
    context_.audit = [this](const json& event) { events_.push_back(event); };
  }
  json ask(const std::string& body) { return json::parse(handle_message(body, context_)); }

  HostContext context_;
  std::vector<json> events_;
};

TEST_F(Protocol, HelloNamesTheHostAndPolicy) {
  const json reply = ask(R"({"type":"hello","id":7})");
  EXPECT_EQ(reply["protocolVersion"], 1);
  EXPECT_EQ(reply["id"], 7);
  EXPECT_EQ(reply["hostVersion"], host_version);
  EXPECT_EQ(reply["result"]["hostName"], "org.bccshield.host");
  EXPECT_EQ(reply["policy"]["status"], "default");
  EXPECT_EQ(reply["policy"]["source"], "built-in");
}

TEST_F(Protocol, CheckReturnsTheVerdictAndAuditsIt) {
  json request = {{"type", "check"}, {"id", "c1"}, {"client", "thunderbird/153"}};
  request["draft"] = {{"from", "me@corp.example"}, {"to", json::array()}};
  for (int i = 0; i < 9; ++i)
    request["draft"]["to"].push_back("p" + std::to_string(i) + "@gmail.com");
  const json reply = ask(request.dump());
  ASSERT_TRUE(reply.contains("result")) << reply.dump();
  EXPECT_EQ(reply["id"], "c1");
  EXPECT_EQ(reply["result"]["decision"], "warn");
  EXPECT_EQ(reply["result"]["checkId"], "check-1");
  EXPECT_EQ(reply["result"]["rewrite"]["to"], json::array({"me@corp.example"}));
  ASSERT_EQ(events_.size(), 1U);
  EXPECT_EQ(events_[0]["event"], "check");
  EXPECT_EQ(events_[0]["decision"], "warn");
  EXPECT_EQ(events_[0]["client"], "thunderbird/153");
}

TEST_F(Protocol, ReportIsRecorded) {
  const json reply = ask(
      R"({"type":"report","checkId":"check-1","choice":"send-anyway","reason":"newsletter opt-in"})");
  EXPECT_EQ(reply["result"]["recorded"], true);
  ASSERT_EQ(events_.size(), 1U);
  EXPECT_EQ(events_[0]["choice"], "send-anyway");
  EXPECT_EQ(events_[0]["reason"], "newsletter opt-in");
}

struct ErrorCase {
  const char* body;
  int code;
  const char* field;
};

class ProtocolErrors : public Protocol, public ::testing::WithParamInterface<ErrorCase> {};

TEST_P(ProtocolErrors, AnswerWithAStableCode) {
  const json reply = ask(GetParam().body);
  ASSERT_TRUE(reply.contains("error")) << reply.dump();
  EXPECT_FALSE(reply.contains("result"));
  EXPECT_EQ(reply["error"]["code"], GetParam().code) << reply.dump();
  EXPECT_EQ(reply["protocolVersion"], 1);
  if (GetParam().field != nullptr) {
    EXPECT_EQ(reply["error"]["params"]["field"], GetParam().field);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, ProtocolErrors,
    ::testing::Values(
        ErrorCase{"{not json", 201, nullptr}, ErrorCase{"", 201, nullptr},
        ErrorCase{"\xff\xfe", 201, nullptr}, ErrorCase{"[1,2]", 202, nullptr},
        ErrorCase{R"({"type":"launch"})", 203, nullptr}, ErrorCase{R"({"id":1})", 203, nullptr},
        ErrorCase{R"({"type":"check"})", 204, "draft"},
        ErrorCase{R"({"type":"check","draft":{"to":"a@b.example","cc":[1]}})", 204, "draft.cc"},
        ErrorCase{R"({"type":"check","draft":{"type":"fax"}})", 204, "draft.type"},
        ErrorCase{R"({"type":"check","draft":[]})", 204, "draft"},
        ErrorCase{R"({"type":"report","choice":"convert"})", 204, "checkId"},
        ErrorCase{R"({"type":"report","checkId":"x","choice":"maybe"})", 204, "choice"},
        ErrorCase{R"({"type":"hello","protocolVersion":2})", 205, nullptr},
        ErrorCase{R"({"type":"hello","protocolVersion":"1"})", 204, "protocolVersion"}));

TEST_F(Protocol, ReplyOverOneMebibyteBecomesAnError) {
  json request = {{"type", "check"}, {"id", 3}};
  request["draft"] = {{"from", "me@corp.example"}, {"to", json::array()}};
  for (int i = 0; i < 30000; ++i) {
    request["draft"]["to"].push_back("Private person number " + std::to_string(i) + " <person" +
                                     std::to_string(i) + "@gmail.com>");
  }
  const std::string body = handle_message(request.dump(), context_);
  EXPECT_LE(body.size(), max_reply_bytes);
  const json reply = json::parse(body);
  EXPECT_EQ(reply["error"]["code"], 206);
  EXPECT_EQ(reply["error"]["params"]["decision"], "warn");
  EXPECT_EQ(reply["error"]["params"]["visibleRecipients"], 30000);
  EXPECT_EQ(reply["id"], 3);
}

}  // namespace
}  // namespace bccshield
