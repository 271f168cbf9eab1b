#include "analysis/dataset.h"

#include <algorithm>
#include <cmath>

#include "analysis/synthetic.h"
#include "gtest/gtest.h"

namespace perfcell::analysis {
namespace {

CellResult OneCell() {
  SyntheticOptions options;
  options.branches = {{.name = "main"}};
  options.sizes = {8 << 20};
  options.memory_mib = {512};
  options.iterations = 4;
  options.warmup_iterations = 1;
  return MakeSyntheticResults(options)[0];
}

// One interleaved cell: "main" and "topic" (and the A/A copy), 8 MiB,
// 512 MiB, `blocks` blocks of 3 measured iterations a run.
SyntheticOptions InterleavedCell(int blocks) {
  SyntheticOptions options;
  options.branches = {{.name = "main"}, {.name = "topic"}};
  options.sizes = {8 << 20};
  options.memory_mib = {512};
  options.interleaved = true;
  options.blocks = blocks;
  options.iterations = 3;
  return options;
}

TEST(Dataset, KeysDescribeTheCell) {
  const CellKey key = KeyOf(OneCell().spec());
  EXPECT_EQ(key.Label(), "upload 8 MiB, 512 MiB RAM");
  EXPECT_EQ(key.WorkloadLabel(), "upload 8 MiB (qemu, 2 vCPU)");
  EXPECT_EQ(FormatBytes(1536), "1536 B");
  EXPECT_EQ(FormatBytes(1ull << 30), "1 GiB");
}

TEST(Dataset, InterleavedCellSplitsByIterationBranch) {
  CellResult cell = OneCell();
  for (int i = 0; i < cell.iterations_size(); ++i) {
    cell.mutable_iterations(i)->set_branch(i % 2 == 0 ? "main" : "topic");
  }
  std::vector<Group> groups = GroupResults({{"x", cell}}, "", -1);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].series, "main");
  EXPECT_EQ(groups[0].samples.size(), 3u);
  EXPECT_EQ(groups[1].series, "topic");
  EXPECT_EQ(groups[1].samples.size(), 2u);
  EXPECT_EQ(groups[0].key, groups[1].key);
}

TEST(Dataset, TheCellsOwnWarningsReachTheReport) {
  CellResult cell = OneCell();
  cell.add_warnings(
      "main: its server ran with --chunk_size=1, but perf_matrix declared "
      "(none)");
  std::vector<Warning> warnings;
  GroupResults({{"cell.zip", cell}}, "", -1, &warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].kind, "spec");
  EXPECT_EQ(warnings[0].message,
            "cell upload 8 MiB, 512 MiB RAM (cell.zip): main: its server ran "
            "with --chunk_size=1, but perf_matrix declared (none)");
}

TEST(Dataset, AdaptiveCellsKeepTheWarmupsTheyDecidedWith) {
  SyntheticOptions options = InterleavedCell(6);
  options.adaptive = true;
  const CellResult cell = MakeSyntheticResults(options)[0];
  std::vector<Warning> warnings;
  const std::vector<Group> groups =
      GroupResults({{"x", cell}}, "", 3, &warnings);
  int warmups = 0, flagged = 0;
  for (const Iteration& it : cell.iterations()) flagged += it.warmup();
  for (const Group& g : groups) {
    for (const Sample& s : g.samples) warmups += s.warmup;
  }
  EXPECT_EQ(warmups, flagged);  // not 3 a run
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].message.find("--warmup=3 ignored"), std::string::npos)
      << warnings[0].message;
}

TEST(Dataset, ResultsOfOneCellWithDifferentRunStatisticsAreWarnedOf) {
  CellResult old = MakeSyntheticResults(InterleavedCell(4))[0];
  CellResult now = old;
  now.mutable_spec()->mutable_design()->set_run_statistic(
      Design::GEOMETRIC_MEAN);
  std::vector<Warning> warnings;
  GroupResults({{"a", old}, {"b", now}}, "", -1, &warnings);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].kind, "mixed");
  EXPECT_NE(warnings[0].message.find("geometric mean in 1, median in 1"),
            std::string::npos)
      << warnings[0].message;
}

TEST(Dataset, FailedIterationsCarryNoThroughput) {
  CellResult cell = OneCell();
  cell.mutable_iterations(2)->set_ok(false);
  cell.mutable_iterations(2)->set_error("HTTP 500");
  std::vector<Group> groups = GroupResults({{"x", cell}}, " (A)", -1);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].series, "main (A)");
  EXPECT_EQ(groups[0].branch, "main");
  EXPECT_FALSE(groups[0].samples[2].ok);
  EXPECT_EQ(groups[0].samples[2].throughput, 0);
  EXPECT_EQ(groups[0].samples[2].error, "HTTP 500");
  EXPECT_GT(groups[0].samples[1].throughput, 0);
}

TEST(Dataset, WarmupOverrideReplacesRunnerFlags) {
  std::vector<Group> from_flags = GroupResults({{"x", OneCell()}}, "", -1);
  std::vector<Group> override = GroupResults({{"x", OneCell()}}, "", 3);
  int flagged = 0, overridden = 0;
  for (const Sample& s : from_flags[0].samples) flagged += s.warmup;
  for (const Sample& s : override[0].samples) overridden += s.warmup;
  EXPECT_EQ(flagged, 1);
  EXPECT_EQ(overridden, 3);
}

TEST(Dataset, InterleavedResultsKeepOneValuePerBlockAndBranch) {
  std::vector<CellResult> results = MakeSyntheticResults(InterleavedCell(4));
  ASSERT_EQ(results.size(), 1u);
  std::vector<Warning> warnings;
  std::vector<Group> groups =
      GroupResults({{"x", results[0]}}, "", -1, &warnings);
  EXPECT_TRUE(warnings.empty());
  ASSERT_EQ(groups.size(), 3u);  // main, main~aa, topic
  for (const Group& g : groups) {
    EXPECT_TRUE(g.interleaved);
    EXPECT_EQ(g.block_values.size(), 4u) << g.series;
    EXPECT_EQ(g.session_medians.size(), 1u) << g.series;
    EXPECT_EQ(g.samples.size(), 4u * 4) << g.series;  // 1 warm-up + 3 a run
  }
  // The block median is the median of that run's measured iterations.
  std::vector<double> block0;
  for (const Iteration& it : results[0].iterations()) {
    if (it.branch() == "topic" && it.block() == 0 && !it.warmup()) {
      block0.push_back(it.bytes() / it.seconds());
    }
  }
  ASSERT_EQ(block0.size(), 3u);
  std::sort(block0.begin(), block0.end());
  EXPECT_DOUBLE_EQ(groups[2].block_values.at({0, 0}), block0[1]);

  // A design that names the geometric mean gets the geometric mean: the
  // report uses the statistic the cell decided on.
  results[0].mutable_spec()->mutable_design()->set_run_statistic(
      Design::GEOMETRIC_MEAN);
  groups = GroupResults({{"x", results[0]}}, "", -1, &warnings);
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_NEAR(groups[2].block_values.at({0, 0}),
              std::cbrt(block0[0] * block0[1] * block0[2]), 1e-9 * block0[1]);
}

TEST(Dataset, SequentialResultsAreOneSessionEach) {
  SyntheticOptions options;
  options.branches = {{.name = "main"}};
  options.sizes = {8 << 20};
  options.memory_mib = {512};
  options.sessions = 3;
  std::vector<LoadedResult> loaded;
  for (CellResult& r : MakeSyntheticResults(options)) {
    loaded.push_back({"x", std::move(r)});
  }
  std::vector<Group> groups = GroupResults(loaded, "", -1);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_FALSE(groups[0].interleaved);
  EXPECT_EQ(groups[0].results, 3);
  EXPECT_EQ(groups[0].session_medians.size(), 3u);
  EXPECT_TRUE(groups[0].block_values.empty());
}

}  // namespace
}  // namespace perfcell::analysis
