// The host backend with the real chunkstore server: it starts, is reachable,
// reports metrics, honours the memory limit, and stops.
#include "runner/vm/host_vm.h"

#include <curl/curl.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "re2/re2.h"

namespace perfcell {
namespace {

std::string g_server;

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

long HttpStatus(const std::string& url) {
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  }
  curl_easy_cleanup(curl);
  return status;
}

VmConfig Config(const std::string& name, uint32_t memory_mib,
                std::vector<std::string> extra) {
  std::string dir = absl::StrCat(getenv("TEST_TMPDIR"), "/", name);
  mkdir(dir.c_str(), 0755);
  VmConfig config;
  config.work_dir = dir;
  config.console_log = dir + "/console.log";
  config.memory_mib = memory_mib;
  config.boot_timeout = absl::Seconds(60);
  config.host_argv = {g_server, "--data_dir={data_dir}", "--debug_endpoints"};
  for (std::string& e : extra) config.host_argv.push_back(std::move(e));
  config.host_env = {"PS_SHARED_SECRET=s"};
  return config;
}

// Where no memory cgroup can be made (here: Bazel's sandbox), the host
// backend limits the server with RLIMIT_AS, under which a server built with
// AddressSanitizer (tools/asan_tests.sh) cannot even start: its shadow memory
// alone is terabytes of address space.
#if defined(__SANITIZE_ADDRESS__)
#define SKIP_UNDER_ASAN() \
  GTEST_SKIP() << "an ASan-built server cannot run under RLIMIT_AS"
#else
#define SKIP_UNDER_ASAN() (void)0
#endif

TEST(HostVm, RunsTheServerAndReportsMetrics) {
  SKIP_UNDER_ASAN();
  auto vm = MakeHostVm(Config("plain", 256, {}));
  ASSERT_TRUE(vm.ok()) << vm.status();
  ASSERT_TRUE((*vm)->Start().ok());
  EXPECT_EQ(HttpStatus((*vm)->ServerUrl() + "/api/health"), 200);
  absl::StatusOr<GuestMetrics> m = (*vm)->Metrics();
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->mem_total_bytes(), 256u << 20);
  EXPECT_GT(m->server_rss_bytes(), 0u);
  EXPECT_GE(m->server_rss_peak_bytes(), m->server_rss_bytes());
  EXPECT_GT(m->data_disk_used_bytes(), 0u);  // the SQLite file
  EXPECT_EQ(m->tmp_leftover_files(), 0u);
  EXPECT_TRUE((*vm)->Health().ok());
  EXPECT_EQ((*vm)->Info().accelerator, "none");
  EXPECT_TRUE((*vm)->Stop(absl::Seconds(20)).ok());
}

// The pids in the server's "listening on ..., pid N" lines, in order.
std::vector<int> ServerPids(const std::string& console_log) {
  std::ifstream in(console_log);
  std::string line;
  std::vector<int> pids;
  int pid = 0;
  while (std::getline(in, line)) {
    if (RE2::PartialMatch(line, R"(chunkstore: listening on .*, pid (\d+))",
                          &pid)) {
      pids.push_back(pid);
    }
  }
  return pids;
}

TEST(HostVm, RestartRunsANewServerProcessOnTheSameDataAndCpus) {
  SKIP_UNDER_ASAN();
  VmConfig config = Config("restart", 256, {});
  config.cpus = {0};
  auto vm = MakeHostVm(config);
  ASSERT_TRUE(vm.ok()) << vm.status();
  ASSERT_TRUE((*vm)->Start().ok());
  const std::string db = config.work_dir + "/data/store.db";
  struct stat before;
  ASSERT_EQ(stat(db.c_str(), &before), 0);

  ASSERT_TRUE((*vm)->RestartServer().ok());
  // Answers at once: RestartServer returned once the port accepted.
  EXPECT_EQ(HttpStatus((*vm)->ServerUrl() + "/api/health"), 200);
  EXPECT_TRUE((*vm)->Health().ok());
  std::vector<int> pids = ServerPids(config.console_log);
  ASSERT_EQ(pids.size(), 2u);
  EXPECT_NE(pids[0], pids[1]);
  EXPECT_NE(kill(pids[0], 0), 0);  // the first one is gone
  // The old one stopped cleanly, on SIGTERM.
  std::ifstream log(config.console_log);
  std::string text((std::istreambuf_iterator<char>(log)),
                   std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("chunkstore: stopped"), std::string::npos) << text;
  // Its data stays (the same database file), and so does its CPU.
  struct stat after;
  ASSERT_EQ(stat(db.c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino);
  cpu_set_t cpus;
  ASSERT_EQ(sched_getaffinity(pids[1], sizeof(cpus), &cpus), 0);
  EXPECT_EQ(CPU_COUNT(&cpus), 1);
  EXPECT_TRUE(CPU_ISSET(0, &cpus));
  absl::StatusOr<GuestMetrics> m = (*vm)->Metrics();
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_GT(m->server_rss_bytes(), 0u);
  EXPECT_TRUE((*vm)->Stop(absl::Seconds(20)).ok());
}

TEST(HostVm, ServerArgvIsWhatTheServerProcessReceived) {
  SKIP_UNDER_ASAN();
  VmConfig config = Config("argv", 256, {});
  auto vm = MakeHostVm(config);
  ASSERT_TRUE(vm.ok()) << vm.status();
  EXPECT_TRUE(absl::IsFailedPrecondition((*vm)->ServerArgv().status()));
  ASSERT_TRUE((*vm)->Start().ok());
  absl::StatusOr<std::vector<std::string>> argv = (*vm)->ServerArgv();
  ASSERT_TRUE(argv.ok()) << argv.status();
  // The program made absolute (the server runs in its data directory),
  // placeholders filled in, as the server got them.
  ASSERT_EQ(argv->size(), 3u);
  EXPECT_EQ((*argv)[0].front(), '/');
  EXPECT_TRUE(absl::EndsWith((*argv)[0], g_server)) << (*argv)[0];
  EXPECT_EQ((*argv)[1], "--data_dir=" + config.work_dir + "/data");
  EXPECT_EQ((*argv)[2], "--debug_endpoints");
  // The kernel agrees: the process's own command line, NUL after each.
  std::vector<int> pids = ServerPids(config.console_log);
  ASSERT_EQ(pids.size(), 1u);
  std::ifstream in(absl::StrCat("/proc/", pids[0], "/cmdline"));
  std::string cmdline((std::istreambuf_iterator<char>(in)),
                      std::istreambuf_iterator<char>());
  std::vector<std::string> seen = absl::StrSplit(cmdline, '\0');
  ASSERT_FALSE(seen.empty());
  seen.pop_back();  // "" after the last NUL
  EXPECT_EQ(seen, *argv);
  EXPECT_TRUE((*vm)->Stop(absl::Seconds(20)).ok());
}

TEST(HostVm, RestartOfAServerThatEndedIsRefused) {
  SKIP_UNDER_ASAN();
  VmConfig config = Config("restart_dead", 256, {});
  auto vm = MakeHostVm(config);
  ASSERT_TRUE(vm.ok()) << vm.status();
  ASSERT_TRUE((*vm)->Start().ok());
  std::vector<int> pids = ServerPids(config.console_log);
  ASSERT_EQ(pids.size(), 1u);
  ASSERT_EQ(kill(pids[0], SIGKILL), 0);
  while ((*vm)->Health().ok()) absl::SleepFor(absl::Milliseconds(10));
  absl::Status s = (*vm)->RestartServer();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_NE(s.message().find("killed by SIGKILL before the restart"),
            std::string::npos)
      << s;
  EXPECT_EQ(ServerPids(config.console_log).size(), 1u);
}

TEST(HostVm, AServerThatDiesBeforeListeningIsReported) {
  SKIP_UNDER_ASAN();
  VmConfig config = Config("nosecret", 256, {});
  config.host_env.clear();  // no PS_SHARED_SECRET: chunkstore refuses to start
  auto vm = MakeHostVm(config);
  ASSERT_TRUE(vm.ok());
  absl::Status s = (*vm)->Start();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("exited with code 1"), std::string::npos) << s;
}

TEST(HostVm, TheMemoryLimitStopsAServerThatHoldsTooMuch) {
  SKIP_UNDER_ASAN();
  auto vm = MakeHostVm(Config("hog", 128, {"--hold_memory_mib=700"}));
  ASSERT_TRUE(vm.ok());
  absl::Status s = (*vm)->Start();
  if (s.ok()) s = (*vm)->Health();
  ASSERT_FALSE(s.ok()) << "a server holding 700 MiB ran under a 128 MiB limit";
  EXPECT_TRUE(s.message().find("OOM") != std::string::npos ||
              s.message().find("killed by SIGKILL") != std::string::npos ||
              s.message().find("exited") != std::string::npos)
      << s;
}

}  // namespace
}  // namespace perfcell

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  perfcell::g_server = argc > 1 ? argv[1] : "";
  return RUN_ALL_TESTS();
}
