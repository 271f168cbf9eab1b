#include "analysis/dataset.h"

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

}  // namespace
}  // namespace perfcell::analysis
