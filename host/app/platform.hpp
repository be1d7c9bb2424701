#pragma once
// Every operating-system call of the host, behind one small interface. platform_posix.cpp
// (Linux, and macOS later) and platform_win32.cpp (Windows: wide-character APIs) implement it;
// no other file of the host includes an OS header or tests _WIN32. Strings are UTF-8 on every
// platform; paths are std::filesystem::path (wide on Windows, so non-ASCII names survive).

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bccshield::platform {

// --- process ---------------------------------------------------------------------------------

// The command line as UTF-8 strings, without the program name (Windows: from GetCommandLineW,
// since argv is in the ANSI code page).
std::vector<std::string> utf8_arguments(int argc, char** argv);

// Frames are bytes: stdin and stdout in binary mode (Windows: _setmode(_O_BINARY), before any
// frame; without it a length holding 0x0A or 0x1A breaks the stream). Nothing on POSIX.
void use_binary_stdio();

// Reads up to `count` bytes of stdin into `into` with the OS's read (no stream buffer between),
// fewer only at the end of input or on an error; retries an interrupted read.
std::size_t read_stdin(char* into, std::size_t count);

// Serve mode, at start: asks for a 1 MiB stdin pipe (Linux fcntl F_SETPIPE_SZ; 64 KiB by
// default), so that Thunderbird's write of a large request completes while the host starts
// instead of waiting for each 64 KiB to be read. The man page (F_GETPIPE_SZ(2const)): an
// unprivileged process may go up to /proc/sys/fs/pipe-max-size (1 MiB by default), EPERM beyond
// or past the user's pipe limits (pipe(7)). Best effort: stdin that is no pipe, or a refusal,
// changes nothing. Nothing elsewhere.
void enlarge_stdin_pipe();

// $name as UTF-8; nullopt when unset or empty (read at start-up, before any thread exists).
std::optional<std::string> environment(const char* name);

// The names of the variables of this process's environment that start with `prefix`.
std::vector<std::string> environment_names(std::string_view prefix);
// Removes $name from this process's environment (start-up only, before any thread exists):
// serve mode drops the overrides host.conf does not allow, so no later reader can see them.
void unset_environment(const std::string& name);

// The running executable's own full path, when the OS says (/proc/self/exe, GetModuleFileNameW).
std::optional<std::filesystem::path> executable_path();

// Called first in main(): lets the allocator keep the memory a process frees for its next
// allocations instead of returning it to the OS at once. glibc: mallopt M_MMAP_THRESHOLD 32 MiB
// and M_TRIM_THRESHOLD 64 MiB (defaults: 128 KiB, adapted as blocks are freed); a check of 10,000
// recipients (450 KB buffers, a 550 KB verdict) otherwise maps, faults in and unmaps the same
// pages again and again: 1,636 minor faults and 12.5 ms of CPU, 1,235 and 8.6 ms with it, for
// ~0.2 MB more peak RSS (perf stat -r 30, `check --eml` of bench/'s 10k message). Nothing on
// Windows (its heap keeps freed blocks already).
void tune_allocator();

// Called once a request's size is known, before its buffers are allocated. Each 4 KiB page a
// process touches first costs a fault (~1.3 us here: the kernel's page allocation and clearing,
// barely cheaper with MADV_POPULATE_WRITE, 1.01 vs 1.11 ms for 800 pages); 800 pages on 2 MiB
// transparent huge pages take 85 us. glibc: for a request whose working set (~8x its bytes: 3.6 MB
// of heap for the bench's 450 KB 10k-pill request) spans at least one huge page, the heap is grown
// to hold it, its 2 MiB-aligned part is madvise(MADV_HUGEPAGE)d and allocations resume at the
// first boundary. Kernel rules (Documentation/admin-guide/mm/transhuge.rst): THP "madvise" mode
// (the default, Debian's) serves such ranges with huge pages, "never" ignores the advice, and
// under defrag "madvise"/"defer+madvise" a fault there may compact memory directly when no free
// huge page exists (torvalds/linux 21440d7eb904): a possible stall on a fragmented machine, the
// price of ~800 fewer faults. Peak RSS grows to whole huge pages (10k pills: 7.7 -> 10.4 MB);
// smaller requests (300 and 3,000 recipients) change nothing. Nothing on Windows.
void prepare_heap(std::size_t request_bytes);

// The broken-down UTC time of `when` (gmtime_r / gmtime_s).
std::tm utc_time(std::time_t when);

// --- files -----------------------------------------------------------------------------------

enum class IfExists { Fail, Replace };

// Writes `text` into `file` created with exactly `mode` (the umask neither loosens nor tightens
// it) and flushed to disk. With IfExists::Fail the file is created exclusively: an existing file,
// or one another process creates at the same moment, is never overwritten. Returns false with
// `error` naming the file; a file left half-written is removed.
bool write_file(const std::filesystem::path& file, std::string_view text,
                std::filesystem::perms mode, IfExists if_exists, std::string& error);

// Appends `bytes` to `file` in one write that concurrent appenders cannot interleave (O_APPEND;
// FILE_APPEND_DATA on Windows). The file is created owner-only and kept so on every open; a
// symbolic link in its place is refused. A missing folder is created owner-only.
bool append_to_file(const std::filesystem::path& file, std::string_view bytes, std::string& error);

// Replaces `file` with `bytes` so that a reader sees the old or the new content, never a mix,
// and a crash leaves one of them: a fresh temporary with an unpredictable name in the same
// folder (mkstemp; never a fixed name an attacker could plant a link at), its mode set on the
// descriptor (fchmod: the mode of the file it replaces when that exists, else `new_mode`; the
// owner and group of the replaced file too when run as admin, fchown), flushed (fsync), renamed
// over `file`, then the folder flushed. A symbolic link or non-regular file at `file` is refused.
// False with `error` naming the file; the temporary is removed on failure.
bool replace_file_atomically(const std::filesystem::path& file, std::string_view bytes,
                             std::filesystem::perms new_mode, std::string& error);

// An exclusive advisory lock on a folder, held until destroyed: every BccShield process that
// locks the same folder waits for the holder (the audit log's appenders and rotation; concurrent
// `policy thunderbird` runs). POSIX: flock(LOCK_EX) on the folder's own descriptor (no file is
// left behind). Windows may lock a file inside the folder instead. Not re-entrant.
class FolderLock {
 public:
  // Blocks until the lock is held; nullopt with `error` when the folder cannot be opened.
  static std::optional<FolderLock> acquire(const std::filesystem::path& folder, std::string& error);
  FolderLock(FolderLock&& other) noexcept;
  FolderLock& operator=(FolderLock&& other) noexcept;
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;
  ~FolderLock();

 private:
  explicit FolderLock(std::intptr_t handle) : handle_(handle) {}
  std::intptr_t handle_ = -1;  // a file descriptor (POSIX) or a HANDLE (Windows)
};

// --- per-user locations ----------------------------------------------------------------------

// The user's BccShield state folder (audit log): $XDG_STATE_HOME/bccshield or
// ~/.local/state/bccshield; %LOCALAPPDATA%\BccShield on Windows. nullopt when the OS gives none.
std::optional<std::filesystem::path> user_state_folder();
// The user's BccShield configuration folder (audit key): $XDG_CONFIG_HOME/bccshield or
// ~/.config/bccshield; %LOCALAPPDATA%\BccShield on Windows.
std::optional<std::filesystem::path> user_config_folder();

// --- machine-wide locations (only an administrator may write them) -----------------------

enum class MachineFile {
  Policy,        // policy.json (its signature: the same path + ".sig")
  PolicyKey,     // policy.pub, the installed Ed25519 public key
  AuditKey,      // audit.key, the organisation's audit pseudonym key (optional)
  AuditConfig,   // audit.conf (syslog / Event Log forwarding)
  HostConfig,    // host.conf: which overrides serve mode honours
  PolicySerial,  // the highest accepted policy serial, written only by an admin step
};
// Linux: /etc/bccshield/... and /var/lib/bccshield/policy-serial (cmake/identity.cmake).
// Windows: the "policy" folder of the install folder (the executable's folder under Program
// Files): never C:\etc (any user may create it) nor %ProgramData% (user-writable without ACLs).
std::filesystem::path machine_file(MachineFile which);

// A value an administrator set for BccShield outside any file: on Windows
// HKLM\SOFTWARE\Policies\BccShield\<name> (a GPO's natural target), its exact bytes
// (REG_SZ as UTF-8, REG_BINARY as is); nullopt when absent, and always on POSIX.
std::optional<std::string> machine_policy_value(std::string_view name);

// True when `file` and every folder above it can be changed only by an administrator: POSIX:
// owned by root and not writable by group or others (a symbolic link is judged by its target's
// folders too); Windows: no write access for non-administrator principals. `why` says otherwise.
bool admin_only(const std::filesystem::path& file, std::string& why);

// True when this process runs with administrator rights (euid 0; an elevated token).
bool running_as_admin();

// --- which host answered ---------------------------------------------------------------------

// True when `executable` is the system-installed host (Linux: the packaged path; Windows: in the
// install folder the MSI registered).
bool is_system_host(const std::filesystem::path& executable);
// True when Thunderbird found the host through the system registration: Linux: `manifest` (the
// path it passed as argv[1]) is in a system native-messaging folder, not ~/.mozilla; Windows: no
// HKCU registration shadows HKLM's.
bool is_system_manifest(const std::optional<std::filesystem::path>& manifest);

// --- system log ------------------------------------------------------------------------------

// The facility a name selects ("user", "local0" ... "local7", "auth", "authpriv", "daemon"),
// nullopt when unknown. Windows has one Application log: every known name maps to it.
std::optional<int> system_log_facility(std::string_view name);
int default_system_log_facility();
// One line to the system log (syslog; the Windows Event Log), best effort.
void system_log(int facility, std::string_view line);

}  // namespace bccshield::platform
