// The real binary as Thunderbird uses it: start, one framed check for 300 recipients, reply, exit.
#include <benchmark/benchmark.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

extern char** environ;  // NOLINT: POSIX

namespace {

std::string framed_check(int recipients) {
  nlohmann::json request = {{"type", "check"}, {"id", 1}};
  request["draft"] = {{"from", "Accueil <accueil@tourisme-vallee.fr>"},
                      {"to", nlohmann::json::array()}};
  for (int i = 0; i < recipients; ++i) {
    request["draft"]["to"].push_back("Visiteur " + std::to_string(i) + " <visiteur" +
                                     std::to_string(i) + "@gmail.com>");
  }
  const std::string body = request.dump();
  const auto length = static_cast<std::uint32_t>(body.size());
  std::string bytes(4, '\0');
  std::memcpy(bytes.data(), &length, 4);
  return bytes + body;
}

void BM_HostProcessCheck(benchmark::State& state) {
  const std::string input = framed_check(static_cast<int>(state.range(0)));
  long peak_kib = 0;
  for (auto _ : state) {
    int to_child[2];
    int from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) state.SkipWithError("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
    posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
    posix_spawn_file_actions_addclose(&actions, to_child[1]);
    posix_spawn_file_actions_addclose(&actions, from_child[0]);
    char arg0[] = BCCSHIELD_HOST_BINARY;
    char arg1[] = "/tmp/org.bccshield.host.json";
    char arg2[] = "bccshield@bccshield.org";
    char* argv[] = {arg0, arg1, arg2, nullptr};
    char env0[] = "BCCSHIELD_AUDIT_LOG=/dev/null";
    char env1[] = "HOME=/nonexistent";
    char* envp[] = {env0, env1, nullptr};
    pid_t pid = 0;
    posix_spawn(&pid, BCCSHIELD_HOST_BINARY, &actions, nullptr, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    close(to_child[0]);
    close(from_child[1]);
    (void)!write(to_child[1], input.data(), input.size());
    close(to_child[1]);  // like sendNativeMessage: EOF after the message
    char buffer[65536];
    std::size_t received = 0;
    for (ssize_t n; (n = read(from_child[0], buffer, sizeof buffer)) > 0;)
      received += static_cast<std::size_t>(n);
    close(from_child[0]);
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    peak_kib = std::max(peak_kib, usage.ru_maxrss);
    if (received < 100 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
      state.SkipWithError("host failed");
  }
  state.counters["peak_rss_KiB"] = static_cast<double>(peak_kib);
}
BENCHMARK(BM_HostProcessCheck)->Arg(300)->Arg(3000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
