#include "policy_serial.hpp"

#include <charconv>

#include "file_util.hpp"
#include "platform.hpp"

namespace bccshield {

namespace fs = std::filesystem;

RecordedSerial read_recorded_serial(const fs::path& file) {
  RecordedSerial recorded;
  const FileContent content = read_file(file, 64);
  if (content.status == FileStatus::Missing) return recorded;
  if (content.status != FileStatus::Ok) {
    recorded.problem = content.error + " (no rollback protection)";
    return recorded;
  }
  if (std::string why; !platform::admin_only(file, why)) {
    recorded.problem = "the policy serial record is ignored: " + why;
    return recorded;
  }
  std::string_view text = content.text;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 1) {
    recorded.problem = utf8_of(file) + " is not a policy serial (ignored)";
    return recorded;
  }
  recorded.serial = value;
  return recorded;
}

bool record_serial(const fs::path& file, std::int64_t serial, std::string& error) {
  std::error_code ec;
  if (file.has_parent_path() && !fs::exists(file.parent_path(), ec)) {
    fs::create_directories(file.parent_path(), ec);
    if (ec) {
      error = "cannot create " + utf8_of(file.parent_path()) + ": " + ec.message();
      return false;
    }
    fs::permissions(file.parent_path(),
                    fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                        fs::perms::others_read | fs::perms::others_exec,
                    ec);
  }
  const auto mode = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                    fs::perms::others_read;
  // Never a plain truncating write: a link planted at the record would make root overwrite its
  // target.
  return platform::replace_file_atomically(file, std::to_string(serial) + "\n", mode, error);
}

}  // namespace bccshield
