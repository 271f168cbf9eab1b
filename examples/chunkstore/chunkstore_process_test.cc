// Runs the chunkstore binary as a child process, as perfcell's runner does:
// configuration from flags and environment, SIGTERM, the fault switches, and
// the peak memory of a 1 GiB upload and download.
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "examples/chunkstore/chunkstore_child.h"
#include "examples/chunkstore/test_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cc/loopback_port.h"

namespace {

using ::chunkstore_test::Child;
using ::chunkstore_test::CountRows;
using ::chunkstore_test::HttpResult;
using ::chunkstore_test::IdFromJson;
using ::chunkstore_test::NewDir;
using ::chunkstore_test::PatternSha256;
using ::chunkstore_test::TestClient;
using ::testing::HasSubstr;

constexpr char kNever[] = "2999-12-31T00:00:00Z";
constexpr int64_t kMiB = 1 << 20;

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

TEST(Chunkstore, FailPercentFailsThatShareOfDownloadsEvenly) {
  Child child({"--port=0", "--shared_secret=s", "--data_dir=" + NewDir(),
               "--fail_percent=25"},
              {});
  const int port = child.WaitListening();
  ASSERT_NE(port, 0) << child.Stderr();
  TestClient client(port);
  ASSERT_EQ(client.Auth("s").status, 200);
  HttpResult up = client.Upload(1000, 1, kNever);
  ASSERT_EQ(up.status, 200);
  const std::string id = IdFromJson(up.body);
  std::string statuses;
  for (int i = 0; i < 8; ++i) {
    absl::StrAppend(&statuses, client.Request("GET", "/-" + id).status, " ");
  }
  // The 4th and the 8th: a quarter, spread out.
  EXPECT_EQ(statuses, "200 200 200 500 200 200 200 500 ");
  // Nothing else fails.
  EXPECT_EQ(client.Request("GET", "/api/health").status, 200);
  EXPECT_EQ(client.Upload(1000, 2, kNever).status, 200);
}

TEST(Chunkstore, FailPercentOutOfRangeIsOneLineAndExitStatus2) {
  for (const std::string flag :
       {"--fail_percent=100", "--fail_percent=-1", "--fail_percent=nan"}) {
    Child child(
        {"--port=0", "--shared_secret=s", "--data_dir=" + NewDir(), flag}, {});
    int status = child.Wait();
    ASSERT_TRUE(WIFEXITED(status)) << flag;
    EXPECT_EQ(WEXITSTATUS(status), 2) << flag;
    EXPECT_THAT(child.Stderr(), HasSubstr("--fail_percent")) << flag;
  }
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
