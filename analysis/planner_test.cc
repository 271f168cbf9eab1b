#include "analysis/planner.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "absl/strings/match.h"
#include "analysis/synthetic.h"
#include "gtest/gtest.h"

namespace perfcell::analysis {
namespace {

std::vector<LoadedResult> Loaded(const std::vector<CellResult>& results) {
  std::vector<LoadedResult> loaded;
  for (const CellResult& r : results) loaded.push_back({"synthetic", r});
  return loaded;
}

SyntheticOptions Interleaved(double run_cv) {
  SyntheticOptions options;
  options.branches = {{.name = "baseline"},
                      {.name = "slow10", .relative_speed = 0.9}};
  options.sizes = {8 << 20};
  options.memory_mib = {256, 1024};
  options.interleaved = true;
  options.blocks = 30;
  options.machine_cv = 0.3;  // shared by the block: cancels in d
  options.run_cv = run_cv;
  return options;
}

TEST(Planner, ReadsBlockNoiseAndTimingsOfInterleavedResults) {
  const std::vector<PilotCell> pilot =
      ReadPilot(Loaded(MakeSyntheticResults(Interleaved(0.05))));
  ASSERT_EQ(pilot.size(), 2u);
  for (const PilotCell& cell : pilot) {
    EXPECT_TRUE(cell.interleaved);
    EXPECT_EQ(cell.blocks, 30);
    EXPECT_EQ(cell.runs_per_block, 3);  // baseline, baseline~aa, slow10
    EXPECT_EQ(cell.comparisons, 2);
    // d = difference of two runs' log factors, sd 0.05 each: ~0.071; the
    // machine's 30% per block cancels.
    EXPECT_NEAR(cell.sd_d, 0.05 * std::sqrt(2.0), 0.025);
    // Synthetic runs start (10 + 1 + 5) x 2 s apart.
    EXPECT_NEAR(cell.run_seconds, 32, 0.01);
    EXPECT_DOUBLE_EQ(cell.boot_seconds, 3);
    EXPECT_EQ(cell.requests_per_run, 11);
    // A block is its three runs; the cell is planned by blocks.
    EXPECT_NEAR(cell.block_seconds, 3 * 32, 0.01);
    EXPECT_NEAR(BlockSeconds(cell), 3 * 32, 0.01);
    EXPECT_EQ(cell.measured_per_run, 10);
    // Iterations vary by the synthetic branches' 3%.
    EXPECT_NEAR(cell.within_run_sd, 0.03, 0.006);
  }
}

// An adaptive pilot's later blocks lack the branches that settled: a plan
// budgets whole blocks, so only blocks that ran every branch are timed.
TEST(Planner, AdaptivePilotTimesOnlyBlocksOfEveryBranch) {
  SyntheticOptions options = Interleaved(0.05);
  options.branches[1].relative_speed = 0.6;  // settles long before the copy
  options.memory_mib = {256};
  options.adaptive = true;
  options.blocks = 40;
  const std::vector<CellResult> results = MakeSyntheticResults(options);
  ASSERT_EQ(results.size(), 1u);
  int short_blocks = 0;
  for (const Block& b : results[0].blocks()) short_blocks += b.runs_size() < 3;
  ASSERT_GT(short_blocks, results[0].blocks_size() / 2);
  const std::vector<PilotCell> pilot = ReadPilot(Loaded(results));
  ASSERT_EQ(pilot.size(), 1u);
  EXPECT_EQ(pilot[0].runs_per_block, 3);
  EXPECT_NEAR(pilot[0].block_seconds, 3 * 32, 0.01);
}

// Where the noise sits decides how long a run should be: when runs differ
// by more than their requests do, shorter runs and more blocks are cheaper;
// when requests are noisy and runs alike, longer runs are.
TEST(Planner, RequestsPerRunFollowWhereTheNoiseIs) {
  SyntheticOptions between = Interleaved(0.08);  // runs differ by 8%
  between.iterations = 30;                       // requests by 3%
  for (const PilotCell& cell :
       ReadPilot(Loaded(MakeSyntheticResults(between)))) {
    const RequestsPerRun r = BestRequestsPerRun(cell, NoiseOf(cell).sd_d);
    ASSERT_TRUE(r.known);
    EXPECT_EQ(r.pilot, 30);
    EXPECT_LT(r.best, 10);
    EXPECT_LT(r.time_ratio, 0.6);
    EXPECT_NEAR(r.between_sd, 0.08, 0.04);
  }
  SyntheticOptions within = Interleaved(0.0);  // runs alike
  within.iterations = 4;
  for (SyntheticBranch& b : within.branches) b.cv = 0.3;  // noisy requests
  for (const PilotCell& cell :
       ReadPilot(Loaded(MakeSyntheticResults(within)))) {
    const RequestsPerRun r = BestRequestsPerRun(cell, NoiseOf(cell).sd_d);
    ASSERT_TRUE(r.known);
    EXPECT_EQ(r.pilot, 4);
    EXPECT_GT(r.best, 8);
    EXPECT_LT(r.time_ratio, 0.9);
    EXPECT_GT(r.within_sd, 0.2);  // the synthetic 30% is not log-normal
  }
  // Sequential pilots do not tell runs from requests.
  SyntheticOptions sequential;
  sequential.branches = {{.name = "baseline"}, {.name = "b"}};
  sequential.sizes = {8 << 20};
  sequential.memory_mib = {256};
  for (const PilotCell& cell :
       ReadPilot(Loaded(MakeSyntheticResults(sequential)))) {
    EXPECT_FALSE(BestRequestsPerRun(cell, 0.05).known);
  }
}

// The advice must stay plannable: when blocks at m* are too noisy for
// max_blocks, the plan takes the fewest requests whose blocks fit.
TEST(Planner, RequestsPerRunAdviceFitsMaxBlocks) {
  PilotCell cell;
  cell.interleaved = true;
  cell.runs_per_block = 3;
  cell.comparisons = 2;
  cell.blocks = 20;
  cell.sd_d = 0.065;  // decision_cost.sh's fixed cell
  cell.measured_per_run = 100;
  cell.within_run_sd = 0.096;
  cell.block_seconds = 5.61;
  cell.measured_seconds = 4.54;
  const RequestsPerRun free = BestRequestsPerRun(cell, cell.sd_d);
  ASSERT_TRUE(free.known);
  EXPECT_EQ(free.best, 10);
  PlanOptions options;  // as plan --design=adaptive, max_blocks 40
  options.adaptive = true;
  options.max_blocks = 40;
  const Plan plan = MakePlan({cell}, options);
  ASSERT_EQ(plan.cells.size(), 1u);
  const CellPlan& c = plan.cells[0];
  EXPECT_TRUE(c.per_run.within_max_blocks);
  EXPECT_GT(c.per_run.best, free.best);
  EXPECT_LT(c.per_run.best, 100);
  EXPECT_GT(c.blocks_at_best.planned, 0);
  EXPECT_LE(c.blocks_at_best.planned, 40);
  EXPECT_LT(c.per_run.time_ratio, 0.9);
  EXPECT_NE(FormatPlan(plan).find("(the fewest within max_blocks)"),
            std::string::npos);
}

TEST(Planner, SequentialPilotUsesSessionCvWithThreeSessions) {
  SyntheticOptions options;
  options.branches = {{.name = "baseline", .cv = 0.2},
                      {.name = "b", .cv = 0.2}};
  options.sizes = {8 << 20};
  options.memory_mib = {256};
  options.sessions = 4;
  options.machine_cv = 0.1;
  const std::vector<PilotCell> pilot =
      ReadPilot(Loaded(MakeSyntheticResults(options)));
  ASSERT_EQ(pilot.size(), 1u);
  EXPECT_FALSE(pilot[0].interleaved);
  EXPECT_EQ(pilot[0].sessions, 4);
  EXPECT_NEAR(pilot[0].iteration_cv, 0.22, 0.08);
  EXPECT_FALSE(std::isnan(pilot[0].session_cv));
  const PlanningNoise noise = NoiseOf(pilot[0]);
  EXPECT_DOUBLE_EQ(noise.sd_d, SdFromRunCv(pilot[0].session_cv));
  EXPECT_TRUE(absl::StrContains(noise.source, "session-median CV"));
}

TEST(Planner, BlocksNeededGrowWithNoiseAndShrinkWithEffect) {
  PlanOptions options;
  options.max_blocks = 100;
  int previous = 0;
  for (double sd : {0.02, 0.05, 0.08, 0.12}) {
    const BlocksNeeded b = BlocksFor(sd, 12, 3, options);
    EXPECT_GE(b.change, previous) << sd;
    EXPECT_GE(b.no_difference, 1);
    previous = b.change;
  }
  EXPECT_GT(previous, BlocksFor(0.02, 12, 3, options).change);
  int last = 1 << 30;
  for (double effect : {0.08, 0.10, 0.15, 0.25}) {
    options.effect = effect;
    const BlocksNeeded b = BlocksFor(0.08, 12, 3, options);
    EXPECT_LE(b.change, last) << effect;
    last = b.change;
  }
  options.effect = NAN;
  options.adaptive = true;
  previous = 0;
  for (double sd : {0.02, 0.04, 0.06}) {
    const BlocksNeeded b = BlocksFor(sd, 12, 3, options);
    EXPECT_GE(b.change, previous) << sd;
    EXPECT_GT(b.mean_change, 0);
    previous = b.change;
  }
}

TEST(Planner, WarnsWhenNoVerdictCanBeReached) {
  PlanOptions options;
  options.max_blocks = 10;
  // 200 comparisons: Holm's first step asks p < 0.00025, which the exact
  // signed-rank test reaches only from 13 blocks on.
  BlocksNeeded b = BlocksFor(0.01, 200, 7, options);
  EXPECT_EQ(b.planned, -1);
  ASSERT_FALSE(b.warnings.empty());
  EXPECT_TRUE(absl::StrContains(b.warnings[0], "cannot go below 2/2^n"));
  // Noise too large for max_blocks.
  options.max_blocks = 40;
  b = BlocksFor(0.4, 12, 3, options);
  EXPECT_EQ(b.planned, -1);
  EXPECT_TRUE(absl::StrContains(b.warnings[0], "40 blocks cannot call"));
  const Plan plan = MakePlan(
      ReadPilot(Loaded(MakeSyntheticResults(Interleaved(0.5)))), options);
  EXPECT_EQ(plan.unreachable_cells, 2);
  EXPECT_TRUE(absl::StrContains(FormatPlan(plan), "cannot reach a verdict"));
}

TEST(Planner, PlanTotalsBlocksTimesRunsTimesRunTime) {
  PlanOptions options;
  const Plan plan = MakePlan(
      ReadPilot(Loaded(MakeSyntheticResults(Interleaved(0.03)))), options);
  ASSERT_EQ(plan.cells.size(), 2u);
  EXPECT_EQ(plan.family, 4);
  double total = 0;
  for (const CellPlan& c : plan.cells) {
    ASSERT_GT(c.blocks.planned, 0);
    EXPECT_DOUBLE_EQ(c.cell_seconds, c.blocks.planned * 3 * 32.0);
    total += c.cell_seconds;
  }
  EXPECT_DOUBLE_EQ(plan.total_seconds, total);
  const std::string text = FormatPlan(plan);
  EXPECT_TRUE(absl::StrContains(text, "assumptions:"));
  EXPECT_TRUE(absl::StrContains(text, "Holm over all 4 comparisons"));
}

TEST(Planner, ParsesPercentOrFraction) {
  EXPECT_DOUBLE_EQ(*ParseFraction("min_effect", "5%"), 0.05);
  EXPECT_DOUBLE_EQ(*ParseFraction("min_effect", "0.05"), 0.05);
  EXPECT_FALSE(ParseFraction("min_effect", "5").ok());
  EXPECT_FALSE(ParseFraction("min_effect", "five").ok());
}

TEST(Planner, EmptyOrForeignFolderExitsTwoWithOneLine) {
  const std::string dir = ::testing::TempDir() + "/planner_empty";
  std::filesystem::create_directories(dir + "/sub");
  std::ostringstream out, err;
  EXPECT_EQ(PlanExitCode(RunPlan(dir, PlanOptions()), out, err), 2);
  EXPECT_EQ(out.str(), "");
  EXPECT_TRUE(absl::StartsWith(err.str(), "plan: "));
  const std::string line = err.str();
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1) << line;
}

// The worked example of README.md "Planning a run": the user's matrix, 7
// branches x 4 memory sizes x 5 file sizes, 26.5 h one branch after
// another, CV ~30% between iterations. Planned interleaved with the A/A
// copy: 20 cells, 8 runs per block, 7 comparisons per cell, 140 in all, a
// run as long as theirs (26.5 h / 140 runs). These numbers are quoted in the
// README; change both together.
TEST(Planner, ReadmeWorkedExample) {
  const double run_seconds = 26.5 * 3600 / 140;
  const double sd = SdFromRunCv(0.30);
  EXPECT_NEAR(sd, 0.416, 0.001);
  EXPECT_NEAR(run_seconds, 681, 1);
  struct Row {
    double run_cv, effect, min_effect;
    bool adaptive;
    int change, no_difference;  // blocks; -1: beyond max_blocks 100
    double hours;              // max(change, no difference) x 8 runs x 20 cells
    bool signed_rank = false;  // adaptive: perf_matrix's other method
  };
  for (const Row& row :
       std::vector<Row>{{0.30, 0.10, 0.05, false, 387, 1704, 51607},
                        {0.30, 0.05, 0.025, false, 1476, 6801, 205973},
                        {0.30, 0.10, 0.05, true, -1, -1, NAN},
                        {0.30, 0.05, 0.025, true, -1, -1, NAN},
                        {0.03, 0.10, 0.05, false, 13, 18, 545.1},
                        {0.03, 0.05, 0.025, false, 16, 71, 2150.3},
                        {0.03, 0.10, 0.05, true, 9, 20, 605.7},
                        {0.03, 0.05, 0.025, true, 20, 66, 1998.9},
                        {0.03, 0.10, 0.05, true, 14, 15, 454.3, true},
                        {0.03, 0.05, 0.025, true, 14, 58, 1756.6, true}}) {
    SCOPED_TRACE(testing::Message()
                 << row.run_cv << " " << row.effect << " " << row.adaptive);
    PlanOptions options;
    options.effect = row.effect;
    options.min_effect = row.min_effect;
    options.adaptive = row.adaptive;
    if (row.signed_rank) options.method = stats::SequentialMethod::kSignedRank;
    options.max_blocks = 100;
    const BlocksNeeded b = BlocksFor(SdFromRunCv(row.run_cv), 140, 7, options);
    std::printf(
        "row %.2f %.2f %.3f %d %d: change %d, no difference %d, %.1f h\n",
        row.run_cv, row.effect, row.min_effect, row.adaptive, row.signed_rank,
        b.change, b.no_difference,
        std::max(b.change, b.no_difference) * 8 * 20 * run_seconds / 3600);
    EXPECT_EQ(b.change, row.change);
    EXPECT_EQ(b.no_difference, row.no_difference);
    if (row.change > 0) {
      EXPECT_NEAR(
          std::max(b.change, b.no_difference) * 8 * 20 * run_seconds / 3600,
          row.hours, 0.5);
    } else {
      EXPECT_FALSE(b.warnings.empty());  // "cannot reach a verdict"
    }
  }
}

}  // namespace
}  // namespace perfcell::analysis
