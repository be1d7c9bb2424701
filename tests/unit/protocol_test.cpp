#include "bccshield/protocol.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bccshield/identity.hpp"

namespace bccshield {
namespace {

using nlohmann::json;

// What the audit edge was given, in the log's own words.
class RecordingSink final : public AuditSink {
 public:
  void check(const CheckRecord& record) override {
    ASSERT_TRUE(record.verdict.keys.has_value()) << "the edge must not parse addresses again";
    events.push_back({{"event", "check"},
                      {"decision", to_string(record.verdict.decision)},
                      {"client", record.client},
                      {"to", record.verdict.keys->to}});
  }
  void report(const ReportRecord& record) override {
    events.push_back({{"event", "report"}, {"choice", record.choice}, {"reason", record.reason}});
  }
  void host_errors(const HostErrorReport& report) override {
    for (const HostErrorEntry& entry : report.entries) {
      events.push_back({{"event", "host-error"},
                        {"choice", entry.choice},
                        {"at", entry.at},
                        {"error", entry.error},
                        {"visibleRecipients", entry.visible_recipients}});
    }
    if (report.dropped != 0) events.push_back({{"event", "dropped"}, {"dropped", report.dropped}});
  }
  std::vector<json> events;
};

class Protocol : public ::testing::Test {
 protected:
  Protocol() {
    context_.new_check_id = [] { return std::string("check-1"); };
    context_.audit = &sink_;
  }
  json ask(const std::string& body) { return json::parse(handle_message(body, context_)); }
  json ask_current(json request) {
    request["protocolVersion"] = protocol_version;
    return ask(request.dump());
  }

  RecordingSink sink_;
  std::vector<json>& events_ = sink_.events;
  HostContext context_;
};

// Serve mode writes the reply first: the check's audit record waits in after_reply, and is the
// same record once run (cmd_serve.cpp).
TEST_F(Protocol, TheAuditRecordOfACheckWaitsForTheReply) {
  const std::string body =
      R"({"protocolVersion":2,"type":"check","client":"thunderbird/153.7.0",)"
      R"("draft":{"from":"me@corp.example","to":["a@x.example","b@y.example"]}})";
  std::string buffer = body + std::string(request_padding, '\0');
  AfterReply after_reply;
  const std::string reply = handle_message(PaddedBody(buffer), context_, after_reply);
  EXPECT_TRUE(events_.empty());
  ASSERT_TRUE(after_reply);
  after_reply();
  const std::vector<json> deferred = events_;
  events_.clear();
  EXPECT_EQ(handle_message(body, context_), reply);  // the two-argument form records at once
  ASSERT_EQ(deferred.size(), 1U);
  EXPECT_EQ(deferred, events_);
  EXPECT_EQ(deferred[0]["client"], "thunderbird/153.7.0");
  // Nothing waits after a request that is no check.
  handle_message(PaddedBody(R"({"protocolVersion":2,"type":"hello"})"), context_, after_reply);
  EXPECT_FALSE(after_reply);
}

// The audit record runs after the reply in serve mode: when it fails (here an allocation), the
// failure comes back as a sentence for stderr instead of escaping past the reply (which would
// end the host with std::terminate); the synchronous form answers with an internal error.
TEST(ProtocolAuditFailure, AFailedRecordIsReportedNotThrown) {
  struct FailingSink final : AuditSink {
    void check(const CheckRecord&) override { throw std::bad_alloc(); }
    void report(const ReportRecord&) override {}
    void host_errors(const HostErrorReport&) override {}
  } sink;
  HostContext context;
  context.audit = &sink;
  const std::string body = R"({"protocolVersion":2,"type":"check",)"
                           R"("draft":{"from":"me@corp.example","to":["a@x.example"]}})";
  std::string buffer = body + std::string(request_padding, '\0');
  AfterReply after_reply;
  const json reply = json::parse(handle_message(PaddedBody(buffer), context, after_reply));
  EXPECT_TRUE(reply.contains("result")) << reply.dump();
  const std::optional<std::string> failure = run_after_reply(after_reply);
  ASSERT_TRUE(failure.has_value());
  EXPECT_NE(failure->find("audit record"), std::string::npos) << *failure;
  EXPECT_FALSE(after_reply);
  EXPECT_FALSE(run_after_reply(after_reply).has_value());  // nothing left to run
  const json sync = json::parse(handle_message(body, context));
  EXPECT_EQ(sync["error"]["code"], static_cast<int>(ErrorCode::InternalError)) << sync.dump();
}

TEST_F(Protocol, HelloNamesTheHostAndPolicy) {
  const json reply = ask(R"({"protocolVersion":2,"type":"hello","id":7})");
  EXPECT_EQ(reply["protocolVersion"], 2);
  EXPECT_EQ(reply["result"]["protocolVersion"], 2);
  EXPECT_EQ(reply["id"], 7);
  EXPECT_EQ(reply["hostVersion"], host_version);
  EXPECT_EQ(reply["result"]["hostName"], "org.bccshield.host");
  EXPECT_EQ(reply["policy"]["status"], "default");
  EXPECT_EQ(reply["policy"]["source"], "built-in");
}

TEST_F(Protocol, EveryReplySaysWhichHostAnsweredAndTheStrictestAction) {
  context_.host = {.path = "/usr/bin/bccshield-host",
                   .manifest = "/home/u/.mozilla/native-messaging-hosts/org.bccshield.host.json",
                   .system_host = true,
                   .system_manifest = false,
                   .overridden = true};
  context_.policy = Policy::strict();
  context_.policy_status.state = PolicyState::Strict;
  for (const char* body : {R"({"protocolVersion":2,"type":"hello"})", R"({"type":"hello"})",
                           R"({"protocolVersion":2,"type":"nonsense"})", "[]"}) {
    const json reply = ask(body);
    EXPECT_EQ(reply["host"], (json{{"path", "/usr/bin/bccshield-host"},
                                   {"manifest", *context_.host.manifest},
                                   {"systemHost", true},
                                   {"systemManifest", false},
                                   {"overridden", true}}))
        << body;
    EXPECT_EQ(reply["policy"]["strictestAction"], "block") << body;
    EXPECT_EQ(reply["policy"]["status"], "strict") << body;
    EXPECT_TRUE(reply["policy"]["keyId"].is_null()) << body;
  }
  context_.host = {};
  context_.policy = Policy::defaults();
  const json reply = ask_current({{"type", "hello"}});
  EXPECT_TRUE(reply["host"]["path"].is_null());
  EXPECT_TRUE(reply["host"]["manifest"].is_null());
  EXPECT_EQ(reply["policy"]["strictestAction"], "warn");
}

TEST_F(Protocol, CheckReturnsTheVerdictAndAuditsIt) {
  json request = {{"type", "check"}, {"id", "c1"}, {"client", "thunderbird/153"}};
  request["draft"] = {{"from", "me@corp.example"}, {"to", json::array()}};
  for (int i = 0; i < 9; ++i)
    request["draft"]["to"].push_back("p" + std::to_string(i) + "@gmail.com");
  const json reply = ask_current(request);
  ASSERT_TRUE(reply.contains("result")) << reply.dump();
  EXPECT_EQ(reply["id"], "c1");
  EXPECT_EQ(reply["result"]["decision"], "warn");
  EXPECT_EQ(reply["result"]["checkId"], "check-1");
  EXPECT_EQ(reply["result"]["rewrite"]["to"], json::array({"me@corp.example"}));
  ASSERT_EQ(events_.size(), 1U);
  EXPECT_EQ(events_[0]["event"], "check");
  EXPECT_EQ(events_[0]["decision"], "warn");
  EXPECT_EQ(events_[0]["client"], "thunderbird/153");
  EXPECT_EQ(events_[0]["to"].size(), 9U);
  EXPECT_EQ(events_[0]["to"][0], "p0@gmail.com");
  // Version 2 names the request's own pills by index: the rewrite repeats no address.
  EXPECT_EQ(reply["result"]["rewrite"]["bcc"], json::array({0, 1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST_F(Protocol, ReportIsRecorded) {
  const json reply = ask(
      R"({"protocolVersion":2,"type":"report","checkId":"check-1","choice":"send-anyway","reason":"newsletter opt-in"})");
  EXPECT_EQ(reply["result"]["recorded"], true);
  ASSERT_EQ(events_.size(), 1U);
  EXPECT_EQ(events_[0]["choice"], "send-anyway");
  EXPECT_EQ(events_[0]["reason"], "newsletter opt-in");
}

TEST_F(Protocol, HostErrorChoicesAreRecordedOneByOne) {
  const json reply = ask(
      R"({"protocolVersion":2,"type":"report","kind":"host-error","dropped":3,"entries":[)"
      R"({"choice":"host-error-send","at":"2026-12-02T01:02:03Z","error":"timeout","visibleRecipients":12},)"
      R"({"choice":"host-error-convert","at":"2026-12-02T01:02:04.123Z","error":"reply-too-large","visibleRecipients":0}]})");
  EXPECT_EQ(reply["result"]["recorded"], true) << reply.dump();
  EXPECT_EQ(reply["result"]["entries"], 2);
  ASSERT_EQ(events_.size(), 3U);
  EXPECT_EQ(events_[0], json({{"event", "host-error"},
                              {"choice", "host-error-send"},
                              {"at", "2026-12-02T01:02:03Z"},
                              {"error", "timeout"},
                              {"visibleRecipients", 12}}));
  EXPECT_EQ(events_[1]["choice"], "host-error-convert");
  EXPECT_EQ(events_[2], json({{"event", "dropped"}, {"dropped", 3}}));
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
  EXPECT_EQ(reply["protocolVersion"], 2);
  if (GetParam().field != nullptr) {
    EXPECT_EQ(reply["error"]["params"]["field"], GetParam().field);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, ProtocolErrors,
    ::testing::Values(
        ErrorCase{"{not json", 201, nullptr}, ErrorCase{"", 201, nullptr},
        ErrorCase{"\xff\xfe", 201, nullptr}, ErrorCase{"[1,2]", 202, nullptr},
        ErrorCase{R"({"protocolVersion":2,"type":"launch"})", 203, nullptr},
        ErrorCase{R"({"protocolVersion":2,"id":1})", 203, nullptr},
        ErrorCase{R"({"protocolVersion":2,"type":"check"})", 204, "draft"},
        ErrorCase{R"({"protocolVersion":2,"type":"check","draft":{"to":"a@b.example","cc":[1]}})",
                  204, "draft.cc"},
        ErrorCase{R"({"protocolVersion":2,"type":"check","draft":{"type":"fax"}})", 204,
                  "draft.type"},
        ErrorCase{R"({"protocolVersion":2,"type":"check","draft":[]})", 204, "draft"},
        ErrorCase{R"({"protocolVersion":2,"type":"report","choice":"convert"})", 204, "checkId"},
        ErrorCase{R"({"protocolVersion":2,"type":"report","checkId":"x","choice":"maybe"})", 204,
                  "choice"},
        // A host-error report is validated strictly, entry by entry; nothing is recorded.
        ErrorCase{R"({"protocolVersion":2,"type":"report","kind":"crash","entries":[]})", 204,
                  "kind"},
        ErrorCase{R"({"protocolVersion":2,"type":"report","kind":"host-error"})", 204, "entries"},
        ErrorCase{
            R"({"protocolVersion":2,"type":"report","kind":"host-error","entries":[],"dropped":-1})",
            204, "dropped"},
        ErrorCase{
            R"({"protocolVersion":2,"type":"report","kind":"host-error","checkId":"x","entries":[]})",
            204, "checkId"},
        ErrorCase{
            R"({"protocolVersion":2,"type":"report","kind":"host-error","entries":[{"choice":"send-anyway","at":"2026-12-02T01:02:03Z","error":"timeout","visibleRecipients":1}]})",
            204, "entries.0.choice"},
        ErrorCase{
            R"({"protocolVersion":2,"type":"report","kind":"host-error","entries":[{"choice":"host-error-send","at":"yesterday","error":"timeout","visibleRecipients":1}]})",
            204, "entries.0.at"},
        ErrorCase{
            R"({"protocolVersion":2,"type":"report","kind":"host-error","entries":[{"choice":"host-error-send","at":"2026-12-02T01:02:03Z","error":"time\nout","visibleRecipients":1}]})",
            204, "entries.0.error"},
        ErrorCase{
            R"({"protocolVersion":2,"type":"report","kind":"host-error","entries":[{"choice":"host-error-send","at":"2026-12-02T01:02:03Z","error":"timeout","visibleRecipients":1.5}]})",
            204, "entries.0.visibleRecipients"},
        ErrorCase{
            R"({"protocolVersion":2,"type":"report","kind":"host-error","entries":[{"choice":"host-error-send","at":"2026-12-02T01:02:03Z","error":"timeout"}]})",
            204, "entries.0.visibleRecipients"},
        ErrorCase{
            R"({"protocolVersion":2,"type":"report","kind":"host-error","entries":[{"choice":"host-error-send","at":"2026-12-02T01:02:03Z","error":"timeout","visibleRecipients":1,"reason":"x"}]})",
            204, "entries.0.reason"},
        // One version at a time: older, newer and unversioned (= 1) requests are refused.
        ErrorCase{R"({"type":"hello","protocolVersion":1})", 205, nullptr},
        ErrorCase{R"({"type":"hello","protocolVersion":3})", 205, nullptr},
        ErrorCase{R"({"type":"check","draft":{"to":["a@b.example"]}})", 205, nullptr},
        ErrorCase{R"({"type":"hello","protocolVersion":"2"})", 204, "protocolVersion"}));

TEST_F(Protocol, ThirtyThousandRecipientsGetACompleteReplyUnderOneMebibyte) {
  json request = {{"type", "check"}, {"id", 3}};
  request["draft"] = {{"from", "me@corp.example"}, {"to", json::array()}};
  for (int i = 0; i < 30000; ++i) {
    request["draft"]["to"].push_back("Private person number " + std::to_string(i) + " <person" +
                                     std::to_string(i) + "@gmail.com>");
  }
  request["protocolVersion"] = protocol_version;
  const std::string body = handle_message(request.dump(), context_);
  EXPECT_LE(body.size(), max_reply_bytes);
  const json reply = json::parse(body);
  ASSERT_TRUE(reply.contains("result")) << reply.dump().substr(0, 300);
  EXPECT_EQ(reply["result"]["decision"], "warn");
  EXPECT_EQ(reply["result"]["rewrite"]["bcc"].size(), 30000U);
  EXPECT_EQ(reply["id"], 3);
}

TEST_F(Protocol, LongDisplayNamesCannotTurnBlockIntoAHostError) {
  // Six names of 200 KB: version 1 repeated each name twice and answered 206.
  context_.policy.min_exposed_parties = 5;
  context_.policy.rules[rule_exposed_parties].action = Action::Block;
  json request = {{"type", "check"}};
  request["draft"] = {{"from", "me@corp.example"}, {"to", json::array()}};
  for (int i = 0; i < 6; ++i) {
    request["draft"]["to"].push_back(std::string(200000, static_cast<char>('a' + i)) + " <p" +
                                     std::to_string(i) + "@gmail.com>");
  }
  request["protocolVersion"] = protocol_version;
  const std::string body = handle_message(request.dump(), context_);
  EXPECT_LE(body.size(), 4096U);
  const json reply = json::parse(body);
  ASSERT_TRUE(reply.contains("result")) << reply.dump().substr(0, 300);
  EXPECT_EQ(reply["result"]["decision"], "block");
}

TEST_F(Protocol, AReplyThatWouldStillExceedOneMebibyteCarriesItsDecision) {
  // Only entries cut out of one long string travel as text: 20,000 mixed colleagues and
  // outsiders in a single string, kept apart by keep-internal.
  context_.policy.rewrite_strategy = RewriteStrategy::KeepInternal;
  std::string header;
  for (int i = 0; i < 20000; ++i) {
    header += "A rather long display name " + std::to_string(i) + " <p" + std::to_string(i) +
              (i % 2 == 0 ? "@gmail.com>, " : "@corp.example>, ");
  }
  json request = {{"protocolVersion", protocol_version}, {"type", "check"}, {"id", 4}};
  request["draft"] = {{"from", "me@corp.example"}, {"to", json::array({header})}};
  const std::string body = handle_message(request.dump(), context_);
  EXPECT_LE(body.size(), max_reply_bytes);
  const json reply = json::parse(body);
  EXPECT_EQ(reply["error"]["code"], 206);
  EXPECT_EQ(reply["error"]["params"]["decision"], "warn");
  EXPECT_EQ(reply["error"]["params"]["visibleRecipients"], 20000);
}

}  // namespace
}  // namespace bccshield
