#include "runner/workload/workload.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

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

TEST(RunWorkload, LoadIsNotImplementedYet) {
  auto fake = StartFake();
  WorkloadResult result;
  absl::Status status = RunWorkload(MakeRun(*fake, Workload::LOAD, 1), &result);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(status.message(), HasSubstr("LOAD workloads"));
}

TEST(RunWorkload, ZeroIterationsIsInvalid) {
  auto fake = StartFake();
  WorkloadResult result;
  EXPECT_EQ(RunWorkload(MakeRun(*fake, Workload::UPLOAD, 0), &result).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace perfcell
