// host/app/platform.hpp, with expectations that hold on every OS (the same test runs on Linux
// and, through scripts/test-windows.sh, on Windows under Wine).
#include "platform.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "test_os.hpp"

namespace bccshield {
namespace {

namespace fs = std::filesystem;

TEST(Platform, EnvironmentIsUtf8AndEmptyIsUnset) {
  // Windows: GetEnvironmentVariableW, then UTF-8 (getenv would give the ANSI code page).
  test_os::set_environment("BCCSHIELD_TEST_UTF8", "Été Ωμέγα");
  EXPECT_EQ(platform::environment("BCCSHIELD_TEST_UTF8"), "Été Ωμέγα");
  test_os::set_environment("BCCSHIELD_TEST_UTF8", "");
  EXPECT_FALSE(platform::environment("BCCSHIELD_TEST_UTF8").has_value());
  test_os::unset_environment("BCCSHIELD_TEST_UTF8");
  EXPECT_FALSE(platform::environment("BCCSHIELD_TEST_UTF8").has_value());
}

TEST(Platform, AppendsWholeLinesToAnOwnerOnlyFileInANewFolder) {
  const fs::path dir = test_os::make_temp_folder("bccshield-platform");
  ASSERT_FALSE(dir.empty());
  const fs::path file = dir / u8"état" / "audit.jsonl";
  std::string error;
  ASSERT_TRUE(platform::append_to_file(file, "one\n", error)) << error;
  ASSERT_TRUE(platform::append_to_file(file, "two\n", error)) << error;
  std::ifstream in(file, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "one\ntwo\n");
  in.close();
  EXPECT_EQ(test_os::access_of(file),
            test_os::access_for(fs::perms::owner_read | fs::perms::owner_write, dir));
  // A folder in the log's place is refused, not written through.
  EXPECT_FALSE(platform::append_to_file(dir / u8"état", "x\n", error));
  EXPECT_NE(error, "");
  fs::remove_all(dir);
}

TEST(Platform, UtcTime) {
  const std::tm parts = platform::utc_time(365 * 86400 + 3600 + 61);  // 1971-01-01T01:01:01Z
  EXPECT_EQ(parts.tm_year, 71);
  EXPECT_EQ(parts.tm_yday, 0);
  EXPECT_EQ(parts.tm_hour, 1);
  EXPECT_EQ(parts.tm_min, 1);
  EXPECT_EQ(parts.tm_sec, 1);
}

TEST(Platform, MachineFilesHaveTheSameNamesEverywhere) {
  using platform::MachineFile;
  EXPECT_EQ(platform::machine_file(MachineFile::Policy).filename(), "policy.json");
  EXPECT_EQ(platform::machine_file(MachineFile::PolicyKey).filename(), "policy.pub");
  EXPECT_EQ(platform::machine_file(MachineFile::AuditKey).filename(), "audit.key");
  EXPECT_EQ(platform::machine_file(MachineFile::AuditConfig).filename(), "audit.conf");
  EXPECT_EQ(platform::machine_file(MachineFile::HostConfig).filename(), "host.conf");
  EXPECT_EQ(platform::machine_file(MachineFile::PolicySerial).filename(), "policy-serial");
  EXPECT_TRUE(platform::machine_file(MachineFile::Policy).is_absolute());
}

TEST(Platform, AMissingFileIsNotAdminOnly) {
  const fs::path dir = test_os::make_temp_folder("bccshield-admin");
  ASSERT_FALSE(dir.empty());
  std::string why;
  EXPECT_FALSE(platform::admin_only(dir / "missing.json", why));
  EXPECT_NE(why.find("missing.json"), std::string::npos) << why;
  fs::remove_all(dir);
}

TEST(Platform, MachinePolicyValuesAreTheExactBytesAnAdministratorStored) {
  // Bytes that any text conversion would change: NUL, CR LF, 0x1A, a byte that is not UTF-8.
  const std::string bytes("{\"a\":1}\r\n\0\x1a\xff", 12);
  if (!test_os::set_machine_policy_value("BccShieldTestBinary", bytes, false)) {
    // No such store on this OS (POSIX): never a value.
    EXPECT_FALSE(platform::machine_policy_value("BccShieldTestBinary").has_value());
    return;
  }
  EXPECT_EQ(platform::machine_policy_value("BccShieldTestBinary"), bytes);
  ASSERT_TRUE(test_os::set_machine_policy_value("BccShieldTestText", "Été Ω", true));
  EXPECT_EQ(platform::machine_policy_value("BccShieldTestText"), "Été Ω");
  test_os::remove_machine_policy_value("BccShieldTestBinary");
  test_os::remove_machine_policy_value("BccShieldTestText");
  EXPECT_FALSE(platform::machine_policy_value("BccShieldTestBinary").has_value());
}

}  // namespace
}  // namespace bccshield
