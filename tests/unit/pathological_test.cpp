// Pathological headers at full size (tests/fuzz/pathological_inputs.hpp): each has a defined
// outcome, a result or a ParseProblem, through the parser, the whole decision and the wire
// protocol. No timing here: bench/pathological_bench.cpp measures time at two sizes.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "../fuzz/pathological_inputs.hpp"
#include "bccshield/address_list.hpp"
#include "bccshield/eml.hpp"
#include "bccshield/evaluate.hpp"
#include "bccshield/protocol.hpp"

namespace bccshield {
namespace {

using nlohmann::json;
namespace patho = pathological;

std::string full(const char* name) {
  for (const patho::Case& c : patho::cases()) {
    if (std::string_view(c.name) == name) return c.make(c.full_count);
  }
  ADD_FAILURE() << "no case " << name;
  return {};
}

bool has_problem(const ParsedAddressList& parsed, std::string_view reason = {}) {
  for (const ParseProblem& problem : parsed.problems) {
    EXPECT_LE(problem.text.size(), 200U);
    if (reason.empty() || problem.reason == reason) return true;
  }
  return false;
}

std::size_t count_with_address(const ParsedAddressList& parsed, std::string_view address) {
  std::size_t count = 0;
  for (const Mailbox& mailbox : parsed.mailboxes()) count += mailbox.address() == address ? 1U : 0U;
  return count;
}

class Pathological : public ::testing::TestWithParam<patho::Case> {};

// Every case: the parse ends with something to say, the decision completes and is cautious
// enough, the reply stays a valid frame under 1 MiB, and the .eml reader copes.
TEST_P(Pathological, HasADefinedOutcomeEverywhere) {
  const patho::Case& c = GetParam();
  const std::string header = c.make(c.full_count);
  const ParsedAddressList parsed = parse_address_list(header);
  EXPECT_FALSE(parsed.entries.empty() && parsed.problems.empty())
      << c.name << ": nothing and no problem";
  for (const ParseProblem& problem : parsed.problems) {
    EXPECT_LE(problem.text.size(), 200U);
    EXPECT_FALSE(problem.reason.empty());
  }

  Draft draft;
  draft.from = "Clerk <clerk@corp.example>";
  draft.to = {header};
  const Verdict verdict = evaluate(draft, Policy::defaults());
  // Text Thunderbird ignores is shown in the finding but is not an unparsable recipient.
  const bool unreadable =
      std::any_of(parsed.problems.begin(), parsed.problems.end(),
                  [](const ParseProblem& p) { return !problem_is_ignored_text(p.reason); });
  EXPECT_EQ(verdict.summary.unparsable_entries > 0, unreadable) << c.name;
  if (!parsed.problems.empty()) {
    EXPECT_NE(verdict.decision, Action::Allow) << c.name;
  }

  HostContext context;
  context.new_check_id = [] { return std::string("p"); };
  const std::string reply = handle_message(
      json{{"type", "check"}, {"draft", {{"from", draft.from}, {"to", {header}}}}}.dump(
          -1, ' ', false, json::error_handler_t::replace),
      context);
  EXPECT_LE(reply.size(), max_reply_bytes);
  const json parsed_reply = json::parse(reply);
  EXPECT_TRUE(parsed_reply.contains("result") || parsed_reply.contains("error")) << c.name;

  const Draft from_eml =
      draft_from_eml("From: clerk@corp.example\r\nTo: " + header + "\r\n\r\nbody");
  ASSERT_EQ(from_eml.to.size(), 1U) << c.name;
}

// What each case must give: the mailboxes Thunderbird would also find, or a problem (which
// the engine turns into an unparsable-recipient warning). Never a silent empty result.
struct Expected {
  const char* name;
  std::size_t mailboxes;
  bool problem;
};

TEST(Pathological, EachCaseHasItsOutcome) {
  const Expected expected[] = {
      {"nested_open_comments", 0, true},        // comment-too-deep: deeper than ParseLimits
      {"nested_balanced_comments", 0, true},    // idem, even when balanced
      {"colons_then_semicolons", 0, true},      // a group without a name
      {"colon_semicolon_pairs", 1, true},       // a@corp.example is still found
      {"megabyte_of_commas", 2, false},         // empty entries are nothing
      {"many_addresses", 200000, false},        // exactly ParseLimits::max_entries
      {"huge_quoted_name", 1, false},           // a 1 MB name is still a name
      {"huge_atom_name", 1, false},             //
      {"many_encoded_words", 1, false},         // 100,000 decoded words, one name
      {"many_broken_encoded_words", 1, false},  // copied undecoded
      {"unbalanced_quote", 0, true},            // everything is inside the quote: no address
      {"unbalanced_angles", 1, false},          //
      {"unbalanced_closing_angles", 1, true},   // text after the address is reported
      {"nul_and_bare_newlines", 0, true},       // NUL / CR / LF do not separate addresses
      {"invalid_utf8", 0, true},                // one problem per entry
      {"many_at_signs", 0, true},               // multiple-at
      {"quoted_pairs", 1, false},               //
  };
  ASSERT_EQ(std::size(expected), patho::cases().size());
  for (const Expected& e : expected) {
    const ParsedAddressList parsed = parse_address_list(full(e.name));
    EXPECT_EQ(parsed.mailboxes().size(), e.mailboxes) << e.name;
    EXPECT_EQ(!parsed.problems.empty(), e.problem) << e.name;
  }
  EXPECT_TRUE(has_problem(parse_address_list(full("nested_open_comments")), "comment-too-deep"));
  EXPECT_EQ(parse_address_list(full("huge_quoted_name")).mailboxes()[0].name.size(), 1000000U);
  EXPECT_EQ(count_with_address(parse_address_list(full("megabyte_of_commas")), "b@corp.example"),
            1U);
}

TEST(Pathological, TheLimitsAreEdgesNotCliffs) {
  const ParseLimits limits;
  const std::string at_depth = patho::repeat("(", limits.max_comment_depth) + "c" +
                               patho::repeat(")", limits.max_comment_depth) + " a@corp.example";
  EXPECT_EQ(count_with_address(parse_address_list(at_depth), "a@corp.example"), 1U);
  const std::string too_deep = "(" + at_depth + ")";
  EXPECT_TRUE(has_problem(parse_address_list(too_deep), "comment-too-deep"));

  const ParsedAddressList one_more =
      parse_address_list(patho::many_addresses(limits.max_entries + 1));
  EXPECT_EQ(one_more.mailboxes().size(), limits.max_entries);
  EXPECT_TRUE(has_problem(one_more, "too-many-entries"));

  ParseLimits small;
  small.max_input_bytes = 1000;
  const ParsedAddressList refused = parse_address_list(patho::megabyte_of_commas(1000), small);
  EXPECT_TRUE(refused.entries.empty());
  EXPECT_TRUE(has_problem(refused, "input-too-large"));
}

INSTANTIATE_TEST_SUITE_P(FullSize, Pathological, ::testing::ValuesIn(patho::cases()),
                         [](const ::testing::TestParamInfo<patho::Case>& param_info) {
                           return std::string(param_info.param.name);
                         });

}  // namespace
}  // namespace bccshield
