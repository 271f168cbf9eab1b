#include "runner/workload/workload.h"

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "contract/latency_histogram.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runner/workload/testing/fake_picoshare.h"

namespace perfcell {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr uint64_t kBytes = 256 * 1024;

WorkloadRun MakeRun(const FakePicoShare& fake, Workload::Kind kind,
                    uint32_t iterations, uint32_t warmup = 0) {
  CellSpec spec;
  spec.set_api_profile("chunkstore");
  spec.mutable_timeouts()->set_request_seconds(30);
  Workload* w = spec.mutable_workload();
  w->set_kind(kind);
  w->set_bytes_per_request(kBytes);
  w->set_iterations(iterations);
  w->set_warmup_iterations(warmup);
  w->set_seed(42);
  return WorkloadRunFromSpec(spec, fake.url(), "s3cret", "baseline");
}

std::unique_ptr<FakePicoShare> StartFake(FakePicoShareOptions options = {}) {
  return *FakePicoShare::Start(std::move(options));
}

std::set<std::string> UploadedHashes(const FakePicoShare& fake) {
  std::set<std::string> hashes;
  for (const FakePicoShare::Upload& u : fake.uploads()) {
    hashes.insert(u.file_sha256);
  }
  return hashes;
}

TEST(RunWorkload, UploadsEachIterationOntoAnEmptyServer) {
  auto fake = StartFake();
  WorkloadRun run = MakeRun(*fake, Workload::UPLOAD, 4, /*warmup=*/1);
  std::vector<Iteration> reported;
  run.on_iteration = [&](const Iteration& it) { reported.push_back(it); };
  WorkloadResult result;

  ASSERT_TRUE(RunWorkload(run, &result).ok());

  ASSERT_THAT(result.iterations, SizeIs(5));
  ASSERT_THAT(reported, SizeIs(5));
  ASSERT_THAT(fake->uploads(), SizeIs(5));
  EXPECT_EQ(fake->clears(), 5);  // one reset after every iteration
  for (const FakePicoShare::Upload& upload : fake->uploads()) {
    EXPECT_EQ(upload.entries_before, 0u);
    EXPECT_EQ(upload.file_bytes, kBytes);
  }
  for (size_t i = 0; i < result.iterations.size(); ++i) {
    const Iteration& it = result.iterations[i];
    EXPECT_EQ(it.index(), i);
    EXPECT_TRUE(it.ok()) << it.error();
    EXPECT_EQ(it.error(), "");
    EXPECT_EQ(it.branch(), "baseline");
    EXPECT_EQ(it.http_status(), 200);
    EXPECT_EQ(it.bytes(), kBytes);
    EXPECT_GT(it.seconds(), 0);
    EXPECT_GT(it.start_unix_nanos(), 0);
    EXPECT_DOUBLE_EQ(it.server_seconds(), 0.0125);
    EXPECT_FALSE(it.has_metrics());
    EXPECT_EQ(reported[i].index(), i);
  }
}

TEST(RunWorkload, WarmupIterationsComeFirstAndAreFlagged) {
  auto fake = StartFake();
  WorkloadResult result;
  ASSERT_TRUE(
      RunWorkload(MakeRun(*fake, Workload::UPLOAD, 2, /*warmup=*/2), &result)
          .ok());
  ASSERT_THAT(result.iterations, SizeIs(4));
  EXPECT_TRUE(result.iterations[0].warmup());
  EXPECT_TRUE(result.iterations[1].warmup());
  EXPECT_FALSE(result.iterations[2].warmup());
  EXPECT_FALSE(result.iterations[3].warmup());
}

TEST(RunWorkload, SameSeedSendsSameBytesEveryRunAnotherSeedDoesNot) {
  auto fake = StartFake();
  WorkloadRun run = MakeRun(*fake, Workload::UPLOAD, 3);
  WorkloadResult first, second, other;
  ASSERT_TRUE(RunWorkload(run, &first).ok());
  ASSERT_TRUE(RunWorkload(run, &second).ok());
  ASSERT_THAT(fake->uploads(), SizeIs(6));
  EXPECT_THAT(UploadedHashes(*fake), SizeIs(1));

  run.workload.set_seed(43);
  ASSERT_TRUE(RunWorkload(run, &other).ok());
  EXPECT_THAT(UploadedHashes(*fake), SizeIs(2));
}

TEST(RunWorkload, PicoshareProfileDeletesWhatEachIterationMade) {
  FakePicoShareOptions options;
  options.debug_clear_route = false;  // like a PicoShare release
  auto fake = StartFake(options);
  WorkloadRun run = MakeRun(*fake, Workload::UPLOAD, 3);
  run.api_profile = "picoshare";
  WorkloadResult result;
  ASSERT_TRUE(RunWorkload(run, &result).ok());
  EXPECT_EQ(fake->deletes(), 3);
  EXPECT_EQ(fake->clears(), 0);
  EXPECT_EQ(fake->entries(), 0u);
  for (const FakePicoShare::Upload& upload : fake->uploads()) {
    EXPECT_EQ(upload.entries_before, 0u);
  }
}

TEST(RunWorkload, ChunkstoreProfileOnAReleaseServerFailsSayingWhy) {
  FakePicoShareOptions options;
  options.debug_clear_route = false;
  auto fake = StartFake(options);
  WorkloadResult result;
  absl::Status status =
      RunWorkload(MakeRun(*fake, Workload::UPLOAD, 3), &result);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("iteration 0 (upload) failed"));
  EXPECT_THAT(status.message(), HasSubstr("no debug clear route"));
  ASSERT_THAT(result.iterations, SizeIs(1));
  EXPECT_FALSE(result.iterations[0].ok());
}

TEST(RunWorkload, LoginRefusedIsAClearErrorBeforeAnyIteration) {
  auto fake = StartFake();
  WorkloadRun run = MakeRun(*fake, Workload::UPLOAD, 3);
  run.shared_secret = "wrong";
  WorkloadResult result;
  absl::Status status = RunWorkload(run, &result);
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(status.message(), HasSubstr("login refused"));
  EXPECT_THAT(result.iterations, SizeIs(0));
  EXPECT_THAT(fake->uploads(), SizeIs(0));
}

TEST(RunWorkload, UnknownProfileIsAClearError) {
  auto fake = StartFake();
  WorkloadRun run = MakeRun(*fake, Workload::UPLOAD, 3);
  run.api_profile = "minio";
  WorkloadResult result;
  absl::Status status = RunWorkload(run, &result);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("unknown API profile \"minio\""));
  EXPECT_THAT(result.iterations, SizeIs(0));
}

TEST(RunWorkload, ServerThatAltersBytesFailsTheFirstUpload) {
  FakePicoShareOptions options;
  options.flip_download_byte = true;
  auto fake = StartFake(options);
  WorkloadResult result;
  absl::Status status =
      RunWorkload(MakeRun(*fake, Workload::UPLOAD, 3), &result);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(),
              HasSubstr("iteration 0 (upload) failed: the server altered the "
                        "upload: sha256 sent "));
  ASSERT_THAT(result.iterations, SizeIs(1));
  EXPECT_FALSE(result.iterations[0].ok());
  EXPECT_THAT(result.iterations[0].error(), HasSubstr("read back"));
}

TEST(RunWorkload, DownloadsOneUploadRepeatedly) {
  auto fake = StartFake();
  WorkloadResult result;
  ASSERT_TRUE(
      RunWorkload(MakeRun(*fake, Workload::DOWNLOAD, 3, /*warmup=*/1), &result)
          .ok());
  EXPECT_THAT(fake->uploads(), SizeIs(1));
  EXPECT_EQ(fake->downloads(), 4);
  EXPECT_EQ(fake->entries(), 0u);  // reset at the end
  ASSERT_THAT(result.iterations, SizeIs(4));
  for (const Iteration& it : result.iterations) {
    EXPECT_TRUE(it.ok()) << it.error();
    EXPECT_EQ(it.bytes(), kBytes);
    EXPECT_EQ(it.http_status(), 200);
    EXPECT_EQ(it.warmup(), it.index() == 0);
  }
}

TEST(RunWorkload, ColdDownloadsRestartTheServerAndDropTheCacheBeforeEach) {
  auto fake = StartFake();
  WorkloadRun run = MakeRun(*fake, Workload::DOWNLOAD_COLD, 3, /*warmup=*/1);
  // The order of events: each restart, then a drop, right before a download.
  std::vector<std::string> events;
  std::vector<int64_t> restart_ends;  // wall clock, as start_unix_nanos
  run.restart_server = [&] {
    events.push_back(absl::StrCat("restart after ", fake->downloads()));
    absl::SleepFor(absl::Milliseconds(50));
    restart_ends.push_back(absl::ToUnixNanos(absl::Now()));
    return absl::OkStatus();
  };
  run.drop_caches = [&] {
    events.push_back(absl::StrCat("drop after ", fake->downloads()));
    return absl::OkStatus();
  };
  run.on_iteration = [&](const Iteration& it) {
    events.push_back(absl::StrCat("iteration ", it.index()));
  };
  WorkloadResult result;
  ASSERT_TRUE(RunWorkload(run, &result).ok());
  EXPECT_THAT(events, ::testing::ElementsAre(
                          "restart after 0", "drop after 0", "iteration 0",
                          "restart after 1", "drop after 1", "iteration 1",
                          "restart after 2", "drop after 2", "iteration 2",
                          "restart after 3", "drop after 3", "iteration 3"));
  EXPECT_THAT(fake->uploads(), SizeIs(1));
  EXPECT_EQ(fake->downloads(), 4);
  EXPECT_EQ(fake->entries(), 0u);
  ASSERT_THAT(result.iterations, SizeIs(4));
  ASSERT_THAT(restart_ends, SizeIs(4));
  for (size_t i = 0; i < result.iterations.size(); ++i) {
    const Iteration& it = result.iterations[i];
    EXPECT_TRUE(it.ok()) << it.error();
    EXPECT_EQ(it.bytes(), kBytes);
    EXPECT_TRUE(it.caches_dropped());
    EXPECT_TRUE(it.server_restarted());
    EXPECT_GE(it.restart_seconds(), 0.05);
    // The timed request starts after the restart has ended: its time is not
    // in `seconds`.
    EXPECT_GE(it.start_unix_nanos(), restart_ends[i]);
  }
}

TEST(RunWorkload, ColdDownloadsFromAnInMemoryServerOnlyDropTheCache) {
  auto fake = StartFake();
  WorkloadRun run = MakeRun(*fake, Workload::DOWNLOAD_COLD, 2);
  run.api_profile = "in-memory";  // a restart would lose the file
  int restarts = 0, drops = 0;
  run.restart_server = [&] {
    ++restarts;
    return absl::OkStatus();
  };
  run.drop_caches = [&] {
    ++drops;
    return absl::OkStatus();
  };
  WorkloadResult result;
  ASSERT_TRUE(RunWorkload(run, &result).ok());
  EXPECT_EQ(restarts, 0);
  EXPECT_EQ(drops, 2);
  ASSERT_THAT(result.iterations, SizeIs(2));
  for (const Iteration& it : result.iterations) {
    EXPECT_TRUE(it.caches_dropped());
    EXPECT_FALSE(it.server_restarted());
    EXPECT_EQ(it.restart_seconds(), 0);
  }
}

TEST(RunWorkload, WarmDownloadsNeitherRestartNorDrop) {
  auto fake = StartFake();
  WorkloadRun run = MakeRun(*fake, Workload::DOWNLOAD, 2);
  int calls = 0;
  run.restart_server = run.drop_caches = [&] {
    ++calls;
    return absl::OkStatus();
  };
  WorkloadResult result;
  ASSERT_TRUE(RunWorkload(run, &result).ok());
  EXPECT_EQ(calls, 0);
  ASSERT_THAT(result.iterations, SizeIs(2));
  EXPECT_FALSE(result.iterations[0].caches_dropped());
  EXPECT_FALSE(result.iterations[0].server_restarted());
}

TEST(RunWorkload, ColdDownloadsNeedAWayToDropTheCache) {
  auto fake = StartFake();
  WorkloadResult result;
  absl::Status status =
      RunWorkload(MakeRun(*fake, Workload::DOWNLOAD_COLD, 2), &result);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("drop the server's page cache"));
  EXPECT_THAT(fake->uploads(), SizeIs(0));
}

TEST(RunWorkload, ColdDownloadsOfAPersistentServerNeedAWayToRestartIt) {
  auto fake = StartFake();
  WorkloadRun run = MakeRun(*fake, Workload::DOWNLOAD_COLD, 2);
  run.drop_caches = [] { return absl::OkStatus(); };
  WorkloadResult result;
  absl::Status status = RunWorkload(run, &result);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(),
              HasSubstr("with the chunkstore profile restarts the server"));
  EXPECT_THAT(fake->uploads(), SizeIs(0));
}

TEST(RunWorkload, FailedCacheDropStopsTheColdRunSayingWhy) {
  auto fake = StartFake();
  WorkloadRun run = MakeRun(*fake, Workload::DOWNLOAD_COLD, 3);
  run.restart_server = [] { return absl::OkStatus(); };
  int drops = 0;
  run.drop_caches = [&] {
    return ++drops == 2 ? absl::UnavailableError("guest gone")
                        : absl::OkStatus();
  };
  WorkloadResult result;
  absl::Status status = RunWorkload(run, &result);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(status.message(),
              HasSubstr("iteration 1 (cold download): guest gone"));
  EXPECT_THAT(result.iterations, SizeIs(1));
  EXPECT_EQ(fake->downloads(), 1);
}

TEST(RunWorkload, FailedRestartStopsTheColdRunSayingWhy) {
  auto fake = StartFake();
  WorkloadRun run = MakeRun(*fake, Workload::DOWNLOAD_COLD, 3);
  int restarts = 0;
  run.restart_server = [&] {
    return ++restarts == 3 ? absl::DeadlineExceededError(
                                 "the server did not listen within 60s")
                           : absl::OkStatus();
  };
  run.drop_caches = [] { return absl::OkStatus(); };
  WorkloadResult result;
  absl::Status status = RunWorkload(run, &result);
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(status.message(),
              HasSubstr("iteration 2 (cold download): restarting the server: "
                        "the server did not listen within 60s"));
  EXPECT_THAT(result.iterations, SizeIs(2));
}

TEST(RunWorkload, DownloadOfAlteredBytesFailsTheFirstDownload) {
  FakePicoShareOptions options;
  options.flip_download_byte = true;
  auto fake = StartFake(options);
  WorkloadResult result;
  absl::Status status =
      RunWorkload(MakeRun(*fake, Workload::DOWNLOAD, 3), &result);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("iteration 0 (download) failed"));
  EXPECT_THAT(status.message(), HasSubstr("altered the download"));
  EXPECT_THAT(result.iterations, SizeIs(1));
}

TEST(RunWorkload, Http500StopsTheRunKeepingEarlierIterations) {
  FakePicoShareOptions options;
  options.fail_upload = 3;
  auto fake = StartFake(options);
  WorkloadRun run = MakeRun(*fake, Workload::UPLOAD, 5);
  int reported = 0;
  run.on_iteration = [&](const Iteration&) { ++reported; };
  WorkloadResult result;
  absl::Status status = RunWorkload(run, &result);

  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(status.message(),
              HasSubstr("iteration 2 (upload) failed: POST /api/entry "
                        "answered HTTP 500: \"internal error: disk on fire\""));
  ASSERT_THAT(result.iterations, SizeIs(3));
  EXPECT_EQ(reported, 3);
  EXPECT_TRUE(result.iterations[0].ok());
  EXPECT_TRUE(result.iterations[1].ok());
  EXPECT_FALSE(result.iterations[2].ok());
  EXPECT_EQ(result.iterations[2].http_status(), 500);
  EXPECT_THAT(result.iterations[2].error(), HasSubstr("HTTP 500"));
  EXPECT_THAT(fake->uploads(), SizeIs(2));  // nothing after the failure
}

TEST(RunWorkload, StalledUploadIsReportedAsATimeout) {
  FakePicoShareOptions options;
  options.stall_upload = 2;
  auto fake = StartFake(options);
  WorkloadRun run = MakeRun(*fake, Workload::UPLOAD, 3);
  run.request_timeout = absl::Milliseconds(500);
  WorkloadResult result;
  absl::Status status = RunWorkload(run, &result);

  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(status.message(), HasSubstr("iteration 1 (upload) failed"));
  EXPECT_THAT(status.message(), HasSubstr("timed out after 500ms"));
  ASSERT_THAT(result.iterations, SizeIs(2));
  EXPECT_TRUE(result.iterations[0].ok());
  EXPECT_FALSE(result.iterations[1].ok());
  EXPECT_EQ(result.iterations[1].http_status(), 0);
  EXPECT_THAT(result.iterations[1].error(), HasSubstr("timed out"));
}

TEST(RunWorkload, ConnectionClosedMidUploadFailsTheIteration) {
  FakePicoShareOptions options;
  options.close_mid_upload = 1;
  auto fake = StartFake(options);
  WorkloadRun run = MakeRun(*fake, Workload::UPLOAD, 3);
  run.workload.set_bytes_per_request(8 << 20);  // more than socket buffers
  WorkloadResult result;
  absl::Status status = RunWorkload(run, &result);

  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_THAT(status.message(), HasSubstr("iteration 0 (upload) failed"));
  ASSERT_THAT(result.iterations, SizeIs(1));
  EXPECT_FALSE(result.iterations[0].ok());
  EXPECT_THAT(fake->uploads(), SizeIs(0));
}

TEST(RunWorkload, RecordsGuestMetricsAfterEachIteration) {
  auto fake = StartFake();
  WorkloadRun run = MakeRun(*fake, Workload::UPLOAD, 2);
  int calls = 0;
  run.guest_metrics = [&]() -> absl::StatusOr<GuestMetrics> {
    GuestMetrics m;
    m.set_mem_available_bytes(1000 + ++calls);
    m.set_tmp_leftover_files(fake->entries());  // before the reset
    return m;
  };
  WorkloadResult result;
  ASSERT_TRUE(RunWorkload(run, &result).ok());
  ASSERT_THAT(result.iterations, SizeIs(2));
  EXPECT_EQ(result.iterations[0].metrics().mem_available_bytes(), 1001u);
  EXPECT_EQ(result.iterations[1].metrics().mem_available_bytes(), 1002u);
  EXPECT_EQ(result.iterations[1].metrics().tmp_leftover_files(), 1u);
}

TEST(RunWorkload, MetricsNotFoundLeavesThemUnset) {
  auto fake = StartFake();
  WorkloadRun run = MakeRun(*fake, Workload::UPLOAD, 1);
  run.guest_metrics = []() -> absl::StatusOr<GuestMetrics> {
    return absl::NotFoundError("host backend has no metrics");
  };
  WorkloadResult result;
  ASSERT_TRUE(RunWorkload(run, &result).ok());
  EXPECT_FALSE(result.iterations[0].has_metrics());
}

// LOAD: short stages of small downloads. Nothing asserts on time; the counts
// the fake keeps pin down what ran.
constexpr uint64_t kLoadBytes = 64 * 1024;

WorkloadRun MakeLoadRun(const FakePicoShare& fake,
                        std::vector<std::pair<double, uint32_t>> stages,
                        uint32_t warmup = 0) {
  WorkloadRun run = MakeRun(fake, Workload::LOAD, /*iterations=*/0, warmup);
  run.workload.set_bytes_per_request(kLoadBytes);
  for (const auto& [seconds, clients] : stages) {
    LoadStage* stage = run.workload.add_stages();
    stage->set_seconds(seconds);
    stage->set_concurrency(clients);
  }
  run.request_timeout = absl::Seconds(10);  // only ever reached on failure
  return run;
}

uint64_t SumCounts(const LatencyHistogram& h) {
  uint64_t sum = h.overflow();
  for (uint64_t c : h.bucket_count()) sum += c;
  return sum;
}

TEST(RunWorkload, LoadRunsEachStageInOrderWithAnIterationAndAHistogram) {
  auto fake = StartFake();
  WorkloadRun run = MakeLoadRun(*fake, {{0.3, 1}, {0.3, 3}}, /*warmup=*/1);
  std::vector<Iteration> reported;
  run.on_iteration = [&](const Iteration& it) { reported.push_back(it); };
  int metrics_calls = 0;
  run.guest_metrics = [&]() -> absl::StatusOr<GuestMetrics> {
    GuestMetrics m;
    m.set_mem_available_bytes(++metrics_calls);
    return m;
  };
  WorkloadResult result;

  absl::Status status = RunWorkload(run, &result);
  ASSERT_TRUE(status.ok()) << status;

  ASSERT_THAT(result.iterations, SizeIs(2));
  ASSERT_THAT(reported, SizeIs(2));
  ASSERT_THAT(result.histograms, SizeIs(2));
  EXPECT_THAT(fake->uploads(), SizeIs(1));  // one file, uploaded once
  EXPECT_EQ(fake->uploads()[0].file_bytes, kLoadBytes);
  EXPECT_EQ(fake->entries(), 0u);  // reset at the end
  EXPECT_EQ(result.histograms[0].name(), "stage 0: 1 client");
  EXPECT_EQ(result.histograms[1].name(), "stage 1: 3 clients");

  uint64_t requests = 0;
  for (size_t i = 0; i < 2; ++i) {
    const Iteration& it = result.iterations[i];
    const LatencyHistogram& h = result.histograms[i];
    EXPECT_EQ(it.index(), i);
    EXPECT_EQ(reported[i].index(), i);
    EXPECT_EQ(it.warmup(), i == 0);
    EXPECT_TRUE(it.ok()) << it.error();
    EXPECT_EQ(it.branch(), "baseline");
    EXPECT_EQ(it.http_status(), 200);
    EXPECT_GT(it.start_unix_nanos(), 0);
    EXPECT_GE(it.seconds(), 0.3);  // a stage lasts at least its length
    EXPECT_EQ(it.metrics().mem_available_bytes(), i + 1);
    EXPECT_GE(h.total(), i == 0 ? 1u : 3u);  // at least one per client
    EXPECT_EQ(SumCounts(h), h.total());
    EXPECT_EQ(h.upper_bound_seconds_size(), h.counts_size());
    EXPECT_GT(h.sum_seconds(), 0);
    EXPECT_EQ(it.bytes(), h.total() * kLoadBytes);
    requests += h.total();
  }
  EXPECT_GE(result.iterations[1].start_unix_nanos(),
            result.iterations[0].start_unix_nanos());
  // Every request the histograms count reached the fake and succeeded; the
  // one more is the untimed read-back of the upload.
  EXPECT_EQ(static_cast<uint64_t>(fake->downloads()), requests + 1);
  EXPECT_EQ(fake->download_attempts(), fake->downloads());
}

TEST(RunWorkload, LoadClientsReallyRunAtTheSameTime) {
  // The fake holds every stage download until 4 are in flight at once: a
  // client that ran them one at a time would time out instead.
  FakePicoShareOptions options;
  options.rendezvous = 4;
  options.rendezvous_from = 2;  // after the untimed read-back
  auto fake = StartFake(options);
  WorkloadResult result;
  absl::Status status = RunWorkload(MakeLoadRun(*fake, {{0.3, 4}}), &result);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_GE(fake->max_concurrent_downloads(), 4);
  ASSERT_THAT(result.histograms, SizeIs(1));
  EXPECT_GE(result.histograms[0].total(), 4u);
}

TEST(RunWorkload, LoadWithoutStagesRepeatsOneStagePerIteration) {
  auto fake = StartFake();
  WorkloadRun run = MakeRun(*fake, Workload::LOAD, /*iterations=*/2,
                            /*warmup=*/1);
  EXPECT_EQ(run.load_stage, absl::Seconds(10));  // the documented default
  run.workload.set_bytes_per_request(kLoadBytes);
  run.load_stage = absl::Milliseconds(200);
  // concurrency 0: 4 clients.
  WorkloadResult result;
  absl::Status status = RunWorkload(run, &result);
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_THAT(result.iterations, SizeIs(3));
  ASSERT_THAT(result.histograms, SizeIs(3));
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(result.iterations[i].index(), i);
    EXPECT_EQ(result.iterations[i].warmup(), i == 0);
    EXPECT_GE(result.iterations[i].seconds(), 0.2);
    EXPECT_EQ(result.histograms[i].name(),
              absl::StrCat("stage ", i, ": 4 clients"));
    EXPECT_GE(result.histograms[i].total(), 4u);
    EXPECT_EQ(result.iterations[i].bytes(),
              result.histograms[i].total() * kLoadBytes);
  }

  run.workload.set_concurrency(2);
  run.workload.set_iterations(1);
  run.workload.set_warmup_iterations(0);
  WorkloadResult two;
  ASSERT_TRUE(RunWorkload(run, &two).ok());
  ASSERT_THAT(two.histograms, SizeIs(1));
  EXPECT_EQ(two.histograms[0].name(), "stage 0: 2 clients");
}

TEST(RunWorkload, LoadStageWithAFewFailedRequestsCountsThemAndGoesOn) {
  FakePicoShareOptions options;
  options.fail_downloads = {2, 3};  // the first two stage requests
  auto fake = StartFake(options);
  // Long enough for far more than 20 requests (each takes about 1 ms here),
  // so two failures stay within the 10 % a stage may lose.
  WorkloadRun run = MakeLoadRun(*fake, {{1.0, 2}, {0.2, 2}});
  WorkloadResult result;
  absl::Status status = RunWorkload(run, &result);

  ASSERT_TRUE(status.ok()) << status;
  ASSERT_THAT(result.iterations, SizeIs(2));  // the second stage ran too
  const Iteration& it = result.iterations[0];
  EXPECT_TRUE(it.ok());
  EXPECT_EQ(it.error(), "");
  EXPECT_EQ(it.http_status(), 200);
  const RequestCounts& c = it.requests();
  ASSERT_GE(c.sent(), 20u);
  EXPECT_EQ(c.http_5xx(), 2u);
  EXPECT_EQ(c.ok(), c.sent() - 2);
  EXPECT_EQ(it.bytes(), c.ok() * kLoadBytes);  // throughput of what succeeded
  ASSERT_THAT(result.histograms, SizeIs(2));
  EXPECT_EQ(result.histograms[0].requests().http_5xx(), 2u);
  EXPECT_EQ(result.histograms[0].total(), c.sent());  // failed ones included
  EXPECT_EQ(result.iterations[1].requests().http_5xx(), 0u);
  EXPECT_EQ(fake->entries(), 0u);  // reset at the end as usual
}

TEST(RunWorkload, LoadStageLosingMoreThanTheBoundFailsSayingHowMany) {
  FakePicoShareOptions options;
  for (int i = 2; i < 100000; ++i) options.fail_downloads.insert(i);
  auto fake = StartFake(options);
  WorkloadRun run = MakeLoadRun(*fake, {{0.3, 2}, {0.3, 2}});
  int reported = 0;
  run.on_iteration = [&](const Iteration&) { ++reported; };
  WorkloadResult result;
  absl::Status status = RunWorkload(run, &result);

  const uint64_t requests = fake->download_attempts() - 1;  // minus read-back
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_THAT(status.message(),
              HasSubstr(absl::StrCat(
                  "iteration 0 (load stage, 2 clients) failed: ", requests,
                  " of ", requests,
                  " requests failed, more than the 10 % a stage may lose; "
                  "first: GET /-fake000000 answered HTTP 500: \"internal "
                  "error: download on fire")))
      << status;
  ASSERT_THAT(result.iterations, SizeIs(1));  // the second stage never ran
  EXPECT_EQ(reported, 1);
  const Iteration& it = result.iterations[0];
  EXPECT_FALSE(it.ok());
  EXPECT_EQ(it.http_status(), 500);
  EXPECT_EQ(it.bytes(), 0u);
  EXPECT_EQ(it.requests().http_5xx(), requests);
  ASSERT_THAT(result.histograms, SizeIs(1));
  EXPECT_EQ(result.histograms[0].total(), requests);
  EXPECT_EQ(SumCounts(result.histograms[0]), requests);
}

TEST(RunWorkload, LoadRequestThatHangsTimesOutAndFailsTheStage) {
  FakePicoShareOptions options;
  options.stall_download = 2;  // the first stage request never gets an answer
  auto fake = StartFake(options);
  WorkloadRun run = MakeLoadRun(*fake, {{0.1, 1}});
  run.request_timeout = absl::Milliseconds(300);
  WorkloadResult result;
  absl::Status status = RunWorkload(run, &result);

  // One client, a stage shorter than the timeout: exactly one request.
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_THAT(status.message(),
              HasSubstr("1 of 1 requests failed, more than the 10 % a stage "
                        "may lose; first: GET /-fake000000: timed out after "
                        "300ms"));
  ASSERT_THAT(result.iterations, SizeIs(1));
  EXPECT_EQ(result.iterations[0].http_status(), 0);
  EXPECT_EQ(result.iterations[0].bytes(), 0u);
}

TEST(RunWorkload, LoadOfAlteredFileFailsBeforeAnyStage) {
  FakePicoShareOptions options;
  options.flip_download_byte = true;
  auto fake = StartFake(options);
  WorkloadResult result;
  absl::Status status = RunWorkload(MakeLoadRun(*fake, {{0.3, 2}}), &result);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(),
              HasSubstr("the server altered the file a load cell downloads"));
  EXPECT_THAT(result.iterations, SizeIs(0));
  EXPECT_THAT(result.histograms, SizeIs(0));
  EXPECT_EQ(fake->download_attempts(), 1);
}

TEST(RunWorkload, LoadSpecsThatCannotRunAreRejectedUpFront) {
  auto fake = StartFake();
  std::vector<std::pair<WorkloadRun, std::string>> cases;
  WorkloadRun run = MakeLoadRun(*fake, {{0.3, 2}});
  run.workload.set_bytes_per_request(0);
  cases.push_back({run, "bytes_per_request 0"});
  run = MakeLoadRun(*fake, {{0.3, 2}}, /*warmup=*/1);
  cases.push_back({run, "leaves none of its 1 stages measured"});
  run = MakeLoadRun(*fake, {{0.3, 2}, {0, 2}});
  cases.push_back({run, "stage 1: seconds 0 must be positive"});
  run = MakeLoadRun(*fake, {{0.3, 1000}});
  cases.push_back({run, "stage 0: 1000 clients, more than the 256 allowed"});
  run = MakeLoadRun(*fake, {});
  cases.push_back({run, "no stages and no iterations"});
  for (const auto& [bad, why] : cases) {
    WorkloadResult result;
    absl::Status status = RunWorkload(bad, &result);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << why;
    EXPECT_THAT(status.message(), HasSubstr(why));
    EXPECT_THAT(result.iterations, SizeIs(0));
  }
  EXPECT_THAT(fake->uploads(), SizeIs(0));
}

TEST(RunWorkload, LoadStageCountsFailuresByKind) {
  FakePicoShareOptions options;
  options.fail_downloads = {2};  // the first stage request answers 500
  auto fake = StartFake(options);
  WorkloadResult result;
  RunWorkload(MakeLoadRun(*fake, {{0.2, 1}}), &result).IgnoreError();
  ASSERT_THAT(result.iterations, SizeIs(1));
  const RequestCounts& c = result.iterations[0].requests();
  EXPECT_EQ(c.sent(), static_cast<uint64_t>(fake->download_attempts() - 1));
  EXPECT_EQ(c.http_5xx(), 1u);
  EXPECT_EQ(c.ok(), c.sent() - 1);
  EXPECT_EQ(c.timeout() + c.transport() + c.http_4xx() + c.bad_body(), 0u);
  ASSERT_THAT(result.histograms, SizeIs(1));
  EXPECT_EQ(result.histograms[0].requests().http_5xx(), 1u);
  EXPECT_EQ(result.histograms[0].operation(), "");  // no mix: not labelled
}

TEST(RunWorkload, LoadRampsClientsBetweenStageTargets) {
  auto fake = StartFake();
  WorkloadRun run = MakeLoadRun(*fake, {{0.3, 3}, {0.3, 0}});
  for (LoadStage& stage : *run.workload.mutable_stages()) stage.set_ramp(true);
  WorkloadResult result;
  absl::Status status = RunWorkload(run, &result);
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_THAT(result.histograms, SizeIs(2));
  EXPECT_EQ(result.histograms[0].name(), "stage 0: 0 to 3 clients");
  EXPECT_EQ(result.histograms[1].name(), "stage 1: 3 to 0 clients");
  for (const Iteration& it : result.iterations) {
    EXPECT_TRUE(it.ok()) << it.error();
    // Every client that comes on sends at least one request.
    EXPECT_GE(it.requests().sent(), 3u);
    EXPECT_EQ(it.requests().ok(), it.requests().sent());
  }
}

TEST(RunWorkload, OpenModelSendsTheScheduleFromAPool) {
  auto fake = StartFake();
  WorkloadRun run = MakeLoadRun(*fake, {{0.5, 2}});
  run.workload.set_arrival_rate(100);  // 50 requests in 0.5 s
  WorkloadResult result;
  absl::Status status = RunWorkload(run, &result);
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_THAT(result.iterations, SizeIs(1));
  const RequestCounts& c = result.iterations[0].requests();
  EXPECT_EQ(c.scheduled(), 50u);
  EXPECT_EQ(c.sent() + c.dropped(), 50u);
  EXPECT_EQ(c.ok(), c.sent());
  EXPECT_EQ(static_cast<uint64_t>(fake->downloads()), c.sent() + 1);
  ASSERT_THAT(result.histograms, SizeIs(1));
  EXPECT_EQ(result.histograms[0].name(), "stage 0: 100/s, up to 2 clients");
  EXPECT_EQ(result.histograms[0].total(), c.sent());
  // The schedule takes its time: the last request is due at 0.49 s.
  EXPECT_GE(result.iterations[0].seconds(), 0.49);
}

TEST(RunWorkload, OpenModelChargesQueuedRequestsFromTheirIntendedStart) {
  // One client; the first request hangs until its 100 ms timeout. The nine
  // requests due meanwhile (every 10 ms) wait in the queue: they are late,
  // and their latency counts from when they were due, however fast the
  // fake answers them afterwards.
  FakePicoShareOptions options;
  options.stall_download = 2;
  auto fake = StartFake(options);
  WorkloadRun run = MakeLoadRun(*fake, {{0.3, 1}});
  run.workload.set_arrival_rate(100);
  run.request_timeout = absl::Milliseconds(100);
  WorkloadResult result;
  absl::Status status = RunWorkload(run, &result);
  // One timeout among at least ten requests sent (the nine late ones and
  // itself): within the 10 % a stage may lose, so the run goes on.
  EXPECT_TRUE(status.ok()) << status;
  ASSERT_THAT(result.iterations, SizeIs(1));
  const RequestCounts& c = result.iterations[0].requests();
  EXPECT_EQ(c.scheduled(), 30u);
  EXPECT_EQ(c.timeout(), 1u);
  EXPECT_GE(c.late(), 9u);
  EXPECT_EQ(c.sent() + c.dropped(), 30u);
  ASSERT_THAT(result.histograms, SizeIs(1));
  const LatencyHistogram& h = result.histograms[0];
  EXPECT_GE(h.max_seconds(), 0.1);
  // The nine late requests and the timeout all count 10 ms or more.
  uint64_t slow = h.overflow();
  for (int i = 0; i < h.bucket_index_size(); ++i) {
    if (LatencyLayout::Default().LowerSeconds(h.bucket_index(i)) >= 0.0099) {
      slow += h.bucket_count(i);
    }
  }
  EXPECT_GE(slow, 10u);
}

TEST(RunWorkload, OpenModelDropsWhatNoClientCouldStartInTheStage) {
  // One client stuck for longer than the stage: the rest is never sent.
  FakePicoShareOptions options;
  options.stall_download = 2;
  auto fake = StartFake(options);
  WorkloadRun run = MakeLoadRun(*fake, {{0.2, 1}});
  run.workload.set_arrival_rate(100);
  run.request_timeout = absl::Milliseconds(400);
  WorkloadResult result;
  absl::Status status = RunWorkload(run, &result);
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_THAT(status.message(), HasSubstr("1 of 1 requests failed"));
  ASSERT_THAT(result.iterations, SizeIs(1));
  const RequestCounts& c = result.iterations[0].requests();
  EXPECT_EQ(c.scheduled(), 20u);
  EXPECT_EQ(c.sent(), 1u);
  EXPECT_EQ(c.dropped(), 19u);
  EXPECT_EQ(result.histograms[0].total(), 1u);  // dropped ones are not in it
}

TEST(RunWorkload, MixedLoadKeepsAHistogramPerOperationAndCleansUp) {
  FakePicoShareOptions options;
  options.debug_clear_route = false;  // picoshare profile: DELETE each entry
  auto fake = StartFake(options);
  WorkloadRun run = MakeLoadRun(*fake, {{0.3, 2}, {0.3, 2}});
  run.api_profile = "picoshare";
  for (const auto& [op, weight] : std::vector<std::pair<std::string, double>>{
           {"download", 1}, {"upload", 1}}) {
    OperationWeight* w = run.workload.add_mix();
    w->set_operation(op);
    w->set_weight(weight);
  }
  WorkloadResult result;
  absl::Status status = RunWorkload(run, &result);
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_THAT(result.histograms, SizeIs(4));  // 2 stages x 2 operations
  uint64_t uploads = 0, downloads = 0;
  for (int i = 0; i < 4; ++i) {
    const LatencyHistogram& h = result.histograms[i];
    EXPECT_EQ(h.name(), absl::StrCat("stage ", i / 2, ": 2 clients"));
    EXPECT_EQ(h.operation(), i % 2 == 0 ? "download" : "upload");
    EXPECT_EQ(h.total(), h.requests().sent());
    EXPECT_EQ(h.requests().ok(), h.requests().sent());
    (i % 2 == 0 ? downloads : uploads) += h.total();
  }
  EXPECT_GT(uploads, 0u);
  EXPECT_GT(downloads, 0u);
  // The first upload is the file the downloads read.
  EXPECT_EQ(fake->uploads().size(), uploads + 1);
  EXPECT_EQ(static_cast<uint64_t>(fake->downloads()), downloads + 1);
  EXPECT_EQ(fake->entries(), 0u);  // every entry the load made is gone
  EXPECT_EQ(static_cast<uint64_t>(fake->deletes()), uploads + 1);
  EXPECT_EQ(result.iterations[0].bytes(),
            (result.histograms[0].total() + result.histograms[1].total()) *
                kLoadBytes);
}

TEST(RunWorkload, UnknownMixOperationIsRejectedUpFront) {
  auto fake = StartFake();
  WorkloadRun run = MakeLoadRun(*fake, {{0.3, 2}});
  run.workload.add_mix()->set_operation("list");
  run.workload.mutable_mix(0)->set_weight(1);
  WorkloadResult result;
  absl::Status status = RunWorkload(run, &result);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("unknown operation \"list\""));
  EXPECT_THAT(fake->uploads(), SizeIs(0));
}

TEST(RunWorkload, ZeroIterationsIsInvalid) {
  auto fake = StartFake();
  WorkloadResult result;
  EXPECT_EQ(RunWorkload(MakeRun(*fake, Workload::UPLOAD, 0), &result).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace perfcell
