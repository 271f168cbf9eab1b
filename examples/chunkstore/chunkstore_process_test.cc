// Runs the chunkstore binary as a child process, as perfcell's runner does:
// configuration from flags and environment, SIGTERM, the fault switches, and
// the peak memory of a 1 GiB upload and download.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "examples/chunkstore/test_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "re2/re2.h"
#include "tools/cc/loopback_port.h"

extern char** environ;

namespace {

using ::chunkstore_test::HttpResult;
using ::chunkstore_test::IdFromJson;
using ::chunkstore_test::PatternSha256;
using ::chunkstore_test::TestClient;
using ::testing::HasSubstr;

constexpr char kBinary[] = "examples/chunkstore/chunkstore";
constexpr char kNever[] = "2999-12-31T00:00:00Z";
constexpr int64_t kMiB = 1 << 20;

std::string NewDir() {
  std::string tmpl = absl::StrCat(getenv("TEST_TMPDIR"), "/proc-XXXXXX");
  return mkdtemp(tmpl.data());
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The chunkstore binary running as a child, its stderr in a file.
class Child {
 public:
  // Starts the binary with `args`; `env` entries replace or (with an empty
  // value) remove variables of this process's environment.
  Child(const std::vector<std::string>& args,
        const std::map<std::string, std::string>& env)
      : dir_(NewDir()), log_(dir_ + "/stderr.log") {
    std::vector<std::string> envs;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string name(*e, strcspn(*e, "="));
      if (env.count(name) == 0) envs.push_back(*e);
    }
    for (const auto& [name, value] : env) {
      if (!value.empty()) envs.push_back(absl::StrCat(name, "=", value));
    }
    std::vector<std::string> argv = {kBinary};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_ = fork();
    if (pid_ == 0) {
      rlimit no_core{0, 0};
      setrlimit(RLIMIT_CORE, &no_core);
      int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 2);
      std::vector<char*> cargv, cenv;
      for (auto& a : argv) cargv.push_back(a.data());
      for (auto& e : envs) cenv.push_back(e.data());
      cargv.push_back(nullptr);
      cenv.push_back(nullptr);
      execve(kBinary, cargv.data(), cenv.data());
      _exit(127);
    }
  }

  ~Child() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  // Waits for the "listening on" line; returns the port, or 0 if the
  // process exited first.
  int WaitListening() {
    for (int i = 0; i < 600; ++i) {
      int port = 0;
      if (RE2::PartialMatch(ReadAll(log_), R"(listening on 0\.0\.0\.0:(\d+))",
                            &port)) {
        return port;
      }
      if (waitpid(pid_, &status_, WNOHANG) == pid_) {
        exited_ = true;
        return 0;
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
    return 0;
  }

  // Waits for the process to exit; returns its wait status.
  int Wait() {
    if (!exited_) {
      waitpid(pid_, &status_, 0);
      exited_ = true;
    }
    return status_;
  }

  int Terminate() {
    kill(pid_, SIGTERM);
    return Wait();
  }

  // Peak resident set size in KiB (VmHWM), or -1.
  int64_t PeakRssKib() const {
    std::string status = ReadAll(absl::StrCat("/proc/", pid_, "/status"));
    int64_t kib = -1;
    RE2::PartialMatch(status, R"(VmHWM:\s+(\d+) kB)", &kib);
    return kib;
  }

  std::string Stderr() const { return ReadAll(log_); }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::string log_;
  pid_t pid_ = -1;
  int status_ = 0;
  bool exited_ = false;
};

int64_t CountRows(const std::string& db_path, const char* table) {
  sqlite3* db = nullptr;
  int64_t count = -1;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
      SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    std::string sql = absl::StrCat("SELECT COUNT(*) FROM ", table);
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      count = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return count;
}

int FreePort() { return *perfcell::PickFreeLoopbackPort(); }

TEST(Chunkstore, MissingSecretIsOneClearLineAndExitStatus1) {
  Child child({"--port=0"}, {{"PS_SHARED_SECRET", ""}, {"PORT", ""}});
  int status = child.Wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  std::string err = child.Stderr();
  EXPECT_THAT(err, HasSubstr("PS_SHARED_SECRET"));
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
}

TEST(Chunkstore, TakesPortAndSecretFromTheEnvironmentAndStopsOnSigterm) {
  const int port = FreePort();
  Child child(
      {}, {{"PS_SHARED_SECRET", "envsecret"}, {"PORT", absl::StrCat(port)}});
  ASSERT_EQ(child.WaitListening(), port) << child.Stderr();
  TestClient client(port);
  EXPECT_EQ(client.Request("GET", "/api/health").status, 200);
  EXPECT_EQ(client.Auth("envsecret").status, 200);
  EXPECT_EQ(client.Upload(1000, 1, kNever).status, 200);
  int status = child.Terminate();
  ASSERT_TRUE(WIFEXITED(status)) << child.Stderr();
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_THAT(child.Stderr(), HasSubstr("POST /api/entry?expiration="));
}

TEST(Chunkstore, PeakMemoryStaysSmallFor1GiBUploadAndDownload) {
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer's shadow memory and quarantine are part of the RSS.
  GTEST_SKIP() << "peak RSS means nothing under AddressSanitizer";
#endif
  std::string data = NewDir();
  Child child({"--port=0", "--shared_secret=s", "--data_dir=" + data}, {});
  const int port = child.WaitListening();
  ASSERT_NE(port, 0) << child.Stderr();
  TestClient client(port);
  ASSERT_EQ(client.Auth("s").status, 200);
  constexpr int64_t kSize = 1024 * kMiB;
  HttpResult up = client.Upload(kSize, 42, kNever);
  ASSERT_EQ(up.status, 200) << up.error << up.body;
  HttpResult down = client.Request("GET", "/-" + IdFromJson(up.body));
  EXPECT_EQ(down.status, 200);
  EXPECT_EQ(down.body_size, kSize);
  EXPECT_EQ(down.body_sha256, PatternSha256(42, kSize));
  const int64_t peak_kib = child.PeakRssKib();
  RecordProperty("peak_rss_kib", static_cast<int>(peak_kib));
  EXPECT_GT(peak_kib, 0);
  EXPECT_LT(peak_kib, 64 * 1024) << "VmHWM " << peak_kib << " KiB";
  EXPECT_TRUE(WIFEXITED(child.Terminate()));
}

TEST(Chunkstore, CrashAfterBytesAbortsAndARestartLeavesNoPartialEntry) {
  std::string data = NewDir();
  {
    Child child({"--port=0", "--shared_secret=s", "--data_dir=" + data,
                 absl::StrCat("--crash_after_bytes=", 2 * kMiB)},
                {});
    const int port = child.WaitListening();
    ASSERT_NE(port, 0) << child.Stderr();
    TestClient client(port);
    ASSERT_EQ(client.Auth("s").status, 200);
    HttpResult up = client.Upload(8 * kMiB, 5, kNever);
    // No final answer: the connection drops (libcurl may have seen only the
    // interim "100 Continue").
    EXPECT_NE(up.status, 200);
    EXPECT_FALSE(up.error.empty()) << "expected a dropped connection";
    int status = child.Wait();
    ASSERT_TRUE(WIFSIGNALED(status));
    EXPECT_EQ(WTERMSIG(status), SIGABRT);
    EXPECT_THAT(child.Stderr(), HasSubstr("crash_after_bytes"));
  }
  Child restarted({"--port=0", "--shared_secret=s", "--data_dir=" + data}, {});
  ASSERT_NE(restarted.WaitListening(), 0) << restarted.Stderr();
  EXPECT_EQ(CountRows(data + "/store.db", "entries"), 0);
  EXPECT_EQ(CountRows(data + "/store.db", "entries_data"), 0);
}

TEST(Chunkstore, CalibrationFlagsOutOfRangeAreOneLineAndExitStatus2) {
  const std::pair<std::string, std::string> cases[] = {
      {"--slowdown_percent=-5", "--slowdown_percent"},
      {"--slowdown_percent=1001", "--slowdown_percent"},
      {"--slowdown_percent=nan", "--slowdown_percent"},
      {"--drift_percent_per_minute=inf", "--drift_percent_per_minute"},
      {"--drift_percent_per_minute=2000", "--drift_percent_per_minute"},
      {"--stall_seconds=1", "--stall_every_seconds"},
      {"--stall_every_seconds=1", "--stall_seconds"},
  };
  for (const auto& [flag, named] : cases) {
    Child child(
        {"--port=0", "--shared_secret=s", "--data_dir=" + NewDir(), flag}, {});
    int status = child.Wait();
    ASSERT_TRUE(WIFEXITED(status)) << flag;
    EXPECT_EQ(WEXITSTATUS(status), 2) << flag;
    std::string err = child.Stderr();
    EXPECT_THAT(err, HasSubstr(named)) << flag;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  }
}

TEST(Chunkstore, CalibrationFlagsInRangeStartTheServer) {
  Child child({"--port=0", "--shared_secret=s", "--data_dir=" + NewDir(),
               "--slowdown_percent=50", "--drift_percent_per_minute=1.5",
               "--stall_every_seconds=60", "--stall_seconds=0.5"},
              {});
  const int port = child.WaitListening();
  ASSERT_NE(port, 0) << child.Stderr();
  TestClient client(port);
  EXPECT_EQ(client.Request("GET", "/api/health").status, 200);
}

TEST(Chunkstore, CreatesAMissingDataDir) {
  const std::string data = NewDir() + "/not/there/yet";
  Child child({"--port=0", "--shared_secret=s", "--data_dir=" + data}, {});
  const int port = child.WaitListening();
  ASSERT_NE(port, 0) << child.Stderr();
  TestClient client(port);
  ASSERT_EQ(client.Auth("s").status, 200);
  EXPECT_EQ(client.Upload(1000, 3, kNever).status, 200);
  EXPECT_EQ(CountRows(data + "/store.db", "entries"), 1);
}

TEST(Chunkstore, HoldMemoryKeepsThatMuchResident) {
  Child child({"--port=0", "--shared_secret=s", "--data_dir=" + NewDir(),
               "--hold_memory_mib=48"},
              {});
  ASSERT_NE(child.WaitListening(), 0) << child.Stderr();
  EXPECT_GE(child.PeakRssKib(), 48 * 1024);
}

}  // namespace
