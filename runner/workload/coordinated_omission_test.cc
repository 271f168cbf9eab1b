// Issue 12's "done when" for the open model, against the real chunkstore on
// the host backend: a server that stalls 1 s out of every 10
// (--stall_every_seconds=10 --stall_seconds=1: nothing is answered during
// the last second of every 10 since it started). An arrival-rate client
// charges every request that came due during the stall with its wait, so
// its p99 lands near the stall; a closed-model client with the same number
// of clients has only those clients waiting (its other requests simply are
// not sent meanwhile), so its p99 hides the stall. That difference is what
// a user would notice; nothing here asserts a speed.
#include <sys/stat.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "contract/latency_histogram.h"
#include "gtest/gtest.h"
#include "proto/cell.pb.h"
#include "runner/vm/host_vm.h"
#include "runner/workload/workload.h"

namespace perfcell {
namespace {

std::string g_server;

// A stage long enough to hold the stall at 9..10 s of server time, with
// room for the start-up before it.
constexpr double kStageSeconds = 12;
constexpr uint32_t kClients = 8;
constexpr double kRate = 100;  // requests/s: ~100 come due during the stall

// Nearest-rank percentile `q` of a log-linear histogram (bucket midpoints).
double Percentile(const LatencyHistogram& h, double q) {
  const uint64_t rank =
      std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * h.total())));
  uint64_t seen = 0;
  for (int i = 0; i < h.bucket_index_size(); ++i) {
    seen += h.bucket_count(i);
    if (seen >= rank) {
      return LatencyLayout::Default().MidSeconds(h.bucket_index(i));
    }
  }
  return h.max_seconds();
}

std::string LogTail(const std::string& path) {
  std::ifstream in(path);
  std::stringstream all;
  all << in.rdbuf();
  const std::string text = all.str();
  return text.size() > 3000 ? text.substr(text.size() - 3000) : text;
}

struct Measured {
  LatencyHistogram histogram;
  RequestCounts counts;
};

// Starts a fresh stalling chunkstore and runs one LOAD stage against it.
Measured RunAgainstStallingServer(const std::string& name, bool open) {
  Measured out;
  const std::string dir = absl::StrCat(getenv("TEST_TMPDIR"), "/", name);
  mkdir(dir.c_str(), 0755);
  VmConfig config;
  config.work_dir = dir;
  config.console_log = dir + "/console.log";
  // Room for a thread per connection under RLIMIT_AS (in Bazel's sandbox
  // the host backend cannot make a memory cgroup): at 256 MiB the 17th
  // thread did not fit and chunkstore aborted.
  config.memory_mib = 2048;
  config.boot_timeout = absl::Seconds(30);
  config.host_argv = {g_server, "--data_dir={data_dir}", "--debug_endpoints",
                      "--stall_every_seconds=10", "--stall_seconds=1"};
  config.host_env = {"PS_SHARED_SECRET=s"};
  absl::StatusOr<std::unique_ptr<Vm>> vm = MakeHostVm(config);
  EXPECT_TRUE(vm.ok()) << vm.status();
  if (!vm.ok()) return out;
  absl::Status started = (*vm)->Start();
  EXPECT_TRUE(started.ok()) << started;
  if (!started.ok()) return out;

  WorkloadRun run;
  run.base_url = (*vm)->ServerUrl();
  run.api_profile = "chunkstore";
  run.shared_secret = "s";
  run.branch = name;
  run.request_timeout = absl::Seconds(10);
  Workload& w = run.workload;
  w.set_kind(Workload::LOAD);
  w.set_bytes_per_request(64 * 1024);
  w.set_seed(1);
  w.set_concurrency(kClients);
  LoadStage* stage = w.add_stages();
  stage->set_seconds(kStageSeconds);
  stage->set_concurrency(kClients);
  if (open) w.set_arrival_rate(kRate);
  WorkloadResult result;
  absl::Status ran = RunWorkload(run, &result);
  EXPECT_TRUE((*vm)->Stop(absl::Seconds(10)).ok());
  EXPECT_TRUE(ran.ok()) << ran << "\nserver log ends:\n"
                        << LogTail(config.console_log);
  if (result.histograms.size() != 1 || result.iterations.size() != 1) {
    ADD_FAILURE() << "expected one stage, got " << result.histograms.size();
    return out;
  }
  out.histogram = result.histograms[0];
  out.counts = result.iterations[0].requests();
  return out;
}

#if defined(__SANITIZE_ADDRESS__)
#define SKIP_UNDER_ASAN() \
  GTEST_SKIP() << "an ASan-built server cannot run under RLIMIT_AS"
#else
#define SKIP_UNDER_ASAN() (void)0
#endif

TEST(CoordinatedOmission, OpenModelSeesTheStallClosedModelHidesIt) {
  SKIP_UNDER_ASAN();
  const Measured open = RunAgainstStallingServer("open", /*open=*/true);
  const Measured closed = RunAgainstStallingServer("closed", /*open=*/false);
  ASSERT_GT(open.histogram.total(), 0u);
  ASSERT_GT(closed.histogram.total(), 0u);

  const double open_p50 = Percentile(open.histogram, 0.5);
  const double open_p99 = Percentile(open.histogram, 0.99);
  const double closed_p50 = Percentile(closed.histogram, 0.5);
  const double closed_p99 = Percentile(closed.histogram, 0.99);
  for (const auto* m : {&open, &closed}) {
    std::cout << (m == &open ? "open  " : "closed") << " p90 "
              << Percentile(m->histogram, 0.9) << " p95 "
              << Percentile(m->histogram, 0.95) << " p99.9 "
              << Percentile(m->histogram, 0.999) << "\n";
  }
  std::cout << "open model, " << kRate << "/s, up to " << kClients
            << " clients: " << open.histogram.total() << " requests ("
            << open.counts.late() << " late, " << open.counts.dropped()
            << " dropped), p50 " << open_p50 << " s, p99 " << open_p99
            << " s, max " << open.histogram.max_seconds() << " s\n"
            << "closed model, " << kClients
            << " clients: " << closed.histogram.total() << " requests, p50 "
            << closed_p50 << " s, p99 " << closed_p99 << " s, max "
            << closed.histogram.max_seconds() << " s\n";
  RecordProperty("open_p99_ms", static_cast<int>(open_p99 * 1000));
  RecordProperty("closed_p99_ms", static_cast<int>(closed_p99 * 1000));

  // The stall is in both runs: someone waited about a second each time.
  EXPECT_GE(open.histogram.max_seconds(), 0.5);
  EXPECT_GE(closed.histogram.max_seconds(), 0.5);
  // Only the open model lets it show in the p99: ~100 of ~1200 requests
  // came due during the stall and waited for it to end.
  EXPECT_GE(open_p99, 0.3);
  EXPECT_LE(open_p99, 2.0);
  EXPECT_GT(open.counts.late(), 0u);  // they queued behind busy clients
  EXPECT_EQ(open.counts.dropped(), 0u);
  // On a quiet machine the closed model's p99 is a tenth of the open one's
  // (0.11 against 0.93 s); a busy machine adds its own hiccups to both.
  EXPECT_LT(closed_p99, 0.8 * open_p99);
}

}  // namespace
}  // namespace perfcell

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  perfcell::g_server = argc > 1 ? argv[1] : "";
  return RUN_ALL_TESTS();
}
