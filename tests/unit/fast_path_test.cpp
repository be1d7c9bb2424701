// The everyday-entry fast path proves itself: with it on (the default) and off
// (ParseLimits::everyday_fast_path), the parser must give the very same result, through both
// outputs (parse_address_list and the streaming visitor the recipient set is built from), on
// every conformance vector input, every fuzz seed and regression, and generated inputs; and
// so must an AddressListReader reused from one input to the next.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "bccshield/address_list.hpp"

namespace bccshield {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// What a visitor saw, one line per call: the name, the key parts and the display the
// recipient set would keep (the fast path's `formatted`, else append_formatted_mailbox).
struct VisitorLog final : AddressVisitor {
  std::vector<std::string> events;
  std::size_t formatted = 0;    // mailboxes whose display came straight from the input
  std::size_t plain_names = 0;  // mailboxes whose name the reader knew to be a plain phrase
  std::size_t whole_texts = 0;  // mailboxes the reader said were all the text held

  void mailbox(const MailboxView& view) override {
    std::string display;
    append_formatted_mailbox(view, display);
    if (!view.formatted.empty()) {
      ++formatted;
      // The contract of MailboxView::formatted.
      EXPECT_EQ(view.formatted, display);
    }
    if (view.whole_text) ++whole_texts;
    if (view.plain_name) {
      ++plain_names;
      // The contract of MailboxView::plain_name: the formatter's own check agrees.
      MailboxView unhinted = view;
      unhinted.plain_name = false;
      std::string checked;
      append_formatted_mailbox(unhinted, checked);
      EXPECT_EQ(checked, display);
    }
    events.push_back("mailbox name=" + std::string(view.name) +
                     " local=" + std::string(view.local_part) +
                     " domain=" + std::string(view.domain) + " display=" + display);
  }
  void group_start(std::string_view name) override {
    events.push_back("group-start " + std::string(name));
  }
  void group_end() override { events.emplace_back("group-end"); }
};

std::string describe(const Mailbox& m) {
  return "name=" + m.name + " local=" + m.local_part + " domain=" + m.domain +
         " formatted=" + format_mailbox(m);
}

// parse_address_list's result, one line per entry, member and problem.
std::vector<std::string> describe(const ParsedAddressList& parsed) {
  std::vector<std::string> lines;
  for (const AddressEntry& entry : parsed.entries) {
    if (const auto* mailbox = std::get_if<Mailbox>(&entry)) {
      lines.push_back("mailbox " + describe(*mailbox));
    } else {
      const auto& group = std::get<Group>(entry);
      lines.push_back("group " + group.name);
      for (const Mailbox& member : group.members) lines.push_back("  member " + describe(member));
    }
  }
  for (const ParseProblem& problem : parsed.problems) {
    lines.push_back("problem " + problem.reason + ": " + problem.text);
  }
  return lines;
}

std::vector<std::string> problem_lines(const std::vector<ParseProblem>& problems) {
  std::vector<std::string> lines;
  for (const ParseProblem& problem : problems) {
    lines.push_back("problem " + problem.reason + ": " + problem.text);
  }
  return lines;
}

// One reader for every input of every test, so each parse starts from buffers a different
// input (and the other path) left behind: reuse must not change a result.
AddressListReader& shared_reader() {
  static AddressListReader reader;
  return reader;
}

struct Totals {
  std::size_t inputs = 0;
  std::size_t mailboxes = 0;
  std::size_t fast_formatted = 0;  // fast path taken (only it gives `formatted`)
};

// Both paths, both outputs, with the default limits and with a small max_entries (so that the
// limit falls inside fast-path runs too).
void expect_same_result(const std::string& input, const std::string& label, Totals& totals) {
  SCOPED_TRACE(label);
  ++totals.inputs;
  for (const std::size_t max_entries : {std::size_t{200000}, std::size_t{3}}) {
    ParseLimits fast;
    fast.max_entries = max_entries;
    ParseLimits general = fast;
    general.everyday_fast_path = false;

    const std::vector<std::string> fast_list = describe(parse_address_list(input, fast));
    const std::vector<std::string> general_list = describe(parse_address_list(input, general));
    EXPECT_EQ(fast_list, general_list) << "parse_address_list, max_entries " << max_entries;

    VisitorLog fast_log;
    VisitorLog general_log;
    const auto fast_problems = problem_lines(visit_address_list(input, fast_log, fast));
    const auto general_problems = problem_lines(visit_address_list(input, general_log, general));
    EXPECT_EQ(fast_log.events, general_log.events) << "visitor, max_entries " << max_entries;
    EXPECT_EQ(fast_problems, general_problems) << "visitor, max_entries " << max_entries;
    // The contract of MailboxView::whole_text: the text's one entry, and no problem.
    if (fast_log.whole_texts != 0) {
      EXPECT_EQ(fast_log.whole_texts, 1U);
      EXPECT_EQ(fast_log.events.size(), 1U);
      EXPECT_TRUE(fast_problems.empty());
    }
    EXPECT_EQ(general_log.whole_texts, 0U);
    EXPECT_EQ(general_log.formatted, 0U) << "only the fast path reads `formatted` off the input";
    for (const ParseLimits* limits : {&fast, &general}) {
      VisitorLog reused_log;
      const auto reused_problems = problem_lines(shared_reader().visit(input, reused_log, *limits));
      EXPECT_EQ(reused_log.events, general_log.events)
          << "reused reader, max_entries " << max_entries;
      EXPECT_EQ(reused_problems, general_problems) << "reused reader, max_entries " << max_entries;
    }
    if (max_entries == 200000) {
      totals.mailboxes += static_cast<std::size_t>(
          std::count_if(fast_log.events.begin(), fast_log.events.end(),
                        [](const std::string& event) { return event.rfind("mailbox", 0) == 0; }));
      totals.fast_formatted += fast_log.formatted;
    }
  }
}

std::string test_path(const std::string& relative) {
  return std::string(BCCSHIELD_TEST_DATA_DIR) + "/" + relative;
}

std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// Every input of a vector file, whatever its layout (as tests/fuzz/make_seeds.py reads them).
void collect_inputs(const json& node, std::vector<std::string>& out) {
  if (node.is_object()) {
    if (node.contains("input_hex") && node["input_hex"].is_string()) {
      out.push_back(from_hex(node["input_hex"].get<std::string>()));
    } else if (node.contains("input") && node["input"].is_string()) {
      out.push_back(node["input"].get<std::string>());
    } else if (node.contains("input") && node["input"].is_array()) {
      for (const json& line : node["input"]) {
        if (line.is_string()) out.push_back(line.get<std::string>());
      }
    }
    for (const auto& item : node.items()) {
      if (item.value().is_structured()) collect_inputs(item.value(), out);
    }
  } else if (node.is_array()) {
    for (const json& item : node) collect_inputs(item, out);
  }
}

TEST(FastPath, SameResultOnEveryConformanceVector) {
  Totals totals;
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(test_path("conformance/vectors"))) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    std::vector<std::string> inputs;
    collect_inputs(json::parse(in), inputs);
    EXPECT_FALSE(inputs.empty()) << entry.path();
    for (const std::string& input : inputs) {
      expect_same_result(input, entry.path().filename().string() + ": " + input, totals);
    }
  }
  EXPECT_EQ(files, 4U);  // jsmime, Go, Python, GMime
  EXPECT_GT(totals.inputs, 400U);
  EXPECT_GT(totals.fast_formatted, 0U);
}

TEST(FastPath, SameResultOnEveryFuzzSeedAndRegression) {
  Totals totals;
  for (const char* root : {"fuzz/corpus", "fuzz/regressions"}) {
    for (const auto& entry : fs::recursive_directory_iterator(test_path(root))) {
      const std::string name = entry.path().filename().string();
      if (!entry.is_regular_file() || name == "README.md" || name == "NOTICE") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      const std::string bytes((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
      expect_same_result(bytes, entry.path().string(), totals);
    }
  }
  EXPECT_GT(totals.inputs, 2000U);
  EXPECT_GT(totals.fast_formatted, 1000U);
}

// Seeded, so every run checks the same inputs; a failure names the input.
class InputGenerator {
 public:
  explicit InputGenerator(std::uint32_t seed) : rng_(seed) {}

  std::string list() {
    std::string out;
    const std::size_t entries = 1 + pick(8);
    for (std::size_t i = 0; i < entries; ++i) {
      if (i > 0) out += separator();
      out += entry();
    }
    if (pick(4) == 0) out += separator();
    if (pick(3) == 0) mutate(out);
    return out;
  }

 private:
  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }
  template <std::size_t N>
  const char* one_of(const char* const (&options)[N]) {
    return options[pick(N)];
  }

  std::string word() {
    static constexpr const char* kWords[] = {"Ann",    "O'Neil", "Jean-Luc",  "de_la",      "Bob",
                                             "x",      "R2D2",   "Zoë",       "Ærøskøbing", "王芳",
                                             "Łukasz", "Ελένη",  "Иван",      "José",       "Team",
                                             "a.b",    "=?x",    "é\xCC\x81", "ß",          "NUL"};
    return kWords[pick(std::size(kWords))];
  }

  std::string name() {
    std::string out = word();
    const std::size_t more = pick(3);
    for (std::size_t i = 0; i < more; ++i) {
      out += one_of({" ", " ", " ", "  ", "\t", "\xC2\xA0", "\xE2\x80\x8B", "\xE2\x80\x8D", ""});
      out += word();
    }
    return out;
  }

  std::string local() {
    static constexpr const char* kLocals[] = {
        "a",    "john.doe", "first+tag",        "x-y_z",   "A.B",   "sales",         "ops.", ".ops",
        "a..b", "jörg",     "\"quoted local\"", "\"a@b\"", "a\\@b", "=?utf-8?q?x?=", "mail", "1"};
    return kLocals[pick(std::size(kLocals))];
  }

  std::string domain() {
    static constexpr const char* kDomains[] = {"example.com",
                                               "corp.example",
                                               "mail.example.org",
                                               "a-b.example",
                                               "bücher.example",
                                               "例え.jp",
                                               "x",
                                               "example..com",
                                               "example.com.",
                                               "-bad.example",
                                               "[192.0.2.1]",
                                               "[bad literal]",
                                               "exa mple.com",
                                               "ex_ample.com",
                                               "EXAMPLE.COM",
                                               "e\xE2\x80\x8B.com"};
    return kDomains[pick(std::size(kDomains))];
  }

  std::string address() { return pick(12) == 0 ? local() : local() + "@" + domain(); }

  std::string encoded_word() {
    static constexpr const char* kWords[] = {
        "=?UTF-8?Q?Caf=C3=A9?=", "=?utf-8?B?SsO2cmc=?=", "=?ISO-8859-1?Q?Andr=E9?=",
        "=?windows-1252?Q?=93Boss=94?=", "=?UTF-8?Q?a_b?=", "=?UTF-8?B?!!!?=", "=?unknown?Q?x?=",
        "=?UTF-8?Q?=E2=80=8B?=", "=?UTF-8?Q?x@evil.example?=",
        "=?UTF-8?Q?"
        "?=",
        "=?UTF-8?Q?Smith=2C_Ann?=", "=?utf-8?q?=C2=A0?=",
        // Cleaning drops U+034F / a C1 control and joins a decoded "=" and "?" (review 6).
        "=?UTF-8?Q?a=3D=CD=8F=3Fb?=", "=?UTF-8?Q?a=3D=C2=80=3Fb?=",
        // Near misses of the in-place UTF-8 Q decoding:
        // invalid UTF-8, lower-case hex, a bare '=',
        // spaces the collapsing changes, a control.
        "=?UTF-8?Q?Andr=E9?=", "=?utf-8?q?=c3=a9t=C3=A9?=", "=?UTF-8?Q?x=?=", "=?UTF-8?Q?a=3?=",
        "=?UTF-8?Q?_lead?=", "=?UTF-8?Q?two__spaces?=", "=?UTF-8?Q?tab=09x?=", "=?UTF-8*fr?Q?x?=",
        "=?UTF8?Q?x?=",
        // Near misses of the one-pass read (read_utf8_q_name): DEL, a decoded "=?", '?', quote,
        // a space doubled or trailing through an escape, a special or space in the payload.
        "=?UTF-8?Q?a=7Fb?=", "=?UTF-8?Q?a_=3D=3Fb?=", "=?UTF-8?Q?a=3Fb?=", "=?UTF-8?Q?=22q=22?=",
        "=?UTF-8?Q?x_=20y?=", "=?UTF-8?Q?trail=20?=", "=?UTF-8?Q?a,b?=", "=?UTF-8?Q?a.b?=",
        "=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=", "=?UTF-8?Q?=C3?="};
    std::string out = kWords[pick(std::size(kWords))];
    if (pick(3) == 0) out += one_of({" ", "  ", ""}) + std::string(kWords[pick(std::size(kWords))]);
    return out;
  }

  std::string comment() {
    static constexpr const char* kComments[] = {
        "(work)", "(Ann Smith)", "(nested (deep))", "()", "(a, b)", "(unclosed", "(é)", "(x) (y)"};
    return kComments[pick(std::size(kComments))];
  }

  std::string entry() {
    switch (pick(10)) {
      case 0:
      case 1:
        return name() + " <" + address() + ">" + (pick(4) == 0 ? " " + comment() : "");
      case 2:
        return address() + (pick(3) == 0 ? " " + comment() : "");
      case 3:
        return "\"" + name() + one_of({"", ", Jr.", " \\\"x\\\"", " (x)", "  "}) + "\" <" +
               address() + ">";
      case 4:
        return encoded_word() + one_of({" ", "", "  "}) + "<" + address() + ">";
      case 5: {
        std::string group = name() + ":";
        const std::size_t members = pick(4);
        for (std::size_t i = 0; i < members; ++i) group += (i > 0 ? ", " : " ") + entry_simple();
        return group + one_of({";", ";", "", " ;"});
      }
      case 6:
        return name() + one_of({"<", "  <", "\t<"}) + address() + one_of({">", ">>", "", "> x"});
      case 7:
        return one_of({"", " ", "<>", ":", ";", "()", "@", "\"", "<a@b", "Name <>", "a@"});
      case 8:
        return garbage();
      default:
        return entry_simple();
    }
  }

  std::string entry_simple() { return pick(2) == 0 ? address() : name() + " <" + address() + ">"; }

  std::string separator() {
    return one_of({", ", ",", " , ", ",\r\n ", ";", "; ", ":", ",,", ", \t", "\n"});
  }

  std::string garbage() {
    std::string out;
    const std::size_t length = 1 + pick(6);
    for (std::size_t i = 0; i < length; ++i) out.push_back(static_cast<char>(pick(256)));
    return out;
  }

  // A few random bytes replaced, inserted or removed: near misses of the fast path's shapes.
  void mutate(std::string& text) {
    const std::size_t edits = 1 + pick(3);
    for (std::size_t i = 0; i < edits && !text.empty(); ++i) {
      const std::size_t at = pick(text.size());
      static constexpr char kBytes[] = "<>@,;:\"()\\ .=?\t\r\n\x80\xC3\xA9\x00";
      const char byte =
          pick(2) == 0 ? kBytes[pick(sizeof kBytes - 1)] : static_cast<char>(pick(256));
      switch (pick(3)) {
        case 0:
          text[at] = byte;
          break;
        case 1:
          text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), byte);
          break;
        default:
          text.erase(at, 1);
          break;
      }
    }
  }

  std::mt19937 rng_;
};

TEST(FastPath, SameResultOnGeneratedInputs) {
  constexpr std::size_t kInputs = 25000;
  InputGenerator generator(20261201);
  Totals totals;
  for (std::size_t i = 0; i < kInputs; ++i) {
    const std::string input = generator.list();
    expect_same_result(input, "generated #" + std::to_string(i) + ": " + input, totals);
    if (::testing::Test::HasFailure()) break;  // the first mismatch is the one to read
  }
  EXPECT_EQ(totals.inputs, kInputs);
  // The generator reaches both paths: many mailboxes, a good share read by the fast path.
  EXPECT_GT(totals.mailboxes, kInputs);
  EXPECT_GT(totals.fast_formatted, kInputs / 10);
}

// The switch really switches: the same everyday list, read both ways, the fast path only on.
TEST(FastPath, SwitchTurnsTheFastPathOff) {
  const std::string input =
      "a@example.com, Bob <b@example.com>, \"Smith, Ann\" <c@example.com>, d@example.com";
  ParseLimits off;
  off.everyday_fast_path = false;
  VisitorLog on_log;
  VisitorLog off_log;
  EXPECT_TRUE(visit_address_list(input, on_log).empty());
  EXPECT_TRUE(visit_address_list(input, off_log, off).empty());
  EXPECT_EQ(on_log.formatted, 4U);  // every entry, the first and the last included
  EXPECT_EQ(off_log.formatted, 0U);
  EXPECT_EQ(on_log.events, off_log.events);
}

// A pill that is one everyday entry takes the reader's shortcut (no state machine): the same
// mailbox as the general path, and a comment name the reader vouches for as a plain phrase.
TEST(FastPath, SingleEntryPillsMatchTheGeneralPath) {
  ParseLimits off;
  off.everyday_fast_path = false;
  // Each pill, and whether the reader vouches for its name as a plain phrase.
  const std::vector<std::pair<std::string, std::size_t>> pills = {
      {"x@example.com (Xavier Dupont)", 1},
      {"  Bob <b@example.com>  ", 1},
      {"\"Smith, Ann\" <c@example.com>", 0},
      {"=?UTF-8?Q?=C3=89lodie_Lef=C3=A8vre?= <e@example.com>", 1},
      {"=?utf-8?q?Dupont=2C_Marie?= <m@example.com>", 0},  // a decoded ',' needs quotes
      {"=?UTF-8?Q?a_=3D=3Fb?= <q@example.com>", 0},        // a decoded "=?" too
      {"d@example.com", 0}};
  for (const auto& [input, plain_names] : pills) {
    SCOPED_TRACE(input);
    VisitorLog on_log;
    VisitorLog off_log;
    EXPECT_TRUE(shared_reader().visit(input, on_log).empty());
    EXPECT_TRUE(visit_address_list(input, off_log, off).empty());
    EXPECT_EQ(on_log.events, off_log.events);
    EXPECT_EQ(off_log.plain_names, 0U);
    EXPECT_EQ(on_log.plain_names, plain_names);
    EXPECT_EQ(on_log.whole_texts, 1U);
  }
}

// Found by this differential (regressions/fast_path/group-ends-at-entry-limit): when the
// entry past max_entries ends with ';', the group still ends, on both paths.
TEST(FastPath, GroupEndsAtTheEntryLimitOnBothPaths) {
  for (const bool fast : {true, false}) {
    ParseLimits limits;
    limits.max_entries = 1;
    limits.everyday_fast_path = fast;
    const ParsedAddressList parsed = parse_address_list("G: a@x.example; H: b@x.example;", limits);
    ASSERT_EQ(parsed.entries.size(), 2U) << "fast path " << fast;
    EXPECT_EQ(std::get<Group>(parsed.entries[0]).members.size(), 1U);
    EXPECT_EQ(std::get<Group>(parsed.entries[1]).name, "H");
    EXPECT_TRUE(std::get<Group>(parsed.entries[1]).members.empty());
    ASSERT_EQ(parsed.problems.size(), 1U);
    EXPECT_EQ(parsed.problems[0].reason, "too-many-entries");
    EXPECT_EQ(parsed.problems[0].text, "b@x.example;");
  }
}

// The one-pass encoded-name reader's "plain" hint must not outlive a failed read: the fallback
// cleans the name, and dropping U+034F or a C1 control can leave "=?" in it, which the formatter
// must quote (found by review: `=?UTF-8?Q?Bob=40evil=2Ecom?=` went out unquoted).
TEST(FastPath, ANameTheFallbackCleansIsQuotedAsByTheParser) {
  Totals totals;
  const std::string name = "=?UTF-8?Q?=3D=CD=8F=3FUTF-8=3FQ=3FBob=3D40evil=3D2Ecom=3F=3D?=";
  expect_same_result(name + " <a@b.example>, c@d.example", "two entries", totals);
  expect_same_result(name + " <a@b.example>", "one entry", totals);
  expect_same_result("=?UTF-8?Q?x=3D=C2=80=3Fy?= <a@b.example>, c@d.example", "c1", totals);
  // Random encoded names of escapes that cleaning, collapsing and quoting treat specially.
  const std::vector<std::string> atoms = {
      "a",         "Z",         "9",      "=3D",    "=3F",
      "=20",       "_",         "=C2=80", "=CD=8F", "=E2=80=8B",
      "=E2=80=8D", "=2C",       "=22",    ".",      "!",
      "=09",       "=7F",       "=FF",    "=C3=A9", "=F0=9F=98=80",
      "=EF=B8=8F", "=C2=A0",    "=5C",    "=28",    "=3C",
      "=40",       "=",         "=3",     "-",      "'",
      "=E3=81=82", "=ED=95=9C", "?",      " "};
  const std::vector<std::string> tails = {" <a@b.example>, c@d.example",
                                          " <a@b.example>",
                                          "<a@b.example>",
                                          " <a@b.example> (x)",
                                          " =?UTF-8?Q?y?= <a@b.example>",
                                          "=?UTF-8?Q?y?= <a@b.example>;"};
  std::mt19937 random(12345);  // fixed: the same inputs every run
  for (int i = 0; i < 20000 && !::testing::Test::HasFailure(); ++i) {
    std::string input = random() % 2 != 0 ? "=?UTF-8?Q?" : "=?utf-8?q?";
    for (std::size_t j = random() % 12; j > 0; --j) input += atoms[random() % atoms.size()];
    input += "?=" + tails[random() % tails.size()];
    expect_same_result(input, input, totals);
  }
}

}  // namespace
}  // namespace bccshield
