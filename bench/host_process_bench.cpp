// The real binary as the user waits for it: start, one request, reply, exit. Against GMime 3's
// parse-only process on the same 10,000-address header, in the same run (bench/run.py prints
// the ratios).
#include <benchmark/benchmark.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "header_generator.hpp"

extern char** environ;  // NOLINT: POSIX

namespace {

std::string framed(const nlohmann::json& request) {
  const std::string body = request.dump();
  const auto length = static_cast<std::uint32_t>(body.size());
  std::string bytes(4, '\0');
  std::memcpy(bytes.data(), &length, 4);
  return bytes + body;
}

nlohmann::json check_request(const std::vector<std::string>& to) {
  nlohmann::json request = {{"protocolVersion", 2}, {"type", "check"}, {"id", 1}};
  request["draft"] = {{"from", "Accueil <accueil@tourisme-vallee.fr>"}, {"to", to}};
  return request;
}

std::string framed_check(int recipients) {
  std::vector<std::string> to;
  for (int i = 0; i < recipients; ++i) {
    to.push_back("Visiteur " + std::to_string(i) + " <visiteur" + std::to_string(i) +
                 "@gmail.com>");
  }
  return framed(check_request(to));
}

// The generated header as Thunderbird hands it over: one string per recipient (pill).
std::vector<std::string> header_pills(const std::string& header) {
  std::vector<std::string> pills;
  std::size_t start = 0;
  for (std::size_t at; (at = header.find(",\r\n ", start)) != std::string::npos; start = at + 4)
    pills.push_back(header.substr(start, at - start));
  pills.push_back(header.substr(start));
  return pills;
}

const std::string& header_10k() {
  static const std::string header = bccshield::bench::make_to_header(10000);
  return header;
}

std::string write_file(const std::string& name, const std::string& content) {
  const std::string path = "/tmp/bccshield-bench-" + std::to_string(::getpid()) + "-" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

// The host's user as Thunderbird starts it: a home of its own (not the machine's, not one shared
// between runs of the bench) where serve mode writes its audit line after the reply, as it does
// for every user (serve mode ignores BCCSHIELD_AUDIT_LOG and the like: host.conf). The audit key
// is made by an untimed first run, as it is at a user's first send; rotated logs are removed
// between runs, so every run appends to a log of at most 16 MiB, as a user's is.
class BenchHome {
 public:
  BenchHome()
      : root_(std::filesystem::temp_directory_path() /
              ("bccshield-bench-home-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(root_);
    std::filesystem::create_directories(root_);
    home_variable_ = "HOME=" + root_.string();
  }
  BenchHome(const BenchHome&) = delete;
  BenchHome& operator=(const BenchHome&) = delete;
  ~BenchHome() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  char* home_variable() { return home_variable_.data(); }
  [[nodiscard]] std::filesystem::path audit_folder() const {
    return root_ / ".local" / "state" / "bccshield";
  }
  // Keeps audit.jsonl (the log a user has), drops what rotation set aside.
  void remove_rotated_logs() const {
    std::error_code ec;
    for (std::filesystem::directory_iterator it(audit_folder(), ec), end; !ec && it != end;
         it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.starts_with("audit-")) std::filesystem::remove(it->path(), ec);
    }
  }

 private:
  std::filesystem::path root_;
  std::string home_variable_;
};

BenchHome& bench_home() {
  static BenchHome home;
  return home;
}

struct Run {
  double reply_seconds = 0;  // spawn to the first complete frame (framed) or to exit
  std::size_t received = 0;
  int status = 0;
  long peak_kib = 0;
  double cpu_ms = 0;  // the child's user + system time: comparable on a loaded machine
};

// Spawns argv with `input` on stdin (then EOF, like sendNativeMessage) and drains stdout.
// `framed`: the reply is the first complete native-messaging frame, which is when Thunderbird
// has its answer (the host may still write its audit line before it exits).
Run run_process(std::vector<std::string> args, const std::string& input, bool framed) {
  const auto started = std::chrono::steady_clock::now();
  int to_child[2];
  int from_child[2];
  Run run;
  if (pipe(to_child) != 0 || pipe(from_child) != 0) return run;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
  posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
  posix_spawn_file_actions_addclose(&actions, to_child[1]);
  posix_spawn_file_actions_addclose(&actions, from_child[0]);
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  char* envp[] = {bench_home().home_variable(), nullptr};
  pid_t pid = 0;
  posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp);
  posix_spawn_file_actions_destroy(&actions);
  close(to_child[0]);
  close(from_child[1]);
  (void)!write(to_child[1], input.data(), input.size());
  close(to_child[1]);
  char buffer[65536];
  std::uint32_t frame_length = 0;
  bool replied = false;
  for (ssize_t n; (n = read(from_child[0], buffer, sizeof buffer)) > 0;) {
    if (framed && run.received < 4) {
      std::memcpy(&frame_length, buffer, std::min<std::size_t>(4, static_cast<std::size_t>(n)));
    }
    run.received += static_cast<std::size_t>(n);
    if (framed && !replied && run.received >= 4 + static_cast<std::size_t>(frame_length)) {
      run.reply_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      replied = true;
    }
  }
  close(from_child[0]);
  rusage usage{};
  wait4(pid, &run.status, 0, &usage);
  if (!replied)
    run.reply_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  run.peak_kib = usage.ru_maxrss;
  run.cpu_ms = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
               static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
  return run;
}

void measure(benchmark::State& state, const std::vector<std::string>& args,
             const std::string& input, int expected_exit, bool framed) {
  run_process(args, input, framed);  // untimed: the audit key exists, as after a first send
  long peak_kib = 0;
  std::size_t received = 0;
  double cpu_ms = 0;
  for (auto _ : state) {
    const Run run = run_process(args, input, framed);
    state.SetIterationTime(run.reply_seconds);
    peak_kib = std::max(peak_kib, run.peak_kib);
    cpu_ms += run.cpu_ms;
    received = run.received;
    if (received < 2 || !WIFEXITED(run.status) || WEXITSTATUS(run.status) != expected_exit)
      state.SkipWithError("the process failed");
    // Serve mode appends its audit line after the reply (the child's CPU time includes it).
    std::error_code ec;
    if (framed && !std::filesystem::exists(bench_home().audit_folder() / "audit.jsonl", ec))
      state.SkipWithError("the host wrote no audit line");
    bench_home().remove_rotated_logs();  // outside the manual time
  }
  state.counters["peak_rss_KiB"] = static_cast<double>(peak_kib);
  state.counters["output_bytes"] = static_cast<double>(received);
  state.counters["child_cpu_ms"] = benchmark::Counter(cpu_ms, benchmark::Counter::kAvgIterations);
}

const std::vector<std::string> kServe = {BCCSHIELD_HOST_BINARY, "/tmp/org.bccshield.host.json",
                                         "bccshield@bccshield.org"};

void BM_HostProcessCheck(benchmark::State& state) {
  measure(state, kServe, framed_check(static_cast<int>(state.range(0))), 0, true);
}
BENCHMARK(BM_HostProcessCheck)->Arg(300)->Arg(3000)->Unit(benchmark::kMillisecond)->UseManualTime();

// What the user waits for on Send: 10,000 recipients as pills, the framed check and reply.
void BM_HostProcessHeader10k(benchmark::State& state) {
  measure(state, kServe, framed(check_request(header_pills(header_10k()))), 0, true);
}
BENCHMARK(BM_HostProcessHeader10k)->Unit(benchmark::kMillisecond)->UseManualTime();

// The admin CLI on the same header in one message file, printing a complete readable verdict.
void BM_HostCheckEml10k(benchmark::State& state) {
  static const std::string eml =
      write_file("10k.eml", "From: Accueil <accueil@tourisme-vallee.fr>\r\nTo: " + header_10k() +
                                "\r\nSubject: Newsletter\r\n\r\nBonjour\r\n");
  measure(state, {BCCSHIELD_HOST_BINARY, "check", "--eml", eml}, "", 1, false);
}
BENCHMARK(BM_HostCheckEml10k)->Unit(benchmark::kMillisecond)->UseManualTime();

#ifdef BCCSHIELD_GMIME_COUNT
// The yardstick: GMime 3 parses the same header and prints a count.
void BM_GMimeProcess10k(benchmark::State& state) {
  static const std::string file = write_file("10k.txt", header_10k());
  measure(state, {BCCSHIELD_GMIME_COUNT, file}, "", 0, false);
}
BENCHMARK(BM_GMimeProcess10k)->Unit(benchmark::kMillisecond)->UseManualTime();
#endif

}  // namespace
