// Regression replay: every saved crash/regression input and the whole seed corpus through
// every fuzz target's entry function. Built with any compiler (no libFuzzer needed), run by
// CTest (label fuzz), also under the asan preset. An input that breaks aborts the run; the
// line printed before it names the file.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bccshield/address_list.hpp"
#include "fuzz_targets.hpp"

namespace {

namespace fs = std::filesystem;

std::string current;  // "target < file", for the crash handlers below

extern "C" void report_current_input() {
  std::fprintf(stderr, "bccshield_fuzz_replay: failed on %s\n", current.c_str());
}

extern "C" void on_fatal_signal(int signal_number) {
  report_current_input();
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

std::vector<fs::path> collect(const std::vector<fs::path>& roots) {
  std::vector<fs::path> files;
  for (const fs::path& root : roots) {
    if (fs::is_regular_file(root)) {
      files.push_back(root);
      continue;
    }
    if (!fs::is_directory(root)) continue;
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
         ++it) {
      const std::string name = it->path().filename().string();
      // regressions/open/: reproducers of bugs not fixed yet; run them by naming the directory.
      if (it->is_directory() && name == "open") {
        it.disable_recursion_pending();
      } else if (it->is_regular_file() && name != "README.md" && name != "NOTICE") {
        files.push_back(it->path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

#if defined(__SANITIZE_ADDRESS__)
#define BCCSHIELD_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BCCSHIELD_SANITIZED 1
#endif
#endif
#ifdef BCCSHIELD_SANITIZED
extern "C" void __sanitizer_set_death_callback(void (*callback)());
#endif

int main(int argc, char** argv) {
#ifdef BCCSHIELD_SANITIZED
  __sanitizer_set_death_callback(report_current_input);
#endif
  for (int signal_number : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT})
    std::signal(signal_number, on_fatal_signal);
  std::vector<fs::path> roots;
  bool verbose = false;
  bool dump = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "-v") {
      verbose = true;
    } else if (arg == "--dump-addresses") {
      dump = true;
    } else {
      roots.emplace_back(arg);
    }
  }
  if (roots.empty()) {
    std::fprintf(stderr,
                 "usage: bccshield_fuzz_replay [-v] [--dump-addresses] <file or directory>...\n");
    return 2;
  }
  const std::vector<fs::path> files = collect(roots);
  if (files.empty()) {
    std::fprintf(stderr, "no input found\n");
    return 2;
  }
  std::size_t runs = 0;
  for (const fs::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (dump) {  // for jsmime_differential.py: one JSON line per file, what the parser found
      const bccshield::ParsedAddressList parsed = bccshield::parse_address_list(bytes);
      nlohmann::json line = {{"file", file.string()},
                             {"problems", parsed.problems.size()},
                             {"mailboxes", nlohmann::json::array()}};
      for (const bccshield::Mailbox& mailbox : parsed.mailboxes()) {
        line["mailboxes"].push_back({{"local", mailbox.local_part}, {"domain", mailbox.domain}});
      }
      std::printf("%s\n",
                  line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
      continue;
    }
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    for (const auto& target : bccshield::fuzz::all_targets()) {
      current = std::string(target.name) + " < " + file.string();
      bccshield::fuzz::set_current_input(current.c_str());
      if (verbose) std::fprintf(stderr, "%s\n", current.c_str());
      target.run(data, bytes.size());
      ++runs;
    }
  }
  if (dump) return 0;
  std::printf("replayed %zu inputs through %zu targets (%zu runs), all passed\n", files.size(),
              bccshield::fuzz::all_targets().size(), runs);
  return 0;
}
