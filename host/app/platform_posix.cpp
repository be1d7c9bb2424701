// The POSIX implementation of platform.hpp (Linux; macOS needs only its own executable_path).
#include <fcntl.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "bccshield/identity.hpp"
#include "platform.hpp"

namespace bccshield::platform {
namespace {

namespace fs = std::filesystem;

std::string system_error() {
  return std::strerror(errno);  // NOLINT(concurrency-mt-unsafe): the host is single-threaded
}

constexpr std::array<std::pair<std::string_view, int>, 12> kFacilities{{{"user", LOG_USER},
                                                                        {"daemon", LOG_DAEMON},
                                                                        {"auth", LOG_AUTH},
                                                                        {"authpriv", LOG_AUTHPRIV},
                                                                        {"local0", LOG_LOCAL0},
                                                                        {"local1", LOG_LOCAL1},
                                                                        {"local2", LOG_LOCAL2},
                                                                        {"local3", LOG_LOCAL3},
                                                                        {"local4", LOG_LOCAL4},
                                                                        {"local5", LOG_LOCAL5},
                                                                        {"local6", LOG_LOCAL6},
                                                                        {"local7", LOG_LOCAL7}}};

}  // namespace

std::vector<std::string> utf8_arguments(int argc, char** argv) {
  return {argv + (argc > 0 ? 1 : 0), argv + argc};
}

void use_binary_stdio() {}

std::size_t read_stdin(char* into, std::size_t count) {
  std::size_t done = 0;
  while (done < count) {
    const ssize_t got = ::read(STDIN_FILENO, into + done, count - done);
    if (got > 0) {
      done += static_cast<std::size_t>(got);
    } else if (got == 0 || errno != EINTR) {
      break;  // end of input, or an error: the caller sees a short read
    }
  }
  return done;
}

void enlarge_stdin_pipe() {
#if defined(F_SETPIPE_SZ)
  constexpr int kPipeBytes = 1024 * 1024;
  (void)::fcntl(STDIN_FILENO, F_SETPIPE_SZ, kPipeBytes);  // EBADF/EPERM: the pipe stays as is
#endif
}

std::optional<std::string> environment(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe): read at start-up
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

std::vector<std::string> environment_names(std::string_view prefix) {
  std::vector<std::string> names;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view variable(*entry);
    const auto equals = variable.find('=');
    if (equals != std::string_view::npos && variable.substr(0, equals).starts_with(prefix)) {
      names.emplace_back(variable.substr(0, equals));
    }
  }
  return names;
}

void unset_environment(const std::string& name) {
  ::unsetenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): start-up, single thread
}

std::optional<fs::path> executable_path() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  return self;
}

void tune_allocator() {
#if defined(__GLIBC__)  // mallopt is glibc's (macOS's allocator has no such knob)
  // Every size below 32 MiB from the heap, and up to 64 MiB of freed heap kept for reuse.
  ::mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  ::mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
#endif
}

void prepare_heap(std::size_t request_bytes) {
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE)
  constexpr std::size_t kHugePage = std::size_t{2} * 1024 * 1024;
  constexpr std::size_t kWorkingSetPerRequestByte = 8;
  // Below tune_allocator's 32 MiB mmap threshold, so the block comes from the heap's top.
  constexpr std::size_t kMostPrepared = std::size_t{16} * 1024 * 1024;
  const std::size_t working_set =
      std::min(request_bytes, kMostPrepared / kWorkingSetPerRequestByte) *
      kWorkingSetPerRequestByte;
  if (working_set < kHugePage) return;
  // Room to skip to the next 2 MiB boundary and hold the working set above it.
  const std::size_t span = working_set + 2 * kHugePage;
  void* block = std::malloc(span);
  if (block == nullptr) return;
  const auto start = reinterpret_cast<std::uintptr_t>(block);
  const std::uintptr_t first = (start + kHugePage - 1) & ~std::uintptr_t{kHugePage - 1};
  const std::uintptr_t last = (start + span) & ~std::uintptr_t{kHugePage - 1};
  // Back into the top chunk, still mapped (M_TRIM_THRESHOLD 64 MiB): the next allocations reuse it.
  std::free(block);
  // Advice only: an error (THP off, an old kernel) leaves ordinary pages.
  if (::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE) != 0) return;
  // The heap below `first` shares a 2 MiB range with pages already touched, so it would take
  // 4 KiB faults: a block that is never touched (nor freed) holds it, and the next allocations
  // start at the boundary. It costs address space, no memory. 64 bytes: two chunk headers.
  static void* skipped = nullptr;
  if (skipped == nullptr && first - start > 64) skipped = std::malloc(first - start - 64);
#else
  (void)request_bytes;
#endif
}

std::tm utc_time(std::time_t when) {
  std::tm parts{};
  gmtime_r(&when, &parts);
  return parts;
}

bool write_file(const fs::path& file, std::string_view text, fs::perms mode, IfExists if_exists,
                std::string& error) {
  const auto raw_mode = static_cast<mode_t>(mode & fs::perms::mask);
  const int flags =
      O_WRONLY | O_CREAT | O_CLOEXEC | (if_exists == IfExists::Replace ? O_TRUNC : O_EXCL);
  const int fd = ::open(file.c_str(), flags, raw_mode);
  if (fd < 0) {
    error = "cannot create " + file.string() + ": " + system_error();
    return false;
  }
  ::fchmod(fd, raw_mode);  // the umask must not loosen or tighten what was asked
  const auto written = ::write(fd, text.data(), text.size());
  const bool ok = written == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    std::error_code ec;
    fs::remove(file, ec);
    error = "cannot write " + file.string();
  }
  return ok;
}

bool append_to_file(const fs::path& file, std::string_view bytes, std::string& error) {
  std::error_code ec;
  if (file.has_parent_path() && !fs::exists(file.parent_path(), ec)) {
    fs::create_directories(file.parent_path(), ec);
    fs::permissions(file.parent_path(), fs::perms::owner_all, ec);
  }
  // O_NOFOLLOW: a link planted in place of the log does not redirect it; fchmod on every open
  // keeps it owner-only even if someone loosened it.
  const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
                        S_IRUSR | S_IWUSR);
  if (fd < 0) {
    error = "cannot open " + file.string() + ": " + system_error();
    return false;
  }
  ::fchmod(fd, S_IRUSR | S_IWUSR);
  const auto written = ::write(fd, bytes.data(), bytes.size());
  ::close(fd);
  if (written != static_cast<ssize_t>(bytes.size())) {
    error = "cannot write " + file.string();
    return false;
  }
  return true;
}

bool replace_file_atomically(const fs::path& file, std::string_view bytes, fs::perms new_mode,
                             std::string& error) {
  auto raw_mode = static_cast<mode_t>(new_mode & fs::perms::mask);
  std::optional<std::pair<uid_t, gid_t>> owner;
  struct stat existing {};
  if (::lstat(file.c_str(), &existing) == 0) {
    if (!S_ISREG(existing.st_mode)) {
      error = file.string() + " is not a regular file (a symbolic link?): refusing to replace it";
      return false;
    }
    raw_mode = existing.st_mode & 0777;  // never set-id bits
    owner = std::make_pair(existing.st_uid, existing.st_gid);
  } else if (errno != ENOENT) {
    error = "cannot read " + file.string() + ": " + system_error();
    return false;
  }
  const fs::path folder = file.has_parent_path() ? file.parent_path() : fs::path(".");
  std::string name = (folder / (file.filename().string() + ".XXXXXX")).string();
  // mkstemp: O_CREAT|O_EXCL with a random name, mode 0600 until fchmod.
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) {
    error = "cannot create a temporary file next to " + file.string() + ": " + system_error();
    return false;
  }
  bool ok = true;
  if (owner && ::geteuid() == 0 && ::fchown(fd, owner->first, owner->second) != 0) ok = false;
  ok = ok && ::fchmod(fd, raw_mode) == 0;
  for (std::size_t done = 0; ok && done < bytes.size();) {
    const auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      ok = false;
    } else {
      done += static_cast<std::size_t>(n);
    }
  }
  ok = ok && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  ok = ok && ::rename(name.c_str(), file.c_str()) == 0;
  if (!ok) {
    error = "cannot replace " + file.string() + ": " + system_error();
    ::unlink(name.c_str());
    return false;
  }
  // The rename itself reaches the disk only with the folder.
  const int folder_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder_fd >= 0) {
    ::fsync(folder_fd);
    ::close(folder_fd);
  }
  return true;
}

std::optional<FolderLock> FolderLock::acquire(const fs::path& folder, std::string& error) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot open the folder " + folder.string() + " to lock it: " + system_error();
    return std::nullopt;
  }
  int result = 0;
  do {
    result = ::flock(fd, LOCK_EX);
  } while (result != 0 && errno == EINTR);
  if (result != 0) {
    error = "cannot lock " + folder.string() + ": " + system_error();
    ::close(fd);
    return std::nullopt;
  }
  return FolderLock(fd);
}

FolderLock::FolderLock(FolderLock&& other) noexcept : handle_(other.handle_) { other.handle_ = -1; }

FolderLock& FolderLock::operator=(FolderLock&& other) noexcept {
  if (this != &other) {
    if (handle_ >= 0) ::close(static_cast<int>(handle_));
    handle_ = other.handle_;
    other.handle_ = -1;
  }
  return *this;
}

FolderLock::~FolderLock() {
  if (handle_ >= 0) ::close(static_cast<int>(handle_));  // closing releases the flock
}

std::optional<fs::path> user_state_folder() {
  if (auto state = environment("XDG_STATE_HOME")) return fs::path(*state) / "bccshield";
  if (auto home = environment("HOME")) return fs::path(*home) / ".local" / "state" / "bccshield";
  return std::nullopt;
}

std::optional<fs::path> user_config_folder() {
  if (auto config = environment("XDG_CONFIG_HOME")) return fs::path(*config) / "bccshield";
  if (auto home = environment("HOME")) return fs::path(*home) / ".config" / "bccshield";
  return std::nullopt;
}

fs::path machine_file(MachineFile which) {
  switch (which) {
    case MachineFile::Policy:
      return system_policy_file;
    case MachineFile::PolicyKey:
      return system_policy_key_file;
    case MachineFile::AuditKey:
      return system_audit_key_file;
    case MachineFile::AuditConfig:
      return system_audit_config_file;
    case MachineFile::HostConfig:
      return system_host_config_file;
    case MachineFile::PolicySerial:
      return system_policy_serial_file;
  }
  return {};
}

std::optional<std::string> machine_policy_value(std::string_view /*name*/) { return std::nullopt; }

bool admin_only(const fs::path& file, std::string& why) {
  std::error_code ec;
  const fs::path target = fs::weakly_canonical(fs::absolute(file, ec), ec);
  if (ec) {
    why = "cannot resolve " + file.string();
    return false;
  }
  // The file itself, then every folder up to /: any of them writable by a user lets that user
  // replace what the host reads.
  for (fs::path step = target;; step = step.parent_path()) {
    struct stat info {};
    if (::lstat(step.c_str(), &info) != 0) {
      why = "cannot read the owner of " + step.string() + ": " + system_error();
      return false;
    }
    if (info.st_uid != 0) {
      why = step.string() + " is not owned by root";
      return false;
    }
    const bool sticky_folder = S_ISDIR(info.st_mode) && (info.st_mode & S_ISVTX) != 0;
    if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0 && !(sticky_folder && step != target)) {
      why = step.string() + " is writable by users other than root";
      return false;
    }
    if (step == step.root_path() || step.parent_path() == step) break;
  }
  return true;
}

bool running_as_admin() { return ::geteuid() == 0; }

bool is_system_host(const fs::path& executable) {
  std::string ignored;
  return admin_only(executable, ignored);
}

bool is_system_manifest(const std::optional<fs::path>& manifest) {
  // Gecko reads ~/.mozilla/native-messaging-hosts before the system folders: a manifest a user
  // can change is a user manifest, wherever it is.
  std::string ignored;
  return manifest && admin_only(*manifest, ignored);
}

std::optional<int> system_log_facility(std::string_view name) {
  for (const auto& [known, facility] : kFacilities) {
    if (name == known) return facility;
  }
  return std::nullopt;
}

int default_system_log_facility() { return LOG_USER; }

void system_log(int facility, std::string_view line) {
  const std::string message(line);
  openlog("bccshield-host", LOG_PID, facility);
  syslog(LOG_INFO, "%s", message.c_str());  // NOLINT(cppcoreguidelines-pro-type-vararg)
  closelog();
}

}  // namespace bccshield::platform
