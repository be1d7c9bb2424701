#include "bccshield/rfc2047.hpp"

#include <gtest/gtest.h>

#include <string>

#include "bccshield/utf8.hpp"

namespace bccshield {
namespace {

TEST(Rfc2047, DecodesQEncodingUtf8) {
  EXPECT_EQ(decode_rfc2047("=?UTF-8?Q?Jazzy_Fern=C3=A1ndez?="), "Jazzy Fernández");
}

TEST(Rfc2047, DecodesBEncodingUtf8) {
  EXPECT_EQ(decode_rfc2047("=?UTF-8?B?5bGx55Sw5aSq6YOO?="), "山田太郎");
  EXPECT_EQ(decode_rfc2047("=?UTF-8?B?SsO2cmc=?="), "Jörg");
}

TEST(Rfc2047, EncodingLetterAndCharsetAreCaseInsensitive) {
  EXPECT_EQ(decode_rfc2047("=?utf-8?q?=c3=a9?="), "é");
  EXPECT_EQ(decode_rfc2047("=?Utf-8?b?w6k=?="), "é");
}

TEST(Rfc2047, DecodesLatin1) {
  EXPECT_EQ(decode_rfc2047("=?ISO-8859-1?Q?Joe_L=F6we?="), "Joe Löwe");
  EXPECT_EQ(decode_rfc2047("=?iso-8859-1?B?U29maWEgQ2FzdGVsbPMgUm9tZXJv?="),
            "Sofia Castelló Romero");
}

TEST(Rfc2047, Latin1DecodesC1RangeAsWindows1252LikeBrowsers) {
  EXPECT_EQ(decode_rfc2047("=?ISO-8859-1?Q?=80?="), "€");
}

TEST(Rfc2047, DecodesWindows1252) {
  EXPECT_EQ(decode_rfc2047("=?windows-1252?q?Andr=E9?="), "André");
  EXPECT_EQ(decode_rfc2047("=?windows-1252?Q?=80_=93quoted=94_=85?="), "€ “quoted” …");
}

TEST(Rfc2047, DecodesIso885915) {
  EXPECT_EQ(decode_rfc2047("=?ISO-8859-15?Q?J=F6rg_=A4?="), "Jörg €");
  EXPECT_EQ(decode_rfc2047("=?ISO-8859-15?B?SvZyZw==?="), "Jörg");
}

TEST(Rfc2047, DecodesUsAscii) {
  EXPECT_EQ(decode_rfc2047("=?us-ascii?q?J=6Frg_Doe?="), "Jorg Doe");
}

TEST(Rfc2047, IgnoresRfc2231LanguageSuffix) {
  EXPECT_EQ(decode_rfc2047("=?UTF-8*fr?Q?caf=C3=A9?="), "café");
}

TEST(Rfc2047, LeavesUnknownCharsetUndecoded) {
  const std::string word = "=?iso-8859-2?Q?Bogl=E1rka?=";
  EXPECT_EQ(decode_rfc2047(word), word);
  EXPECT_FALSE(rfc2047_charset_supported("iso-8859-2"));
  EXPECT_TRUE(rfc2047_charset_supported("latin1"));
  EXPECT_TRUE(rfc2047_charset_supported("UTF8"));
}

TEST(Rfc2047, LeavesMalformedBase64Undecoded) {
  EXPECT_EQ(decode_rfc2047("=?UTF-8?B?not*base64?="), "=?UTF-8?B?not*base64?=");
}

TEST(Rfc2047, JoinsAdjacentWordsSeparatedOnlyByWhitespace) {
  EXPECT_EQ(decode_rfc2047("=?UTF-8?Q?a?= =?UTF-8?Q?b?="), "ab");
  EXPECT_EQ(decode_rfc2047("=?UTF-8?Q?a?=\r\n =?ISO-8859-1?Q?b?="), "ab");
}

TEST(Rfc2047, KeepsWhitespaceBetweenWordAndPlainText) {
  EXPECT_EQ(decode_rfc2047("The =?utf-8?q?=C3=89ric=2C?= Himself"), "The Éric, Himself");
}

TEST(Rfc2047, JoinsMultibyteCharacterSplitAcrossWords) {
  EXPECT_EQ(decode_rfc2047("=?utf-8?Q?{#D=C3=A8=C3=A9=C2?= =?utf-8?Q?=A3=C3=A5?="), "{#Dèé£å");
  EXPECT_EQ(decode_rfc2047("=?UTF-8?B?w6?= =?UTF-8?B?k=?="),
            "");  // unpadded tails are dropped (as jsmime)
}

TEST(Rfc2047, ReplacesInvalidUtf8) {
  EXPECT_EQ(decode_rfc2047("=?UTF-8?Q?a=FFb?="),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(decode_rfc2047("=?UTF-8?Q?a=C3?="), "a\xEF\xBF\xBD");
}

TEST(Rfc2047, UnderscoreIsSpaceOnlyInQ) {
  EXPECT_EQ(decode_rfc2047("=?UTF-8?Q?a_b?="), "a b");
  EXPECT_EQ(decode_rfc2047("a_b"), "a_b");
}

TEST(Rfc2047, TextWithoutEncodedWordsIsUnchanged) {
  EXPECT_EQ(decode_rfc2047("plain =? text ?= here"), "plain =? text ?= here");
  EXPECT_EQ(decode_rfc2047(""), "");
}

TEST(Rfc2047, ValidUtf8HelperReportsRepairs) {
  std::string out;
  EXPECT_FALSE(append_valid_utf8("ok é", out));
  EXPECT_EQ(out, "ok é");
  out.clear();
  EXPECT_TRUE(append_valid_utf8("\xED\xA0\x80", out));  // a UTF-16 surrogate is not UTF-8
  EXPECT_EQ(out, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

// utf8_unchanged_by_repair (which lets the decoder skip a copy) agrees with the repair itself,
// on every sequence of up to three bytes from the boundaries of the UTF-8 tables, inside ASCII.
TEST(Rfc2047, Utf8CheckAgreesWithTheRepair) {
  constexpr unsigned char kBytes[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF,
                                      0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE,
                                      0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
  std::size_t valid = 0;
  std::size_t checked = 0;
  for (const unsigned char a : kBytes) {
    for (const unsigned char b : kBytes) {
      for (const unsigned char c : kBytes) {
        for (const std::size_t length : {1U, 2U, 3U}) {
          const char bytes[3] = {static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)};
          const std::string text = "ab" + std::string(bytes, length) + "xyz";
          std::string repaired;
          const bool replaced = append_valid_utf8(text, repaired);
          ASSERT_EQ(utf8_unchanged_by_repair(text), !replaced) << testing::PrintToString(text);
          ASSERT_EQ(!replaced, repaired == text);
          valid += replaced ? 0U : 1U;
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(valid, 100U);  // both answers are reached
  EXPECT_GT(checked - valid, 100U);
  EXPECT_TRUE(utf8_unchanged_by_repair("\xF0\x9F\x98\x80 and \xE6\x97\xA5"));
  EXPECT_FALSE(utf8_unchanged_by_repair("\xF0\x9F\x98"));  // cut short
}

}  // namespace
}  // namespace bccshield
