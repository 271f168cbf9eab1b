#include "analysis/result_loader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "analysis/invocations.h"
#include "analysis/synthetic.h"
#include "gtest/gtest.h"
#include "tools/cc/atomic_file.h"

namespace perfcell::analysis {
namespace {

namespace fs = std::filesystem;

std::string NewDir(const std::string& name) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::vector<CellResult> TwoBranches() {
  SyntheticOptions options;
  options.branches = {{.name = "main"}, {.name = "fast"}};
  options.sizes = {1 << 20};
  options.memory_mib = {256};
  options.iterations = 3;
  return MakeSyntheticResults(options);
}

TEST(ResultLoader, FindsJsonPbAndZipsThroughSymlinks) {
  const std::string dir = NewDir("mixed");
  std::vector<CellResult> cells = TwoBranches();
  fs::create_directories(dir + "/real/a");
  fs::create_directories(dir + "/real/b");
  ASSERT_TRUE(WriteResultJson(dir + "/real/a/result.json", cells[0]).ok());
  // The same result twice in one folder: result.pb wins, read once.
  ASSERT_TRUE(WriteResultJson(dir + "/real/b/result.json", cells[1]).ok());
  ASSERT_TRUE(WriteResultPb(dir + "/real/b/result.pb", cells[1]).ok());
  // A --runs_per_test=2 layout inside a symlinked bazel-testlogs.
  CellResult second_run = cells[0];
  second_run.set_start_unix_nanos(cells[0].start_unix_nanos() + 1);
  ASSERT_TRUE(WriteBazelTestlogs(dir + "/out", {cells[0], second_run}).ok());
  fs::create_directory_symlink(dir + "/out/bazel-testlogs",
                               dir + "/real/bazel-testlogs");

  auto loaded = LoadResultTree(dir + "/real");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  // a/result.json and the first zip hold the same run: kept once.
  ASSERT_EQ(loaded->size(), 3u);
  int from_zip = 0, from_pb = 0;
  for (const LoadedResult& r : *loaded) {
    from_zip += absl::StrContains(r.source, "outputs.zip!result.pb");
    from_pb += absl::EndsWith(r.source, "b/result.pb");
  }
  EXPECT_EQ(from_zip, 1);
  EXPECT_EQ(from_pb, 1);
}

TEST(ResultLoader, CorruptJsonNamesTheFile) {
  const std::string dir = NewDir("corrupt");
  ASSERT_TRUE(WriteFileAtomically(dir + "/result.json", "{\"spec\": {").ok());
  auto loaded = LoadResultTree(dir);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(loaded.status().message(), "result.json"));
  EXPECT_TRUE(absl::StrContains(loaded.status().message(), "corrupt"));
}

TEST(ResultLoader, TruncatedZipIsDataLoss) {
  const std::string dir = NewDir("truncated");
  ASSERT_TRUE(WriteOutputsZip(dir + "/outputs.zip", TwoBranches()[0]).ok());
  auto content = ReadFile(dir + "/outputs.zip");
  ASSERT_TRUE(content.ok());
  ASSERT_TRUE(WriteFileAtomically(dir + "/outputs.zip",
                                  content->substr(0, content->size() - 30))
                  .ok());
  auto loaded = LoadResultTree(dir);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(absl::StrContains(loaded.status().message(), "outputs.zip"));
}

TEST(ResultLoader, OtherSchemaVersionIsRejected) {
  const std::string dir = NewDir("schema");
  CellResult old = TwoBranches()[0];
  old.set_schema_version(SCHEMA_VERSION_UNSPECIFIED);
  ASSERT_TRUE(WriteResultPb(dir + "/result.pb", old).ok());
  auto loaded = LoadResultTree(dir);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(loaded.status().message(), "schema_version 0"));
}

// GuestMetrics moved from proto/cell.proto to contract/guest_metrics.proto
// with the same package, names and numbers: results written before the move
// (JSON and binary) still read the same.
TEST(ResultLoader, GuestMetricsOfResultsWrittenBeforeTheMoveRead) {
  const char kJson[] = R"({"schemaVersion": "SCHEMA_VERSION_CURRENT",
    "iterations": [{"index": 1, "metrics": {"memTotalBytes": "241172480",
      "tmpLeftoverFiles": "2", "tmpFilesystem": "ext4",
      "tmpOnDataDisk": true, "serverRssPeakBytes": "17825792"}}]})";
  auto json = ParseResult(kJson, /*json=*/true, "old/result.json");
  ASSERT_TRUE(json.ok()) << json.status();
  ASSERT_EQ(json->iterations_size(), 1);
  const GuestMetrics& m = json->iterations(0).metrics();
  EXPECT_EQ(m.mem_total_bytes(), 241172480u);
  EXPECT_EQ(m.tmp_leftover_files(), 2u);
  EXPECT_EQ(m.tmp_filesystem(), "ext4");
  EXPECT_TRUE(m.tmp_on_data_disk());
  EXPECT_EQ(m.server_rss_peak_bytes(), 17825792u);

  // schema_version 1; iterations { metrics { mem_total_bytes: 1000
  // tmp_filesystem: "ext4" } }, as encoded by the old schema.
  const std::string kPb(
      "\x08\x01\x1a\x0b\x5a\x09\x08\xe8\x07\x42\x04"
      "ext4",
      15);
  auto pb = ParseResult(kPb, /*json=*/false, "old/result.pb");
  ASSERT_TRUE(pb.ok()) << pb.status();
  ASSERT_EQ(pb->iterations_size(), 1);
  EXPECT_EQ(pb->iterations(0).metrics().mem_total_bytes(), 1000u);
  EXPECT_EQ(pb->iterations(0).metrics().tmp_filesystem(), "ext4");
}

// Results written before Provenance.backend_kind name the backend only in
// the string: they read as the enum.
TEST(ResultLoader, BackendOfResultsWrittenBeforeTheEnumReads) {
  for (const auto& [name, backend] :
       {std::pair<std::string, Backend>{"qemu", BACKEND_QEMU},
        {"firecracker", BACKEND_FIRECRACKER},
        {"host", BACKEND_HOST},
        {"docker", BACKEND_UNSPECIFIED}}) {
    const std::string json = absl::StrCat(
        R"({"schemaVersion": "SCHEMA_VERSION_CURRENT", "provenance": )",
        R"({"backend": ")", name, R"(", "backendVersion": "v1"}})");
    auto result = ParseResult(json, /*json=*/true, "old/result.json");
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->provenance().backend_kind(), backend) << name;
    EXPECT_EQ(result->provenance().backend_version(), "v1");
  }
  // schema_version 1; provenance { backend: "host" }, as the old cell wrote.
  const std::string kPb("\x08\x01\x32\x06\x1a\x04host", 10);
  auto pb = ParseResult(kPb, /*json=*/false, "old/result.pb");
  ASSERT_TRUE(pb.ok()) << pb.status();
  EXPECT_EQ(pb->provenance().backend_kind(), BACKEND_HOST);
  // The enum wins when a result has both.
  auto both = ParseResult(
      R"({"schemaVersion": "SCHEMA_VERSION_CURRENT", "provenance": )"
      R"({"backend": "qemu", "backendKind": "BACKEND_HOST"}})",
      /*json=*/true, "both/result.json");
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ(both->provenance().backend_kind(), BACKEND_HOST);
}

TEST(ResultLoader, EmptyOrMissingTreeIsNotFound) {
  const std::string dir = NewDir("empty");
  fs::create_directories(dir + "/sub/dir");
  ASSERT_TRUE(WriteFileAtomically(dir + "/sub/test.log", "nothing").ok());
  auto loaded = LoadResultTree(dir);
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(loaded.status().message(), "no results"));
  EXPECT_EQ(LoadResultTree(dir + "/nope").status().code(),
            absl::StatusCode::kNotFound);
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string all;
  for (const std::string& line : lines) absl::StrAppend(&all, line, "\n");
  return all;
}

TEST(ResultLoader, FifoNamedResultJsonIsSkippedWithAWarning) {
  const std::string dir = NewDir("fifo");
  fs::create_directories(dir + "/a");
  fs::create_directories(dir + "/b");
  ASSERT_TRUE(WriteResultJson(dir + "/a/result.json", TwoBranches()[0]).ok());
  ASSERT_EQ(mkfifo((dir + "/b/result.json").c_str(), 0600), 0);
  ASSERT_EQ(mkfifo((dir + "/b/outputs.zip").c_str(), 0600), 0);
  auto tree = LoadResults(dir, {});  // would block on the FIFO before
  ASSERT_TRUE(tree.ok()) << tree.status();
  EXPECT_EQ(tree->results.size(), 1u);
  ASSERT_EQ(tree->warnings.size(), 2u) << Joined(tree->warnings);
  EXPECT_EQ(tree->warnings[1],
            absl::StrCat("skipped ", dir,
                         "/b/result.json: FIFO, not a regular file"));
}

TEST(ResultLoader, ResultOver256MiBIsRefusedUnread) {
  const std::string dir = NewDir("huge");
  const std::string path = dir + "/result.json";
  ASSERT_TRUE(WriteFileAtomically(path, "{").ok());
  ASSERT_EQ(truncate(path.c_str(), off_t{300} << 20), 0);  // sparse
  auto tree = LoadResults(dir, {});
  EXPECT_EQ(tree.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(tree.status().message(),
            absl::StrCat(path,
                         " is 314572800 bytes, over 256 MiB; not a perfcell "
                         "result"));
}

TEST(ResultLoader, ImpossibleSecondsAreDroppedAndCounted) {
  const std::string dir = NewDir("seconds");
  CellResult r = TwoBranches()[0];
  const int n = r.iterations_size();
  ASSERT_GE(n, 4);
  r.mutable_iterations(0)->set_seconds(INFINITY);
  r.mutable_iterations(1)->set_seconds(INFINITY);
  r.mutable_iterations(2)->set_seconds(-1);
  r.mutable_iterations(3)->set_seconds(NAN);
  ASSERT_TRUE(WriteResultJson(dir + "/result.json", r).ok());
  auto tree = LoadResults(dir, {});
  ASSERT_TRUE(tree.ok()) << tree.status();
  ASSERT_EQ(tree->results.size(), 1u);
  EXPECT_EQ(tree->results[0].result.iterations_size(), n - 4);
  for (const Iteration& it : tree->results[0].result.iterations()) {
    EXPECT_TRUE(std::isfinite(it.seconds()) && it.seconds() > 0);
  }
  ASSERT_EQ(tree->warnings.size(), 1u) << Joined(tree->warnings);
  EXPECT_EQ(tree->warnings[0],
            absl::StrCat(dir,
                         "/result.json: 4 iterations with impossible seconds "
                         "(-1, Infinity, NaN) ignored"));
}

TEST(ResultLoader, SameIdentityDifferentSpecIsKeptAndNamed) {
  const std::string dir = NewDir("dupes");
  CellResult r = TwoBranches()[0];
  CellResult other = r;
  other.mutable_spec()->set_memory_mib(512);
  for (const char* sub : {"/a", "/b", "/c"}) fs::create_directories(dir + sub);
  ASSERT_TRUE(WriteResultJson(dir + "/a/result.json", r).ok());
  ASSERT_TRUE(WriteResultPb(dir + "/b/result.pb", r).ok());  // a copy
  ASSERT_TRUE(WriteResultJson(dir + "/c/result.json", other).ok());
  auto tree = LoadResults(dir, {});
  ASSERT_TRUE(tree.ok()) << tree.status();
  ASSERT_EQ(tree->results.size(), 2u);
  EXPECT_EQ(tree->results[1].result.spec().memory_mib(), 512u);
  ASSERT_EQ(tree->warnings.size(), 1u) << Joined(tree->warnings);
  EXPECT_EQ(tree->warnings[0],
            absl::StrCat(dir, "/c/result.json and ", dir,
                         "/a/result.json have the same cell, times and "
                         "iteration count but different content (spec or "
                         "measurements); both kept"));
}

TEST(ResultLoader, OnlyTheLatestInvocationOfATargetIsKept) {
  const std::string dir = NewDir("invocations");
  const CellResult r = TwoBranches()[0];
  // An earlier --runs_per_test=3 and a later --runs_per_test=2 of the same
  // target, left side by side in bazel-testlogs.
  std::vector<CellResult> old_runs(3, r), new_runs(2, r);
  for (int i = 0; i < 3; ++i) old_runs[i].set_start_unix_nanos(1000 + i);
  for (int i = 0; i < 2; ++i) new_runs[i].set_start_unix_nanos(900000 + i);
  ASSERT_TRUE(WriteBazelTestlogs(dir, old_runs).ok());
  ASSERT_TRUE(WriteBazelTestlogs(dir, new_runs).ok());
  const std::string target = absl::StrCat(
      dir, "/bazel-testlogs/", r.spec().matrix(), "/", r.spec().cell());
  auto tree = LoadResults(dir, {});
  ASSERT_TRUE(tree.ok()) << tree.status();
  ASSERT_EQ(tree->results.size(), 2u);
  for (const LoadedResult& kept : tree->results) {
    EXPECT_TRUE(absl::StrContains(kept.source, "_of_2/")) << kept.source;
  }
  ASSERT_EQ(tree->warnings.size(), 1u) << Joined(tree->warnings);
  EXPECT_EQ(tree->warnings[0],
            absl::StrCat(target,
                         ": kept the latest invocation (2 result(s) of "
                         "run_K_of_2), ignored 3 older result(s) (3 of "
                         "run_K_of_3); --all_invocations pools them"));

  auto all = LoadResults(dir, {.all_invocations = true});
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->results.size(), 5u);
  ASSERT_EQ(all->warnings.size(), 1u) << Joined(all->warnings);
  EXPECT_TRUE(absl::StrContains(all->warnings[0],
                                "results of 2 bazel invocations pooled "
                                "(--all_invocations): 2 of run_K_of_2, 3 of "
                                "run_K_of_3"))
      << all->warnings[0];
}

TEST(Invocations, TargetAndRunsFromTheBazelLayout) {
  std::string target;
  int runs = 0;
  ASSERT_TRUE(
      InvocationOf("/t/bazel-testlogs/m/c/run_2_of_5/test.outputs/"
                   "outputs.zip!result.pb",
                   &target, &runs));
  EXPECT_EQ(target, "/t/bazel-testlogs/m/c");
  EXPECT_EQ(runs, 5);
  ASSERT_TRUE(InvocationOf("/t/m/c/test.outputs/outputs.zip!result.json",
                           &target, &runs));
  EXPECT_EQ(target, "/t/m/c");
  EXPECT_EQ(runs, 1);
  EXPECT_FALSE(InvocationOf("/t/a/result.json", &target, &runs));
}

}  // namespace
}  // namespace perfcell::analysis
