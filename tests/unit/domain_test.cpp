#include "bccshield/domain.hpp"

#include <gtest/gtest.h>

#include "bccshield/consumer_domains.hpp"

namespace bccshield {
namespace {

TEST(Domain, LowerCasesAndDropsTrailingDot) {
  EXPECT_EQ(normalize_domain("Mail.ACME.Example."), "mail.acme.example");
}

TEST(Domain, ConvertsUnicodeToALabels) {
  EXPECT_EQ(normalize_domain("Bücher.Example"), "xn--bcher-kva.example");
  EXPECT_EQ(normalize_domain("ÉCOLE.fr"), "xn--cole-9oa.fr");
}

TEST(Domain, UnicodeAndALabelSpellingsCompareEqual) {
  EXPECT_EQ(normalize_domain("bücher.example"), normalize_domain("XN--BCHER-KVA.example"));
}

TEST(Domain, RefusesEmptyAndInvalidNames) {
  EXPECT_FALSE(normalize_domain("").has_value());
  EXPECT_FALSE(normalize_domain(".").has_value());
  EXPECT_FALSE(normalize_domain("a..b").has_value());
}

TEST(Domain, KeepsDomainLiteralsAsWritten) {
  EXPECT_EQ(normalize_domain("[192.0.2.1]"), "[192.0.2.1]");
}

TEST(Domain, RegistrableDomainFollowsThePublicSuffixList) {
  EXPECT_EQ(registrable_domain("mail.acme.co.uk"), "acme.co.uk");
  EXPECT_EQ(registrable_domain("acme.co.uk"), "acme.co.uk");
  EXPECT_EQ(registrable_domain("a.b.mairie-paris.fr"), "mairie-paris.fr");
  EXPECT_EQ(registrable_domain("co.uk"), "co.uk");  // a public suffix stays itself
}

TEST(Domain, SubdomainMatchesOnLabelBoundaryOnly) {
  EXPECT_TRUE(is_same_or_subdomain("corp.example", "corp.example"));
  EXPECT_TRUE(is_same_or_subdomain("paris.corp.example", "corp.example"));
  EXPECT_FALSE(is_same_or_subdomain("evilcorp.example", "corp.example"));
  EXPECT_FALSE(is_same_or_subdomain("example", "corp.example"));
}

TEST(ConsumerDomains, KnowsTheBigProvidersIncludingFrenchOnes) {
  for (const char* domain :
       {"gmail.com", "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "laposte.net", "hotmail.fr",
        "yahoo.fr", "gmx.de", "web.de", "icloud.com"}) {
    EXPECT_TRUE(is_builtin_consumer_domain(domain)) << domain;
  }
  EXPECT_FALSE(is_builtin_consumer_domain("acme.example"));
  EXPECT_TRUE(is_builtin_consumer_domain("mail.orange.fr"));
  EXPECT_GE(builtin_consumer_domains().size(), 250U);
}

TEST(ConsumerDomains, BuiltInListIsNormalised) {
  for (std::string_view domain : builtin_consumer_domains()) {
    EXPECT_EQ(normalize_domain(domain), std::string(domain));
  }
}

}  // namespace
}  // namespace bccshield
