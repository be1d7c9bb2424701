// host/app's utility layer: the one whole-file reader, the exclusive writer, the env helper, the
// key-file reader and print_error's address filter.
#include "file_util.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "key_file.hpp"
#include "print_error.hpp"
#include "test_os.hpp"

namespace bccshield {
namespace {

namespace fs = std::filesystem;

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_os::make_temp_folder("bccshield-file-util");
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return dir_ / name;
  }
  fs::path dir_;
};

using FileUtil = TempDir;

TEST_F(FileUtil, ReadsAWholeFileUpToItsLimit) {
  const fs::path file = write("a.txt", std::string(70000, 'x'));
  const FileContent content = read_file(file, 70000);
  EXPECT_EQ(content.status, FileStatus::Ok);
  EXPECT_EQ(content.text.size(), 70000U);
  const FileContent too_large = read_file(file, 69999);
  EXPECT_EQ(too_large.status, FileStatus::TooLarge);
  EXPECT_TRUE(too_large.text.empty());
  EXPECT_NE(too_large.error.find(file.string()), std::string::npos) << too_large.error;
}

TEST_F(FileUtil, TellsMissingFromUnreadable) {
  EXPECT_EQ(read_file(dir_ / "none", 10).status, FileStatus::Missing);
  EXPECT_EQ(read_file(dir_, 10).status, FileStatus::Unreadable);  // a folder
}

TEST_F(FileUtil, ExclusiveWriteNeverOverwritesAndSetsTheModeExactly) {
  const fs::path file = dir_ / "key";
  std::string error;
  const unsigned old_umask = test_os::set_umask(077);
  ASSERT_TRUE(write_file(file, "one",
                         fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read,
                         IfExists::Fail, error))
      << error;
  test_os::set_umask(old_umask);
  EXPECT_EQ(test_os::access_of(file),
            test_os::access_for(
                fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read, dir_));
  EXPECT_FALSE(write_file(file, "two", fs::perms::owner_read, IfExists::Fail, error));
  EXPECT_NE(error.find(file.string()), std::string::npos) << error;
  EXPECT_EQ(read_file(file, 10).text, "one");
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
  ASSERT_TRUE(write_file(file, "two", fs::perms::owner_read | fs::perms::owner_write,
                         IfExists::Replace, error));
  EXPECT_EQ(read_file(file, 10).text, "two");
}

TEST(FileUtilEnv, EmptyIsUnset) {
  test_os::set_environment("BCCSHIELD_TEST_PATH", "");
  EXPECT_FALSE(env_path("BCCSHIELD_TEST_PATH").has_value());
  test_os::set_environment("BCCSHIELD_TEST_PATH", "/x/y");
  EXPECT_EQ(env_path("BCCSHIELD_TEST_PATH"), fs::path("/x/y"));
  test_os::unset_environment("BCCSHIELD_TEST_PATH");
  EXPECT_FALSE(env_path("BCCSHIELD_TEST_PATH").has_value());
}

using KeyFile = TempDir;

TEST_F(KeyFile, OneBase64LineOfExactlyTheKeySizeAfterComments) {
  std::array<unsigned char, 4> bytes = {1, 2, 3, 4};
  const std::string text = key_file_text("# a comment\n", bytes);
  EXPECT_EQ(text, "# a comment\nAQIDBA==\n");
  std::array<unsigned char, 4> decoded{};
  EXPECT_TRUE(decode_key_text(text, decoded));
  EXPECT_EQ(decoded, bytes);
  std::array<unsigned char, 5> wrong_size{};
  EXPECT_FALSE(decode_key_text(text, wrong_size));
  EXPECT_FALSE(decode_key_text("# only comments\n", decoded));
  EXPECT_TRUE(decode_key_text("AQIDBA== \r\n", decoded));  // trailing blanks, CRLF

  EXPECT_EQ(read_key_file(write("k", text), decoded), KeyFileStatus::Ok);
  EXPECT_EQ(read_key_file(write("bad", "not base64!\n"), decoded), KeyFileStatus::Invalid);
  EXPECT_EQ(read_key_file(write("big", std::string(max_key_file_bytes + 1, '#')), decoded),
            KeyFileStatus::Invalid);
  EXPECT_EQ(read_key_file(dir_ / "none", decoded), KeyFileStatus::Missing);
}

TEST(PrintError, WithholdsAddressesButNotTheExtensionId) {
  EXPECT_EQ(withhold_addresses("unknown command 'alice@example.org' (see --help)"),
            "unknown command '(address withheld)' (see --help)");
  EXPECT_EQ(withhold_addresses("To: Bob <bob@x.example>, carol@y.example"),
            "To: Bob <(address withheld)>, (address withheld)");
  EXPECT_EQ(withhold_addresses("policies.ExtensionSettings[\"bccshield@bccshield.org\"]"),
            "policies.ExtensionSettings[\"bccshield@bccshield.org\"]");
  EXPECT_EQ(withhold_addresses("a lone @ sign, and @start or end@"),
            "a lone @ sign, and @start or end@");
  EXPECT_EQ(withhold_addresses("no address here"), "no address here");
}

}  // namespace
}  // namespace bccshield
