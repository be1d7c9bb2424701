// The SAX reader of the everyday check (check_request.cpp) and the reply written without a DOM
// (json_writer.cpp) prove themselves against nlohmann's DOM: on every protocol vector, every
// fuzz seed and generated inputs, handle_message() gives byte for byte the reply of
// handle_message() with read_with_dom; whatever read_check_request() accepts, the DOM reads as the
// same Draft; and every reply is in the form nlohmann's dump() writes (parse + dump gives it back).
#include "bccshield/check_request.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "bccshield/evaluate.hpp"
#include "bccshield/json_writer.hpp"
#include "bccshield/policy.hpp"
#include "bccshield/protocol.hpp"
#include "bccshield/utf8.hpp"

namespace bccshield {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string dumped(const json& value, int indent = -1) {
  return value.dump(indent, ' ', false, json::error_handler_t::replace);
}

HostContext make_context(const Policy& policy) {
  HostContext context;
  context.policy = policy;
  context.host.path = "/usr/lib/bccshield/bccshield-host";
  context.new_check_id = [] { return std::string("check-1"); };
  return context;
}

void expect_same_draft(const Draft& fast, const Draft& dom) {
  EXPECT_EQ(fast.from, dom.from);
  EXPECT_EQ(fast.to, dom.to);
  EXPECT_EQ(fast.cc, dom.cc);
  EXPECT_EQ(fast.bcc, dom.bcc);
  EXPECT_EQ(fast.type, dom.type);
  EXPECT_EQ(fast.original.from, dom.original.from);
  EXPECT_EQ(fast.original.to, dom.original.to);
  EXPECT_EQ(fast.original.cc, dom.original.cc);
}

// Both readers and both replies agree; returns whether the fast reader took the body.
bool check_body(const std::string& body, const Policy& policy = Policy::defaults()) {
  SCOPED_TRACE(body.substr(0, 300));
  const std::optional<CheckRequest> fast = read_check_request(body);
  if (fast) {
    // What the fast reader accepts is a valid protocol-2 check for the DOM too.
    json request;
    EXPECT_NO_THROW(request = json::parse(body));
    EXPECT_EQ(request.value("type", json()), "check");
    EXPECT_EQ(request.value("protocolVersion", json()), 2);
    Draft dom;
    EXPECT_NO_THROW(dom = draft_from_json(request["draft"]));
    expect_same_draft(fast->draft, dom);
    const json client = request.value("client", json());
    EXPECT_EQ(fast->client, client.is_string() ? client.get<std::string>() : "");
  }
  HostContext with_reader = make_context(policy);
  HostContext with_dom = make_context(policy);
  with_dom.read_with_dom = true;
  const std::string reply = handle_message(body, with_reader);
  EXPECT_EQ(reply, handle_message(body, with_dom));
  EXPECT_EQ(dumped(json::parse(reply)), reply);  // the bytes nlohmann's dump writes
  // Served from a frame's padded buffer (cmd_serve.cpp): the same reply, the body left as it
  // came (a body the fast reader refuses goes to the DOM unchanged).
  std::string buffer = body + std::string(request_padding, '\0');
  const std::string before = buffer;
  HostContext padded = make_context(policy);
  AfterReply after_reply;
  EXPECT_EQ(handle_message(PaddedBody(buffer), padded, after_reply), reply);
  EXPECT_EQ(buffer, before);
  return fast.has_value();
}

std::string data_dir() { return BCCSHIELD_TEST_DATA_DIR; }

TEST(CheckRequest, EveryProtocolVectorGivesTheDomReply) {
  int read_fast = 0;
  int vectors = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(data_dir()) / "vectors")) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(".request.json")) continue;
    const std::string base = entry.path().string().substr(0, entry.path().string().size() - 13);
    const fs::path policy_file = base + ".policy.json";
    const Policy policy =
        fs::exists(policy_file) ? policy_from_text(read_file(policy_file)) : Policy::defaults();
    const std::string body = read_file(entry.path());
    ++vectors;
    if (check_body(body, policy)) ++read_fast;
    // The same request on one line, keys in another order, as the extension writes it.
    const json request = json::parse(body);
    EXPECT_EQ(check_body(dumped(request), policy), check_body(body, policy));
  }
  EXPECT_GE(vectors, 20);
  EXPECT_GE(read_fast, 20);  // the vectors are everyday checks: the fast reader takes them
}

TEST(CheckRequest, EveryFuzzSeedGivesTheDomReply) {
  int seeds = 0;
  for (const char* directory : {"corpus/protocol", "regressions/protocol"}) {
    const fs::path root = fs::path(data_dir()) / "fuzz" / directory;
    if (!fs::is_directory(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (!entry.is_regular_file() || entry.path().filename() == "README.md") continue;
      const std::string input = read_file(entry.path());
      if (input.empty()) continue;
      check_body(input.substr(1));  // the protocol target's first byte picks its mode
      check_body(input);
      ++seeds;
    }
  }
  EXPECT_GE(seeds, 100);
}

constexpr const char* kHead = R"({"type":"check","protocolVersion":2,"id":7,"draft":)";

TEST(CheckRequest, ReadsTheEverydayRequest) {
  const auto request = read_check_request(
      R"({"protocolVersion":2,"id":"a\"b","type":"check","client":"thunderbird/153.7.0",)"
      R"("draft":{"from":"Me <me@corp.example>","to":["a@x.example","\u00e9 <b@y.example>"],)"
      R"("cc":"c@z.example","bcc":null,"type":"reply","unknown":[{"deep":[1,2,{}]}],)"
      R"("original":{"from":"o@x.example","to":[],"cc":["d@w.example"],"bcc":["ignored"]}}})");
  ASSERT_TRUE(request);
  EXPECT_EQ(std::get<std::string>(request->id), "a\"b");
  EXPECT_EQ(request->client, "thunderbird/153.7.0");
  EXPECT_EQ(request->draft.from, "Me <me@corp.example>");
  EXPECT_EQ(request->draft.to, (std::vector<std::string>{"a@x.example", "\xc3\xa9 <b@y.example>"}));
  EXPECT_EQ(request->draft.cc, std::vector<std::string>{"c@z.example"});
  EXPECT_TRUE(request->draft.bcc.empty());
  EXPECT_EQ(request->draft.type, ComposeType::Reply);
  EXPECT_EQ(request->draft.original.cc, std::vector<std::string>{"d@w.example"});
}

// Each of these is answered by the DOM path (the fast reader declines), with the reply it
// always gave: the error code first of all.
TEST(CheckRequest, LeavesEveryUnusualRequestToTheDom) {
  const std::string to = R"({"to":["a@x.example"]})";
  const std::vector<std::pair<std::string, int>> cases = {
      {"", 201},
      {"   ", 201},
      {"{", 201},
      {std::string(kHead) + to + "} trailing", 201},
      // nlohmann's lexer takes a NUL byte for the end of the input, whatever follows it.
      {std::string(kHead) + to + std::string("}\0garbage", 9), 0},
      {std::string(kHead) + std::string("{\"to\":[\"a\0b\"]}}", 15), 201},
      {std::string(kHead) + "{\"to\":[\"\xff@x.example\"]}}", 201},          // not UTF-8
      {std::string(kHead) + "{\"to\":[\"\xed\xa0\x80@x.example\"]}}", 201},  // raw surrogate
      {std::string(kHead) + "{\"to\":[\"\xc0\xaf@x.example\"]}}", 201},      // overlong
      {std::string(kHead) + R"({"to":["\udc00@x.example"]}})", 201},         // lone low
      {std::string(kHead) + R"({"to":["\ud800@x.example"]}})", 201},         // lone high
      {std::string(kHead) + R"({"to":["\ud800\u0041@x.example"]}})", 201},   // bad pair
      {std::string(kHead) + R"({"x\udc00":1,"to":[]}})", 201},               // in a key
      {std::string(kHead) + to + R"(,"skip":"\udfff"})", 201},               // in a skipped value
      {std::string(kHead) + to + R"(,"n":1e309})", 201},                     // no double holds it
      {std::string(kHead) + to + R"(,"n":-1e309})", 201},
      {"\xef\xbb\xbf" + std::string(kHead) + to + "}", 0},           // BOM: DOM skips it
      {std::string(kHead) + to + ",}", 201},                         // trailing comma
      {std::string(kHead) + "{\"to\":[\"a\tb@x.example\"]}}", 201},  // raw control
      {"[1,2]", 202},
      {"\"check\"", 202},
      {"null", 202},
      {R"({"type":"check","draft":{}})", 205},  // version 1
      {R"({"type":"check","protocolVersion":3,"draft":{}})", 205},
      {R"({"type":"check","protocolVersion":2.0,"draft":{}})", 204},
      {R"({"type":"check","protocolVersion":"2","draft":{}})", 204},
      {R"({"type":"check","protocolVersion":18446744073709551615,"draft":{}})", 205},
      {R"({"type":"check","protocolVersion":-9223372036854775808,"draft":{}})", 205},
      {R"({"type":"hello","protocolVersion":2})", 0},
      {R"({"type":"chek","protocolVersion":2,"draft":{}})", 203},
      {R"({"type":null,"protocolVersion":2,"draft":{}})", 203},
      {R"({"protocolVersion":2,"draft":{}})", 203},
      {R"({"type":"check","protocolVersion":2})", 204},  // no draft
      {R"({"type":"check","protocolVersion":2,"draft":null})", 204},
      {R"({"type":"check","protocolVersion":2,"draft":[]})", 204},
      {std::string(kHead) + R"({"to":[1]}})", 204},
      {std::string(kHead) + R"({"to":[null]}})", 204},
      {std::string(kHead) + R"({"to":[["a@x.example"]]}})", 204},
      {std::string(kHead) + R"({"to":[{"a":1}]}})", 204},
      {std::string(kHead) + R"({"to":{"a":1}}})", 204},
      {std::string(kHead) + R"({"to":true}})", 204},
      {std::string(kHead) + R"({"from":["a@x.example"]}})", 204},
      {std::string(kHead) + R"({"from":1}})", 204},
      {std::string(kHead) + R"({"type":"fwd"}})", 204},
      {std::string(kHead) + R"({"type":5}})", 204},
      {std::string(kHead) + R"({"original":"o@x.example"}})", 204},
      {std::string(kHead) + R"({"original":{"to":5}}})", 204},
      {std::string(kHead) + R"({"from":1,"to":5}})", 204},  // the DOM names the first field
      // Duplicate keys: the DOM keeps the last one (nlohmann's object_t is a std::map).
      {std::string(kHead) + R"({"to":["a@x.example"],"to":["b@y.example"]}})", 0},
      {std::string(kHead) + R"({"to":5,"to":["b@y.example"]}})", 0},
      {R"({"type":"check","protocolVersion":2,"protocolVersion":1,"draft":{}})", 205},
      {R"({"type":"check","protocolVersion":1,"protocolVersion":2,"draft":{}})", 0},
      {R"({"type":"check","type":"hello","protocolVersion":2,"draft":{}})", 0},
      {R"({"type":"check","protocolVersion":2,"draft":{},"draft":5})", 204},
      {R"({"type":"check","protocolVersion":2,"id":1,"id":"x","draft":{}})", 0},
      {R"({"type":"check","protocolVersion":2,"id":1.5,"draft":{}})", 0},  // echoed as 1.5
      {R"({"type":"check","protocolVersion":2,"id":1e2,"draft":{}})", 0},  // echoed as 100.0
  };
  for (const auto& [body, code] : cases) {
    SCOPED_TRACE(body);
    EXPECT_FALSE(read_check_request(body));
    check_body(body);
    HostContext context = make_context(Policy::defaults());
    const json reply = json::parse(handle_message(body, context));
    if (code == 0) {
      EXPECT_FALSE(reply.contains("error")) << reply.dump();
    } else {
      EXPECT_EQ(reply.value("error", json::object()).value("code", 0), code) << reply.dump();
    }
  }
}

// A number RapidJSON 1.1.0 rounds to infinity without an error (its exponent check lets
// 9e308 and 1.8e308 through; only exponents past 308 are refused) is nlohmann's out_of_range 406,
// error 201 on the DOM path. The fast reader must leave such a body to the DOM too.
TEST(CheckRequest, OverflowingNumberAnywhereIsLeftToTheDom) {
  const std::string to = R"({"to":["a@x.example"]})";
  for (const std::string& body : {
           std::string(kHead) + to + R"(,"n":9e308})",
           std::string(kHead) + to + R"(,"n":1.8e308})",
           std::string(kHead) + to + R"(,"n":-9e308})",
           std::string(R"({"type":"check","protocolVersion":2,"client":9e308,"draft":)") + to + "}",
       }) {
    SCOPED_TRACE(body);
    EXPECT_FALSE(read_check_request(body));
    HostContext with_reader = make_context(Policy::defaults());
    HostContext with_dom = make_context(Policy::defaults());
    with_dom.read_with_dom = true;
    EXPECT_EQ(handle_message(body, with_reader), handle_message(body, with_dom));
  }
}

// Read by the fast reader, with the DOM's reply.
TEST(CheckRequest, ReadsWhatTheDomReadsAlike) {
  const std::string to = R"({"to":["a@x.example"]})";
  for (const std::string& body : {
           std::string(kHead) + R"({"to":["a\u0000b@x.example"]}})",      // an escaped NUL
           std::string(kHead) + R"({"to":["\ud83d\ude00@x.example"]}})",  // a surrogate pair
           std::string(kHead) + R"({"to":["\u00E9\/\b\f\n\r\t@x.example"]}})",
           std::string(kHead) + to + R"(,"n":1e-400})",  // 0 as a double, in a key nobody reads
           std::string(kHead) + to + R"(,"n":123456789012345678901234567890})",
           std::string(kHead) + R"({"to":"a@x.example, b@y.example","cc":null,"bcc":[]}})",
           std::string(kHead) + R"({"original":null,"type":null,"from":null}})",
           std::string(" \t\r\n") + kHead + to + "} \n",
       }) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(check_body(body));
  }
}

TEST(CheckRequest, EchoesTheIdAsTheDomDid) {
  for (const char* id :
       {R"("x")", "0", "-0", "-12", "9223372036854775807", "18446744073709551615",
        "-9223372036854775808", "true", "null", "[1]", R"({"a":1})", R"("\u2028\u0001\"")"}) {
    const std::string body = std::string(R"({"type":"check","protocolVersion":2,"id":)") + id +
                             R"(,"draft":{"to":["a@x.example"]}})";
    SCOPED_TRACE(body);
    EXPECT_TRUE(check_body(body));
  }
}

// A draft nested 200,000 levels deep in a key nobody reads: read iteratively, no stack overflow.
TEST(CheckRequest, DeepNestingIsNoProblem) {
  const std::size_t depth = 200000;
  const std::string body = std::string(kHead) + R"({"to":["a@x.example"],"deep":)" +
                           std::string(depth, '[') + std::string(depth, ']') + "}}";
  EXPECT_TRUE(read_check_request(body));
  const std::string broken = std::string(kHead) + R"({"to":["a@x.example"],"deep":)" +
                             std::string(depth, '[') + std::string(depth - 1, ']') + "}}";
  EXPECT_FALSE(read_check_request(broken));
}

// Generated requests: recipients with every character class the writer escapes or passes,
// keys in random order, unknown keys, nulls, single strings for lists.
TEST(CheckRequest, GeneratedRequestsGiveTheDomReply) {
  std::mt19937 random(13);  // NOLINT(cert-msc32-c,cert-msc51-cpp): reproducible on purpose
  const std::vector<std::string> pieces = {"a",
                                           "Z",
                                           "0",
                                           "@",
                                           ".",
                                           " ",
                                           ",",
                                           "<",
                                           ">",
                                           "\"",
                                           "\\",
                                           "(",
                                           ")",
                                           ":",
                                           ";",
                                           "\t",
                                           "\n",
                                           "\x01",
                                           "\x1f",
                                           "\x7f",
                                           "\xc2\x80",
                                           "\xc2\x9b",
                                           "\xc3\xa9",
                                           "\xe2\x80\xa8",
                                           "\xe2\x80\xae",
                                           "\xef\xbf\xbd",
                                           "\xf0\x9f\x98\x80",
                                           "=?utf-8?q?=C3=A9?=",
                                           "x@",
                                           "example.org",
                                           "gmail.com"};
  const auto text = [&] {
    std::string out;
    const int length = static_cast<int>(random() % 12);
    for (int k = 0; k < length; ++k) out += pieces[random() % pieces.size()];
    return out;
  };
  const auto address_list = [&] {
    json list = json::array();
    const int count = static_cast<int>(random() % 40);
    for (int k = 0; k < count; ++k) {
      std::string entry = random() % 3 == 0 ? text() + " <p" + std::to_string(k) + "@" : "p";
      entry += std::to_string(k) + "@d" + std::to_string(random() % 30) + ".example";
      if (random() % 4 == 0) entry += text();
      list.push_back(entry);
    }
    return list;
  };
  for (int round = 0; round < 400; ++round) {
    json draft = {{"from", "Me <me@d0.example>"},
                  {"to", address_list()},
                  {"cc", address_list()},
                  {"bcc", address_list()}};
    if (random() % 3 == 0) draft["type"] = random() % 2 == 0 ? "reply" : "new";
    if (random() % 3 == 0)
      draft["original"] = {{"from", "o@d1.example"}, {"to", address_list()}, {"cc", nullptr}};
    if (random() % 4 == 0) draft["cc"] = random() % 2 == 0 ? json(nullptr) : json(text());
    if (random() % 5 == 0) draft["unknown"] = {{"nested", {1, "x", nullptr, {{"k", text()}}}}};
    json request = {{"type", "check"}, {"protocolVersion", 2}, {"draft", draft}};
    if (random() % 2 == 0) request["id"] = static_cast<int>(random() % 1000);
    if (random() % 2 == 0) request["client"] = text();
    std::string body = dumped(request, random() % 2 == 0 ? -1 : 2);
    // The extension's JSON.stringify writes keys in insertion order: put "type" last sometimes.
    if (random() % 2 == 0) {
      json reordered = request;
      reordered.erase("type");
      body = dumped(reordered);
      body.insert(1, R"("zz":[{}],)");
      body.back() = ',';
      body += R"("type":"check"})";
    }
    check_body(body);
    // The same with escapes where the text was raw (\u00e9 for é, \/ for /).
    std::string escaped;
    for (const char c : body) escaped += c == '@' ? std::string("\\u0040") : std::string(1, c);
    check_body(escaped);
  }
}

// The readable verdict (check --eml) is dump(2)'s layout, byte for byte.
TEST(JsonWriter, IndentedOutputIsDumpsLayout) {
  const Draft draft = draft_from_json(
      {{"from", "Me <me@corp.example>"},
       {"to", {"a@gmail.com", "b@gmail.com", "\"Q\\\"uote\" <c@yahoo.fr>", "bad\x01@x"}},
       {"cc",
        {"d@orange.fr", "e@free.fr", "f@sfr.fr", "g@laposte.net", "x@a.example, y@b.example"}},
       {"bcc", json::array()}});
  const Verdict verdict = evaluate(draft, Policy::defaults());
  for (const Draft* readable : {static_cast<const Draft*>(nullptr), &draft}) {
    std::string compact;
    JsonWriter one_line(compact);
    write_json(one_line, verdict, readable);
    EXPECT_EQ(dumped(json::parse(compact)), compact);
    std::string indented;
    JsonWriter two(indented, 2);
    write_json(two, verdict, readable);
    EXPECT_EQ(dumped(json::parse(compact), 2), indented);
  }
}

TEST(JsonWriter, EscapesAsDumpDoes) {
  std::string all;
  for (int c = 1; c < 0x80; ++c) all += static_cast<char>(c);
  for (const std::string& text :
       {std::string(), all, std::string("\0a", 2), std::string("\xe2\x80\xa8\xf4\x8f\xbf\xbf"),
        std::string("\xff"), std::string("a\xc3"), std::string("\xed\xa0\x80z"),
        std::string("\xe0\x80\x80"), std::string("\xf0\x9f\x98"),
        std::string("ok\xc3\xa9\xff\"")}) {
    std::string out;
    JsonWriter writer(out);
    writer.string(text);
    EXPECT_EQ(out, dumped(json(text)));
    // Invalid UTF-8 comes back with U+FFFD in place of what could not be read.
    EXPECT_EQ(utf8_unchanged_by_repair(text), json::parse(out).get<std::string>() == text);
  }
}

}  // namespace
// The reader's UTF-8 check skips ASCII eight bytes at a time and checks each non-ASCII run
// alone: it takes a body exactly when utf8_unchanged_by_repair takes it whole. Valid and broken
// sequences of every length, at every offset against the 8-byte words.
TEST(CheckRequest, ItsUtf8CheckAgreesWithTheRepairOnEveryBody) {
  const std::vector<std::string> pieces = {"a",
                                           "bcdefgh",
                                           "\xc3\xa9",
                                           "\xe2\x82\xac",
                                           "\xf0\x9f\x98\x80",
                                           "\xc3",
                                           "\xa9",
                                           "\xe2\x82",
                                           "\xed\xa0\x80",
                                           "\xc0\xaf",
                                           "\xf4\x90\x80\x80",
                                           "\xff",
                                           "\xef\xbb\xbf",
                                           "\xf0\x9f\x98",
                                           " "};
  std::mt19937 random(8);  // NOLINT(cert-msc32-c,cert-msc51-cpp): reproducible on purpose
  int accepted = 0;
  int refused = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string text;
    const int length = static_cast<int>(random() % 10);
    for (int k = 0; k < length; ++k) text += pieces[random() % pieces.size()];
    const std::string prefix(random() % 9, 'p');  // every offset against the words
    const std::string body =
        R"({"protocolVersion":2,"type":"check","draft":{"to":[")" + prefix + text + R"("]}})";
    SCOPED_TRACE(body);
    const bool valid = utf8_unchanged_by_repair(body);
    EXPECT_EQ(read_check_request(body).has_value(), valid);
    (valid ? accepted : refused) += 1;
  }
  EXPECT_GT(accepted, 100);  // both sides exercised
  EXPECT_GT(refused, 100);
}

}  // namespace bccshield
