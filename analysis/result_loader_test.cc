#include "analysis/result_loader.h"

#include <cstdlib>
#include <filesystem>

#include "absl/strings/match.h"
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

}  // namespace
}  // namespace perfcell::analysis
