#pragma once
// The highest policy serial an administrator installed (platform::MachineFile::PolicySerial):
// a policy with a lower serial is an old policy put back (rollback), refused by serve mode.
// Only `bccshield-host policy install`, run as an administrator, writes it; never a user's HOME.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace bccshield {

struct RecordedSerial {
  std::optional<std::int64_t> serial;  // nullopt: none recorded (or the record is untrusted)
  std::string problem;                 // why a record present was ignored (names the file)
};

// Reads the record; one a non-administrator could have changed is ignored (with `problem`).
RecordedSerial read_recorded_serial(const std::filesystem::path& file);

// Writes `serial` as the record (the folder is created root-only-writable when missing).
bool record_serial(const std::filesystem::path& file, std::int64_t serial, std::string& error);

}  // namespace bccshield
