// JsonWriter writes the bytes nlohmann's dump() writes for the same document (json_writer.hpp):
// each case is written twice, once with the writer and once as a DOM dumped with the replies'
// settings (error_handler_t::replace, no ensure_ascii), and the two must be equal. The writer
// scans eight bytes at a time and copies short clean strings with their separator in one
// append, so the cases put every special byte at every offset against the 8-byte words and
// strings on both sides of the short-string bound.
#include "bccshield/json_writer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bccshield/verdict.hpp"

namespace bccshield {
namespace {

using nlohmann::json;

std::string dumped(const json& value, int indent) {
  return value.dump(indent, ' ', false, json::error_handler_t::replace);
}

// `texts` as one array, then as the values of an object, in the one-line and indented layouts.
void expect_same_as_dump(const std::vector<std::string>& texts) {
  for (const int indent : {-1, 0, 2}) {
    std::string out;
    JsonWriter writer(out, indent);
    json array = json::array();
    writer.begin_array();
    for (const std::string& text : texts) {
      writer.string(text);
      array.push_back(text);
    }
    writer.end_array();
    EXPECT_EQ(out, dumped(array, indent)) << "indent " << indent;

    out.clear();
    JsonWriter members(out, indent);
    json object = json::object();
    members.begin_object();
    std::size_t index = 0;
    for (const std::string& text : texts) {
      // Keys in byte order: zero-padded indexes.
      std::string key = std::to_string(index++);
      key.insert(0, 6 - key.size(), '0');
      members.member(key, text);
      object[key] = text;
    }
    members.end_object();
    EXPECT_EQ(out, dumped(object, indent)) << "indent " << indent;
  }
}

TEST(JsonWriter, EveryByteAloneAndAtEveryOffsetOfTwoWords) {
  std::vector<std::string> texts;
  for (int byte = 0; byte < 256; ++byte) {
    const char c = static_cast<char>(byte);
    texts.emplace_back(1, c);
    for (std::size_t at = 0; at < 17; ++at) {
      std::string text(17, 'a');
      text[at] = c;
      texts.push_back(text);
    }
  }
  expect_same_as_dump(texts);
}

TEST(JsonWriter, InvalidAndValidUtf8AtEveryOffset) {
  const std::vector<std::string> sequences = {"\xc3\xa9",
                                              "\xe2\x82\xac",
                                              "\xf0\x9f\x98\x80",
                                              "\xe2\x80\xa8",
                                              "\xf4\x8f\xbf\xbf",
                                              "\xff",
                                              "\xc3",
                                              "\x80",
                                              "\xc0\xaf",
                                              "\xed\xa0\x80",
                                              "\xe0\x80\x80",
                                              "\xf0\x9f\x98",
                                              "\xf4\x90\x80\x80",
                                              "\xc3\xa9\xff\"",
                                              "\xe2\x82",
                                              "\xf8\x88\x80\x80\x80"};
  std::vector<std::string> texts;
  for (const std::string& sequence : sequences) {
    for (std::size_t length = 0; length < 20; ++length) {
      for (std::size_t at = 0; at <= length; ++at) {
        std::string text(length, 'b');
        text.insert(at, sequence);
        texts.push_back(text);
      }
    }
  }
  expect_same_as_dump(texts);
}

TEST(JsonWriter, CleanRunsOfEveryLengthAroundTheShortBound) {
  std::vector<std::string> texts;
  for (std::size_t length = 0; length < 260; ++length) {
    std::string text;
    for (std::size_t i = 0; i < length; ++i) text += static_cast<char>(' ' + 1 + i % 90);
    std::replace(text.begin(), text.end(), '\\', '/');  // clean: no byte to escape
    std::replace(text.begin(), text.end(), '"', '\'');
    texts.push_back(text);
    texts.push_back(text + "\n");  // the escape after the run
    texts.push_back("\t" + text);  // and before it
  }
  texts.emplace_back(100000, 'x');
  expect_same_as_dump(texts);
}

TEST(JsonWriter, NumbersAndOtherValuesKeepTheirSeparators) {
  for (const int indent : {-1, 0, 2, 4}) {
    std::string out;
    JsonWriter writer(out, indent);
    json expected = json::array();
    writer.begin_array();
    const std::vector<long long> signed_values = {0,
                                                  -1,
                                                  7,
                                                  -42,
                                                  std::numeric_limits<long long>::min(),
                                                  std::numeric_limits<long long>::max()};
    for (const long long value : signed_values) {
      writer.number(value);
      expected.push_back(value);
    }
    const std::vector<std::uint64_t> unsigned_values = {0, 9, 10, 99999,
                                                        std::numeric_limits<std::uint64_t>::max()};
    for (const std::uint64_t value : unsigned_values) {
      writer.number(value);
      expected.push_back(value);
      writer.string("a@b.example");
      expected.push_back("a@b.example");
    }
    writer.begin_object();
    writer.member("count", std::uint32_t{3});
    writer.member("name", "x");
    writer.key("nested");
    writer.begin_array();
    writer.end_array();
    writer.optional_member("none", std::nullopt);
    writer.end_object();
    expected.push_back({{"count", 3}, {"name", "x"}, {"nested", json::array()}, {"none", nullptr}});
    writer.boolean(true);
    expected.push_back(true);
    writer.null();
    expected.push_back(nullptr);
    writer.number(std::uint32_t{5});
    expected.push_back(5);
    writer.end_array();
    EXPECT_EQ(out, dumped(expected, indent)) << "indent " << indent;
  }
  // A number or a string as the whole document.
  std::string out;
  JsonWriter(out).number(12);
  EXPECT_EQ(out, "12");
  out.clear();
  JsonWriter(out, 2).string("x");
  EXPECT_EQ(out, "\"x\"");
}

TEST(JsonWriter, JoinedElementsCountAsThatManyElements) {
  std::string out;
  JsonWriter writer(out);
  writer.begin_array();
  writer.joined_elements("", 0);
  writer.joined_elements("1,2", 2);
  writer.string("x");
  writer.joined_elements("3", 1);
  writer.number(4);
  writer.end_array();
  EXPECT_EQ(out, "[1,2,\"x\",3,4]");
}

// The wire's recipient lists go out as runs of indexes formatted at once (verdict.cpp): runs
// longer than one buffer, broken by texts, in every list, as dump() writes them.
TEST(JsonWriter, VerdictListsOfIndexesAndTextsAreDumpsBytes) {
  Verdict verdict;
  Rewrite rewrite;
  json to = json::array();
  for (std::uint32_t i = 0; i < 3000; ++i) {
    if (i % 700 == 699) {
      rewrite.to.push_back(RecipientRef{RecipientRef::no_source, "t\"xt@example.org"});
      to.push_back("t\"xt@example.org");
    }
    rewrite.to.push_back(RecipientRef{i * 997U % 100003U, {}});
    to.push_back(i * 997U % 100003U);
  }
  rewrite.cc.push_back(RecipientRef{RecipientRef::no_source, "only@text.example"});
  rewrite.bcc.push_back(RecipientRef{4294967294U, {}});
  verdict.rewrite = rewrite;
  std::string out;
  JsonWriter writer(out);
  write_json(writer, verdict);
  const json parsed = json::parse(out);
  EXPECT_EQ(dumped(parsed, -1), out);
  EXPECT_EQ(parsed["rewrite"]["to"], to);
  EXPECT_EQ(parsed["rewrite"]["cc"], json::array({"only@text.example"}));
  EXPECT_EQ(parsed["rewrite"]["bcc"], json::array({4294967294U}));
}

}  // namespace
}  // namespace bccshield
