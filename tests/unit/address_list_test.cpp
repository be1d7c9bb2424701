#include "bccshield/address_list.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bccshield {
namespace {

using namespace std::string_literals;

std::vector<std::string> addresses(const ParsedAddressList& parsed) {
  std::vector<std::string> out;
  for (const Mailbox& m : parsed.mailboxes()) out.push_back(m.address());
  return out;
}

std::vector<std::string> reasons(const ParsedAddressList& parsed) {
  std::vector<std::string> out;
  for (const ParseProblem& p : parsed.problems) out.push_back(p.reason);
  return out;
}

Mailbox only_mailbox(std::string_view text) {
  const ParsedAddressList parsed = parse_address_list(text);
  EXPECT_TRUE(parsed.problems.empty()) << text << ": " << parsed.problems.front().reason;
  const auto mailboxes = parsed.mailboxes();
  EXPECT_EQ(mailboxes.size(), 1U) << text;
  return mailboxes.empty() ? Mailbox{} : mailboxes.front();
}

using Strings = std::vector<std::string>;

// --- Mailboxes -----------------------------------------------------------------------------

TEST(AddressList, ParsesBareAddress) {
  const Mailbox m = only_mailbox("user@tinderbox.invalid");
  EXPECT_EQ(m.name, "");
  EXPECT_EQ(m.local_part, "user");
  EXPECT_EQ(m.domain, "tinderbox.invalid");
  EXPECT_EQ(m.address(), "user@tinderbox.invalid");
}

TEST(AddressList, ParsesNameAndAngleAddress) {
  const Mailbox m = only_mailbox("Joe Schmoe <jschmoe@example.com>");
  EXPECT_EQ(m.name, "Joe Schmoe");
  EXPECT_EQ(m.address(), "jschmoe@example.com");
}

TEST(AddressList, ParsesAngleAddressWithoutName) {
  EXPECT_EQ(only_mailbox("<boss@nil.test>").name, "");
}

TEST(AddressList, ParsesQuotedNameWithComma) {
  const ParsedAddressList parsed =
      parse_address_list(R"("Chaplin, Charlie" <c@example.com>, d@example.com)");
  EXPECT_TRUE(parsed.problems.empty());
  ASSERT_EQ(parsed.mailboxes().size(), 2U);
  EXPECT_EQ(parsed.mailboxes()[0].name, "Chaplin, Charlie");
  EXPECT_EQ(addresses(parsed), (Strings{"c@example.com", "d@example.com"}));
}

TEST(AddressList, UnescapesBackslashesInQuotedName) {
  EXPECT_EQ(only_mailbox(R"("Giant; \"Big\" Box" <sysservices@example.net>)").name,
            R"(Giant; "Big" Box)");
  EXPECT_EQ(only_mailbox(R"("Arthur \\Backslash\\ Foobar" <person@dom.ain>)").name,
            R"(Arthur \Backslash\ Foobar)");
}

TEST(AddressList, CollapsesWhitespaceInUnquotedMultiWordName) {
  EXPECT_EQ(only_mailbox("Tabby \t \t A\t\tB <tab@example.com>").name, "Tabby A B");
}

TEST(AddressList, KeepsUtf8InNamesAndAddresses) {
  const Mailbox named = only_mailbox("山田太郎 <a@例.invalid>");
  EXPECT_EQ(named.name, "山田太郎");
  EXPECT_EQ(named.domain, "例.invalid");
  EXPECT_EQ(only_mailbox("ケツァルコアトル@例.invalid").local_part, "ケツァルコアトル");
}

TEST(AddressList, IgnoresNestedCommentsInsideTheAddress) {
  const Mailbox m =
      only_mailbox("Jeff <fejj(recursive (comment) block)@helixcode.(and a comment here)com>");
  EXPECT_EQ(m.address(), "fejj@helixcode.com");
  EXPECT_EQ(m.name, "Jeff");
}

TEST(AddressList, TakesTrailingCommentAsLegacyName) {
  const Mailbox m = only_mailbox("jl1@b.c (Joe Lowe)");
  EXPECT_EQ(m.name, "Joe Lowe");
  EXPECT_EQ(m.address(), "jl1@b.c");
}

TEST(AddressList, ParsesEmptyGroup) {
  const ParsedAddressList parsed = parse_address_list("undisclosed-recipients:;");
  EXPECT_TRUE(parsed.problems.empty());
  ASSERT_EQ(parsed.entries.size(), 1U);
  const auto* group = std::get_if<Group>(&parsed.entries[0]);
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->name, "undisclosed-recipients");
  EXPECT_TRUE(group->members.empty());
  EXPECT_TRUE(parsed.mailboxes().empty());
}

TEST(AddressList, ParsesGroupsAndFlattensMembersInOrder) {
  const ParsedAddressList parsed = parse_address_list(
      "a@x.example, A Group:Ed Jones <c@a.invalid>,joe@where.invalid;, z@x.example");
  EXPECT_TRUE(parsed.problems.empty());
  ASSERT_EQ(parsed.entries.size(), 3U);
  const auto& group = std::get<Group>(parsed.entries[1]);
  EXPECT_EQ(group.name, "A Group");
  EXPECT_EQ(group.members.size(), 2U);
  EXPECT_EQ(addresses(parsed),
            (Strings{"a@x.example", "c@a.invalid", "joe@where.invalid", "z@x.example"}));
}

TEST(AddressList, GroupWithoutClosingSemicolonStillHoldsItsMembers) {
  const ParsedAddressList parsed = parse_address_list("Team: a@x.example, b@x.example");
  ASSERT_EQ(parsed.entries.size(), 1U);
  EXPECT_EQ(std::get<Group>(parsed.entries[0]).members.size(), 2U);
}

TEST(AddressList, SkipsObsoleteRoute) {
  const Mailbox m = only_mailbox("Mary <@machine.tld,@relay.tld:mary@example.net>");
  EXPECT_EQ(m.name, "Mary");
  EXPECT_EQ(m.address(), "mary@example.net");
  EXPECT_EQ(only_mailbox("<@route1,,@route2,,,@route3:user@domain.com>").address(),
            "user@domain.com");
}

TEST(AddressList, JoinsObsoleteLocalPartWithSpacesAroundDots) {
  EXPECT_EQ(only_mailbox("so . many . spaces @ here . invalid").address(),
            "so.many.spaces@here.invalid");
  EXPECT_EQ(only_mailbox("merwok. wok .  wok@example.com").address(), "merwok.wok.wok@example.com");
}

TEST(AddressList, KeepsDomainLiteralWithBrackets) {
  const Mailbox m = only_mailbox("me@[127.0.0.1]");
  EXPECT_EQ(m.domain, "[127.0.0.1]");
}

TEST(AddressList, RequotesLocalPartOnlyWhenNeeded) {
  EXPECT_EQ(only_mailbox(R"("me"@a.com)").local_part, "me");
  EXPECT_EQ(only_mailbox(R"("a b"@a.com)").local_part, R"("a b")");
  EXPECT_EQ(only_mailbox(R"("a\"b"@a.com)").local_part, R"("a\"b")");
}

TEST(AddressList, SkipsEmptyEntriesBetweenCommas) {
  const ParsedAddressList parsed = parse_address_list(" , ,a@x.example,,, ,b@x.example,");
  EXPECT_TRUE(parsed.problems.empty());
  EXPECT_EQ(addresses(parsed), (Strings{"a@x.example", "b@x.example"}));
}

TEST(AddressList, AcceptsSemicolonAsSeparatorOutsideGroups) {
  EXPECT_EQ(addresses(parse_address_list("a@xxx.invalid; B <b@xxx.invalid>")),
            (Strings{"a@xxx.invalid", "b@xxx.invalid"}));
}

TEST(AddressList, TreatsFoldingAndBareLineBreaksAsWhitespace) {
  EXPECT_EQ(addresses(parse_address_list("A <a@x.example>,\r\n\tB <b@x.example>,\nc@x.example")),
            (Strings{"a@x.example", "b@x.example", "c@x.example"}));
}

TEST(AddressList, CommentOnlyEntryIsAnEmptyElement) {
  const ParsedAddressList parsed = parse_address_list("(Recipient list suppressed)");
  EXPECT_TRUE(parsed.entries.empty());
  EXPECT_TRUE(parsed.problems.empty());
}

TEST(AddressList, EmptyInputGivesNothing) {
  const ParsedAddressList parsed = parse_address_list("");
  EXPECT_TRUE(parsed.entries.empty());
  EXPECT_TRUE(parsed.problems.empty());
}

// --- RFC 2047 ------------------------------------------------------------------------------

TEST(AddressList, DecodesEncodedWordsInDisplayName) {
  EXPECT_EQ(only_mailbox("=?UTF-8?B?5bGx55Sw5aSq6YOO?= <a@example.invalid>").name, "山田太郎");
  EXPECT_EQ(only_mailbox("=?iso-8859-1?Q?Klaus_Eisschl=E4ger_=28k=2Eeisschlaeger=40t-onli?="
                         "=?iso-8859-1?Q?ne=2Ede=29?= <k.eisschlaeger@t-online.de>")
                .name,
            "Klaus Eisschläger (k.eisschlaeger@t-online.de)");
}

TEST(AddressList, DecodesEncodedWordsInQuotedNameAndComment) {
  EXPECT_EQ(only_mailbox(R"("=?UTF-8?Q?Jazzy_Fern=C3=A1ndez?= [BCN]" <b@yahoogroups.com>)").name,
            "Jazzy Fernández [BCN]");
  EXPECT_EQ(only_mailbox("jl1@b.c (=?ISO-8859-1?Q?Joe_L=F6we?=)").name, "Joe Löwe");
}

TEST(AddressList, LeavesUnknownCharsetWordUndecoded) {
  EXPECT_EQ(only_mailbox("=?iso-8859-2?Q?Bogl=E1rka?= <unknown@gmail.com>").name,
            "=?iso-8859-2?Q?Bogl=E1rka?=");
}

TEST(AddressList, NeverDecodesInsideTheAddress) {
  // Kept as written, quoted so that it is never read back as an encoded-word.
  EXPECT_EQ(only_mailbox("Tag <=?UTF-8?Q?email?=@b.c>").local_part, R"("=?UTF-8?Q?email?=")");
}

TEST(AddressList, ReportsInvisibleOrLineBreakCharactersInAddress) {
  EXPECT_EQ(reasons(parse_address_list("a\\\r\nb@x.example")), (Strings{"invalid-character"}));
  EXPECT_EQ(reasons(parse_address_list("a\u200Db@x.example")),
            (Strings{"invalid-character"}));  // ZWJ
  EXPECT_EQ(reasons(parse_address_list("ab@x\u200Dy.example")), (Strings{"invalid-domain"}));
}

TEST(AddressList, EscapedOrQuotedAtIsNotASeparator) {
  EXPECT_EQ(reasons(parse_address_list(R"(<a\@b>)")), (Strings{"no-domain"}));
  EXPECT_EQ(reasons(parse_address_list(R"(<"a@b">)")), (Strings{"no-domain"}));
}

// --- Problems: never dropped silently ------------------------------------------------------

TEST(AddressList, ReportsNameWithoutAddress) {
  const ParsedAddressList parsed = parse_address_list("foo bar, ok@x.example");
  EXPECT_EQ(reasons(parsed), (Strings{"no-address"}));
  EXPECT_EQ(parsed.problems[0].text, "foo bar");
  EXPECT_EQ(addresses(parsed), (Strings{"ok@x.example"}));
}

TEST(AddressList, ReportsEmptyAngleAddress) {
  EXPECT_EQ(reasons(parse_address_list("<>")), (Strings{"no-address"}));
  EXPECT_EQ(reasons(parse_address_list("Name <>")), (Strings{"no-address"}));
}

TEST(AddressList, ReportsAddressBookListNameAsNoDomain) {
  // Thunderbird mailing-list pills ("Team <Team>") must be expanded by the extension.
  const ParsedAddressList parsed = parse_address_list("Team <Team>");
  EXPECT_TRUE(parsed.entries.empty());
  EXPECT_EQ(reasons(parsed), (Strings{"no-domain"}));
  EXPECT_EQ(parsed.problems[0].text, "Team <Team>");
}

TEST(AddressList, ReportsMissingDomainAndLocalPart) {
  EXPECT_EQ(reasons(parse_address_list("a@")), (Strings{"missing-domain"}));
  EXPECT_EQ(reasons(parse_address_list("<@example.com>")), (Strings{"missing-local-part"}));
}

TEST(AddressList, ReportsInvalidDomains) {
  EXPECT_EQ(reasons(parse_address_list("a@b..c")), (Strings{"invalid-domain"}));
  EXPECT_EQ(reasons(parse_address_list("<charles@broken.host.com.>")), (Strings{"invalid-domain"}));
  EXPECT_EQ(reasons(parse_address_list("a@[1.2.3.4")), (Strings{"invalid-domain"}));
}

TEST(AddressList, ReportsControlCharactersAndInvalidUtf8InAddress) {
  EXPECT_EQ(reasons(parse_address_list("a@corp\x01.example"s)), (Strings{"invalid-character"}));
  EXPECT_EQ(reasons(parse_address_list("a@corp\xff.example"s)), (Strings{"invalid-character"}));
  EXPECT_EQ(reasons(parse_address_list("a@exa\xcd\x8fmple.com"s)),
            (Strings{"invalid-character"}));  // U+034F
}

TEST(AddressList, RepairsInvalidUtf8InNames) {
  const Mailbox m = only_mailbox("Bad \xff name <a@x.example>"s);
  EXPECT_EQ(m.name, "Bad \xEF\xBF\xBD name");
  const ParsedAddressList parsed = parse_address_list("\xff\xfe <x>"s);
  ASSERT_EQ(parsed.problems.size(), 1U);
  EXPECT_EQ(parsed.problems[0].text, "\xEF\xBF\xBD\xEF\xBF\xBD <x>");
}

TEST(AddressList, NulInsideAnAddressIsNeverSilentlyRemoved) {
  EXPECT_FALSE(parse_address_list("a@corp.\0example"s).problems.empty());
}

TEST(AddressList, ReportsGroupWithoutName) {
  const ParsedAddressList parsed = parse_address_list(": a@x.example;");
  EXPECT_EQ(reasons(parsed), (Strings{"missing-group-name"}));
  EXPECT_EQ(addresses(parsed), (Strings{"a@x.example"}));
  EXPECT_EQ(parse_address_list(std::string(1000, ':') + std::string(1000, ';')).problems.size(),
            1U);
}

TEST(AddressList, RefusesTooLargeInputWhole) {
  ParseLimits limits;
  limits.max_input_bytes = 100;
  const ParsedAddressList parsed = parse_address_list(std::string(101, 'a') + "@x.example", limits);
  EXPECT_TRUE(parsed.entries.empty());
  EXPECT_EQ(reasons(parsed), (Strings{"input-too-large"}));
  EXPECT_LE(parsed.problems[0].text.size(), 200U);
}

TEST(AddressList, StopsAtMaxEntriesWithOneProblem) {
  ParseLimits limits;
  limits.max_entries = 2;
  const ParsedAddressList parsed =
      parse_address_list("a@x.example, b@x.example, c@x.example, d@x.example", limits);
  EXPECT_EQ(addresses(parsed), (Strings{"a@x.example", "b@x.example"}));
  EXPECT_EQ(reasons(parsed), (Strings{"too-many-entries"}));
  EXPECT_EQ(parsed.problems[0].text, "c@x.example, d@x.example");
}

TEST(AddressList, ReportsTooDeepCommentAndContinuesAfterIt) {
  ParseLimits limits;
  limits.max_comment_depth = 3;
  const ParsedAddressList parsed =
      parse_address_list("a@x.example ((((deep)))), b@x.example", limits);
  EXPECT_EQ(reasons(parsed), (Strings{"comment-too-deep"}));
  EXPECT_EQ(addresses(parsed), (Strings{"b@x.example"}));
  EXPECT_TRUE(parse_address_list("a@x.example ((((ok))))").problems.empty());
}

TEST(AddressList, BoundsProblemTextTo200BytesOfValidUtf8) {
  const ParsedAddressList parsed = parse_address_list(std::string(1000, '\xff'));
  ASSERT_EQ(parsed.problems.size(), 1U);
  EXPECT_LE(parsed.problems[0].text.size(), 200U);
  EXPECT_EQ(parsed.problems[0].text.size() % 3, 0U);  // whole U+FFFD only
}

// --- Formatting ----------------------------------------------------------------------------

TEST(AddressList, FormatsMailboxQuotingNameOnlyWhenNeeded) {
  EXPECT_EQ(format_mailbox(Mailbox{"", "a", "x.example"}), "a@x.example");
  EXPECT_EQ(format_mailbox(Mailbox{"Joe Schmoe", "a", "x.example"}), "Joe Schmoe <a@x.example>");
  EXPECT_EQ(format_mailbox(Mailbox{"Chaplin, Charlie", "a", "x.example"}),
            R"("Chaplin, Charlie" <a@x.example>)");
  EXPECT_EQ(format_mailbox(Mailbox{"Joe Q. Public", "a", "x.example"}),
            R"("Joe Q. Public" <a@x.example>)");
  EXPECT_EQ(format_mailbox(Mailbox{R"(Giant "Big" \Box)", "a", "x.example"}),
            R"("Giant \"Big\" \\Box" <a@x.example>)");
  EXPECT_EQ(format_mailbox(Mailbox{"山田太郎", "a", "x.example"}), "山田太郎 <a@x.example>");
  EXPECT_EQ(format_mailbox(Mailbox{"=?UTF-8?Q?x?=", "a", "x.example"}),
            R"("=?UTF-8?Q?x?=" <a@x.example>)");
}

TEST(AddressList, FormattedMailboxParsesBackToTheSameMailbox) {
  for (const char* input : {R"("Chaplin, Charlie" <c@example.com>)", R"("a@b" <"x y"@example.com>)",
                            R"("Giant; \"Big\" Box" <sysservices@example.net>)",
                            "山田太郎 <a@例.invalid>", R"("a@evil.example"@corp.example)"}) {
    const Mailbox m = only_mailbox(input);
    const Mailbox again = only_mailbox(format_mailbox(m));
    EXPECT_EQ(again.name, m.name) << input;
    EXPECT_EQ(again.local_part, m.local_part) << input;
    EXPECT_EQ(again.domain, m.domain) << input;
  }
}

TEST(AddressList, AddressWithoutDomainIsTheLocalPart) {
  EXPECT_EQ((Mailbox{"", "Team", ""}).address(), "Team");
}

// --- Pathological input: linear, bounded, never a crash ------------------------------------

// Tests do not time: bench/pathological_bench.cpp measures that these stay linear.
TEST(AddressList, PathologicalInputsHaveADefinedOutcome) {
  const std::vector<std::string> inputs = {
      std::string(100000, '('),
      "a@x.example " + std::string(100000, '('),
      std::string(100000, ')') + "a@x.example",
      std::string(100000, ':') + std::string(100000, ';'),
      std::string(1000000, ','),
      "\"" + std::string(1000000, 'x') + "\" <a@x.example>",
      std::string(1000000, 'x') + " <a@x.example>",
      "\"unbalanced, a@x.example, b@x.example",
      std::string(100000, '<') + "a@x.example" + std::string(100000, '>'),
      "a@x.example" + std::string(100000, '@'),
      std::string(1000, '\0') + "\r\r\n\n" + std::string(1000, '\xff'),
  };
  for (const std::string& input : inputs) {
    const ParsedAddressList parsed = parse_address_list(input);
    for (const ParseProblem& p : parsed.problems) EXPECT_LE(p.text.size(), 200U);
  }
  // Commas only: empty elements, nothing to report.
  const ParsedAddressList commas = parse_address_list(std::string(1000000, ','));
  EXPECT_TRUE(commas.entries.empty());
  EXPECT_TRUE(commas.problems.empty());
}

// --- Wrong-domain tricks: the domain is the one mail is delivered to -----------------------

TEST(WrongDomain, QuotedLocalPartWithAtKeepsTheOuterDomain) {
  const Mailbox m = only_mailbox(R"("a@evil.example"@corp.example)");
  EXPECT_EQ(m.domain, "corp.example");
  EXPECT_EQ(m.local_part, R"("a@evil.example")");
}

TEST(WrongDomain, CommentBetweenDomainAtomsIsReportedNeverJoined) {
  const ParsedAddressList parsed = parse_address_list("user@corp.example(x)evil.example");
  EXPECT_TRUE(parsed.entries.empty());
  EXPECT_EQ(reasons(parsed), (Strings{"invalid-domain"}));
  // A comment next to a dot is CFWS in obs-domain: the strict reading joins it.
  EXPECT_EQ(only_mailbox("user@corp(x).example").domain, "corp.example");
}

TEST(WrongDomain, DoubleAtIsReported) {
  for (const char* input :
       {"a@b@c", "<a@b@c>", "a@b@c@corp.example", "a@corp.example\r\n@evil.example"}) {
    const ParsedAddressList parsed = parse_address_list(input);
    EXPECT_TRUE(parsed.entries.empty()) << input;
    EXPECT_EQ(reasons(parsed), (Strings{"multiple-at"})) << input;
  }
}

TEST(WrongDomain, EncodedWordWithAtInNameNeverCreatesAnAddress) {
  const Mailbox m = only_mailbox("=?UTF-8?Q?a=40evil.example?= <x@corp.example>");
  EXPECT_EQ(m.name, "a@evil.example");
  EXPECT_EQ(m.address(), "x@corp.example");
  // A raw '@' or ',' inside an encoded-word (RFC 2047 forbids it) is structure, as in
  // Thunderbird's compose window, which does not decode: the domains are the ones mail goes to.
  const auto split = parse_address_list("=?UTF-8?Q?a@b.c,?= <b@b.c>").mailboxes();
  ASSERT_EQ(split.size(), 2U);
  EXPECT_EQ(split[0].domain, "b.c");
  EXPECT_EQ(split[1].address(), "b@b.c");
  const ParsedAddressList alone = parse_address_list("=?UTF-8?Q?a=40corp.example?=");
  EXPECT_TRUE(alone.entries.empty());
  EXPECT_EQ(reasons(alone), (Strings{"no-address"}));
}

TEST(WrongDomain, EncodedWordWithAngleInNameNeverCreatesAnAddress) {
  const Mailbox m = only_mailbox("=?UTF-8?B?PGFAY29ycC5leGFtcGxlPg==?= <y@evil.example>");
  EXPECT_EQ(m.name, "<a@corp.example>");
  EXPECT_EQ(m.domain, "evil.example");
  // With a raw '@' the word is not an encoded-word at all (RFC 2047 5(3)): kept as written.
  EXPECT_EQ(only_mailbox("=?UTF-8?Q?=3C@b.c?= <a@b.c>").name, "=?UTF-8?Q?=3C@b.c?=");
}

TEST(WrongDomain, EncodedWordInAddressIsNotDecoded) {
  EXPECT_EQ(reasons(parse_address_list("user@=?UTF-8?Q?corp.example?=")),
            (Strings{"invalid-domain"}));
  EXPECT_EQ(reasons(parse_address_list("x@corp.example =?UTF-8?Q?=3Cy=40evil.example=3E?=")),
            (Strings{"invalid-domain"}));
}

TEST(WrongDomain, UnclosedQuoteInAddressIsReported) {
  EXPECT_EQ(reasons(parse_address_list(R"(a@evil.example"@corp.example)")),
            (Strings{"unterminated-quote"}));
}

TEST(WrongDomain, EscapedAtBelongsToTheLocalPart) {
  const Mailbox m = only_mailbox(R"(a@corp.example\@evil.example)");
  EXPECT_EQ(m.domain, "evil.example");
}

TEST(WrongDomain, AddressInDisplayNameIsNotARecipient) {
  EXPECT_EQ(only_mailbox("a@corp.example <b@evil.example>").domain, "evil.example");
  EXPECT_EQ(only_mailbox(R"("a@corp.example" <b@evil.example>)").domain, "evil.example");
  EXPECT_EQ(only_mailbox("a@evil.example (a@corp.example)").domain, "evil.example");
  EXPECT_EQ(only_mailbox("a(b@corp.example)@evil.example").domain, "evil.example");
}

TEST(WrongDomain, LastAngleAddressIsTheRecipient) {
  const Mailbox m = only_mailbox("<a@corp.example> <b@evil.example>");
  EXPECT_EQ(m.domain, "evil.example");
  EXPECT_EQ(m.name, "<a@corp.example>");
}

TEST(WrongDomain, TextAfterTheAngleAddressIsReportedNotDelivered) {
  const ParsedAddressList parsed = parse_address_list("Bob <bob@corp.example>evil.example");
  EXPECT_EQ(addresses(parsed), (Strings{"bob@corp.example"}));
  EXPECT_EQ(reasons(parsed), (Strings{"text-after-address"}));
}

TEST(WrongDomain, AddressWhereGroupNameGoesIsReportedNotDelivered) {
  const ParsedAddressList parsed = parse_address_list("<else@corp.example>:<actual@evil.example>");
  EXPECT_EQ(addresses(parsed), (Strings{"actual@evil.example"}));
  EXPECT_EQ(reasons(parsed), (Strings{"address-as-group-name"}));
}

TEST(WrongDomain, StrayClosingParenthesisDoesNotGlueTextOntoTheDomain) {
  const ParsedAddressList parsed = parse_address_list("alice@example.org )Alice(");
  EXPECT_TRUE(parsed.entries.empty());
  EXPECT_EQ(reasons(parsed), (Strings{"invalid-domain"}));
}

TEST(WrongDomain, RouteIsNotTheDomain) {
  EXPECT_EQ(only_mailbox("Bob <@corp.example:bob@evil.example>").domain, "evil.example");
}

}  // namespace
}  // namespace bccshield
