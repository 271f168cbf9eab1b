#include "analysis/adaptive.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/strings/match.h"
#include "analysis/analysis.h"
#include "analysis/synthetic.h"
#include "analysis/text_report.h"
#include "contract/stats/sequential.h"
#include "gtest/gtest.h"

namespace perfcell::analysis {
namespace {

Report ReportOf(const std::vector<CellResult>& results) {
  std::vector<LoadedResult> loaded;
  for (const CellResult& r : results) loaded.push_back({"synthetic", r});
  AnalysisOptions options;
  options.bootstrap_resamples = 200;
  std::vector<Warning> problems;
  auto input =
      PairForReport(GroupResults(loaded, "", -1, &problems), "baseline");
  EXPECT_TRUE(input.ok()) << input.status();
  input->warnings.insert(input->warnings.end(), problems.begin(),
                         problems.end());
  return Analyze(*std::move(input), options);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

// What the cell runner decided, recomputed from the raw result with its loop
// (runner/cell/adaptive_stop.cc): per block, each branch's run median of the
// measured iterations; alpha 0.05 split over the candidates; the first
// decided look of each comparison.
struct RunnerDecision {
  Verdict verdict = Verdict::kInconclusive;
  int decided_at = 0;
  int futile_at = 0;
  double lo = NAN, hi = NAN;  // ratio interval of the decided (or last) look
};

std::map<std::string, RunnerDecision> RunnerDecisions(const CellResult& r) {
  std::map<std::pair<uint32_t, std::string>, std::vector<double>> runs;
  for (const Iteration& it : r.iterations()) {
    if (!it.warmup()) {
      runs[{it.block(), it.branch()}].push_back(it.bytes() / it.seconds());
    }
  }
  const Design& design = r.spec().design();
  std::vector<std::string> candidates;
  for (const Binary& b : r.spec().binaries()) {
    if (b.branch() != design.baseline()) candidates.push_back(b.branch());
  }
  stats::SequentialDesign sd;
  sd.min_blocks = design.min_blocks();
  sd.max_blocks = design.max_blocks();
  sd.alpha = design.alpha() / candidates.size();
  sd.min_effect = design.min_effect();
  sd.futility_below = design.futility();
  const stats::SequentialBoundary boundary = *stats::CalibrateBoundary(sd);
  std::map<std::string, RunnerDecision> out;
  for (const std::string& branch : candidates) {
    stats::SequentialComparison comparison(&boundary);
    RunnerDecision& decision = out[branch];
    for (int n = 1; n <= r.blocks_size(); ++n) {
      const uint32_t block = r.blocks(n - 1).index();
      comparison.AddBlock(std::log(Median(runs[{block, branch}]) /
                                   Median(runs[{block, design.baseline()}])));
      if (n < sd.min_blocks) continue;
      const stats::SequentialLook look = *comparison.Look(n == sd.max_blocks);
      decision.lo = std::exp(look.DecisionLo());
      decision.hi = std::exp(look.DecisionHi());
      if (look.futile) {
        decision.futile_at = n;
        break;
      }
      if (look.decision == stats::SequentialLook::kOpen ||
          look.decision == stats::SequentialLook::kInconclusive) {
        continue;
      }
      decision.verdict = look.decision == stats::SequentialLook::kFaster
                             ? Verdict::kFaster
                         : look.decision == stats::SequentialLook::kSlower
                             ? Verdict::kSlower
                             : Verdict::kNoDifference;
      decision.decided_at = n;
      break;
    }
  }
  return out;
}

SyntheticOptions Adaptive(std::vector<SyntheticBranch> branches) {
  SyntheticOptions options;
  options.branches = std::move(branches);
  options.sizes = {8 << 20};
  options.memory_mib = {256};
  options.interleaved = true;
  options.adaptive = true;
  options.blocks = 40;  // max_blocks
  options.min_blocks = 4;
  options.iterations = 5;
  options.machine_cv = 0.3;  // cancels within blocks
  options.run_cv = 0.03;
  return options;
}

// Every comparison of the report matches the runner's loop: verdict, block
// of the decision and interval.
void ExpectReportMatchesRunner(const std::vector<CellResult>& results,
                               const Report& report) {
  std::map<std::string, RunnerDecision> runner;
  for (const CellResult& r : results) {
    for (auto& [branch, d] : RunnerDecisions(r)) runner[branch] = d;
  }
  for (const Comparison& c : report.comparisons) {
    const std::string& branch = report.groups[c.candidate].branch;
    SCOPED_TRACE(branch);
    ASSERT_TRUE(c.adaptive.has_value());
    const RunnerDecision& d = runner.at(branch);
    EXPECT_EQ(c.verdict, d.verdict);
    EXPECT_EQ(c.adaptive->decided_at, d.decided_at);
    EXPECT_EQ(c.adaptive->futile_at, d.futile_at);
    EXPECT_DOUBLE_EQ(c.ratio_ci.low, d.lo);
    EXPECT_DOUBLE_EQ(c.ratio_ci.high, d.hi);
    EXPECT_TRUE(std::isnan(c.p_adjusted));  // not in the Holm family
  }
}

TEST(Adaptive, TenPercentSlowerIsDecidedSlowerEarlyAsTheCellDid) {
  const std::vector<CellResult> results = MakeSyntheticResults(Adaptive(
      {{.name = "baseline"}, {.name = "slow10", .relative_speed = 0.90}}));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].spec().design().stop(), Design::ADAPTIVE);
  EXPECT_LT(results[0].blocks_size(), 40);  // stopped early
  EXPECT_TRUE(
      absl::StrContains(results[0].stop_reason(), "every comparison decided"));
  const Report report = ReportOf(results);
  ASSERT_EQ(report.comparisons.size(), 2u);  // baseline~aa, slow10
  ExpectReportMatchesRunner(results, report);
  for (const Comparison& c : report.comparisons) {
    if (report.groups[c.candidate].branch != "slow10") continue;
    EXPECT_EQ(c.verdict, Verdict::kSlower);
    EXPECT_GT(c.adaptive->decided_at, 0);
    // Decided as the fixed design would: the interval excludes no change
    // and the estimate is beyond min_effect.
    EXPECT_LT(c.ratio_ci.high, 1.0);
    EXPECT_LE(c.ratio, 0.95);
    EXPECT_NEAR(c.ratio, 0.90, 0.03);
    EXPECT_EQ(c.adaptive->comparisons_in_cell, 2);
    EXPECT_DOUBLE_EQ(c.adaptive->alpha, 0.025);
    EXPECT_TRUE(absl::StrContains(UnitsText(c), "decided at block"));
    EXPECT_TRUE(absl::StrContains(UnitsText(c), "split over 2 comparisons"));
    EXPECT_EQ(SummaryRowCells(report, c, false)[4], kAdaptiveP);
  }
  const std::string summary = SummaryMarkdown(report);
  EXPECT_TRUE(absl::StrContains(summary, "Adaptive cells (1)"));
  EXPECT_TRUE(absl::StrContains(summary, "left out of the Holm correction"));
}

// Run-to-run noise that 40 blocks cannot resolve, futility 10%: the cell
// stops long before the cap with both comparisons inconclusive, and the
// report replays the same futile looks and says so.
TEST(Adaptive, HopelessCellStopsForFutilityAndTheReportAgrees) {
  SyntheticOptions options = Adaptive(
      {{.name = "baseline"}, {.name = "slow3", .relative_speed = 0.97}});
  options.run_cv = 0.3;
  options.futility = 0.1;
  const std::vector<CellResult> results = MakeSyntheticResults(options);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_LT(results[0].blocks_size(), 30);
  EXPECT_DOUBLE_EQ(results[0].spec().design().futility(), 0.1);
  const Report report = ReportOf(results);
  ExpectReportMatchesRunner(results, report);
  int futile = 0;
  for (const Comparison& c : report.comparisons) {
    EXPECT_EQ(c.verdict, Verdict::kInconclusive);
    if (c.adaptive->futile_at > 0) {
      ++futile;
      EXPECT_TRUE(absl::StrContains(UnitsText(c), "futile at block"))
          << UnitsText(c);
      EXPECT_LT(c.adaptive->conditional_power, 0.1);
    }
  }
  EXPECT_GE(futile, 1);
}

// A branch whose comparison settled runs in no later block: the cell spends
// its blocks on what is still open, and the report, pairing each branch's
// blocks with the baseline's, replays the same decisions and drops nothing.
TEST(Adaptive, SettledBranchLeavesTheCellAndTheReportStillAgrees) {
  SyntheticOptions options = Adaptive(
      {{.name = "baseline"}, {.name = "slow40", .relative_speed = 0.60}});
  options.run_cv = 0.05;  // the A/A copy needs many more blocks than -40 %
  const std::vector<CellResult> results = MakeSyntheticResults(options);
  ASSERT_EQ(results.size(), 1u);
  const CellResult& r = results[0];
  const Report report = ReportOf(results);
  ExpectReportMatchesRunner(results, report);
  int left_early = 0, runs = 0;
  for (const Block& block : r.blocks()) runs += block.runs_size();
  for (const Comparison& c : report.comparisons) {
    const std::string& branch = report.groups[c.candidate].branch;
    const int settled = std::max(c.adaptive->decided_at, c.adaptive->futile_at);
    ASSERT_GT(settled, 0) << branch;
    for (const Block& block : r.blocks()) {
      const bool ran =
          std::count(block.order().begin(), block.order().end(), branch) > 0;
      EXPECT_EQ(ran, static_cast<int>(block.index()) < settled)
          << branch << " in block " << block.index() + 1;
    }
    if (settled < r.blocks_size()) ++left_early;
  }
  EXPECT_EQ(left_early, 1);  // slow40, long before the copy
  EXPECT_LT(runs, 3 * r.blocks_size());
  for (const Warning& w : report.warnings) {
    EXPECT_FALSE(absl::StrContains(w.message, "dropped")) << w.message;
  }
  for (const Comparison& c : report.comparisons) {
    if (report.groups[c.candidate].branch == "slow40") {
      EXPECT_EQ(c.verdict, Verdict::kSlower);
    }
  }
}

// Branches that settle early ran in the cell's first blocks only: two much
// slower ones there and none later is no drift of the machine.
TEST(Adaptive, BranchesThatLeftEarlyAreNotReadAsDrift) {
  SyntheticOptions options =
      Adaptive({{.name = "baseline"},
                {.name = "slow40", .relative_speed = 0.60},
                {.name = "slower40", .relative_speed = 0.60}});
  options.run_cv = 0.05;
  options.machine_cv = 0;
  const std::vector<CellResult> results = MakeSyntheticResults(options);
  ASSERT_EQ(results.size(), 1u);
  int short_blocks = 0;
  for (const Block& block : results[0].blocks()) {
    short_blocks += block.runs_size() == 2;
  }
  ASSERT_GT(short_blocks, results[0].blocks_size() / 2);
  const Report report = ReportOf(results);
  for (const Warning& w : report.warnings) {
    EXPECT_NE(w.kind, "run-drift") << w.message;
  }
}

TEST(Adaptive, AaIsNeverCalledFasterOrSlower) {
  int decided = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SyntheticOptions options = Adaptive({{.name = "baseline"}});
    options.seed = seed;
    const std::vector<CellResult> results = MakeSyntheticResults(options);
    const Report report = ReportOf(results);
    ASSERT_EQ(report.comparisons.size(), 1u);
    ExpectReportMatchesRunner(results, report);
    const Comparison& c = report.comparisons[0];
    EXPECT_NE(c.verdict, Verdict::kFaster);
    EXPECT_NE(c.verdict, Verdict::kSlower);
    decided += c.verdict == Verdict::kNoDifference;
    EXPECT_TRUE(AaCheckLines(report)[0].find("0 of 1") != std::string::npos);
  }
  EXPECT_GE(decided, 18);  // noise sd(d) ~0.04: "no difference" within 40
}

TEST(Adaptive, CellStoppedAtMaxBlocksIsInconclusive) {
  SyntheticOptions options = Adaptive(
      {{.name = "baseline"}, {.name = "slow3", .relative_speed = 0.97}});
  options.blocks = 10;
  options.run_cv = 0.15;  // sd(d) ~0.2: nothing decides within 10 blocks
  const std::vector<CellResult> results = MakeSyntheticResults(options);
  ASSERT_EQ(results[0].blocks_size(), 10);
  EXPECT_EQ(results[0].stop_reason(), "adaptive: max_blocks 10 reached");
  const Report report = ReportOf(results);
  ExpectReportMatchesRunner(results, report);
  for (const Comparison& c : report.comparisons) {
    EXPECT_EQ(c.verdict, Verdict::kInconclusive);
    EXPECT_EQ(c.adaptive->decided_at, 0);
    EXPECT_FALSE(c.adaptive->open);
    EXPECT_TRUE(absl::StrContains(c.note, "undecided at max_blocks 10"));
  }
}

TEST(Adaptive, CellStoppedBeforeMaxBlocksSaysOpen) {
  SyntheticOptions options = Adaptive(
      {{.name = "baseline"}, {.name = "slow3", .relative_speed = 0.97}});
  options.run_cv = 0.15;
  options.stop_after_blocks = 6;  // max_cell_seconds
  const std::vector<CellResult> results = MakeSyntheticResults(options);
  ASSERT_EQ(results[0].blocks_size(), 6);
  const Report report = ReportOf(results);
  ExpectReportMatchesRunner(results, report);
  for (const Comparison& c : report.comparisons) {
    EXPECT_EQ(c.verdict, Verdict::kInconclusive);
    EXPECT_TRUE(c.adaptive->open);
    EXPECT_TRUE(absl::StrContains(
        UnitsText(c), "open: the cell stopped after 6 of max_blocks 40"));
    EXPECT_TRUE(absl::StrContains(UnitsText(c), "max_cell_seconds"));
  }
}

TEST(Adaptive, FixedCellsKeepHolmAndTheirPValues) {
  SyntheticOptions options = Adaptive(
      {{.name = "baseline"}, {.name = "slow10", .relative_speed = 0.90}});
  options.adaptive = false;
  options.blocks = 12;
  const Report report = ReportOf(MakeSyntheticResults(options));
  for (const Comparison& c : report.comparisons) {
    EXPECT_FALSE(c.adaptive.has_value());
    EXPECT_FALSE(std::isnan(c.p_adjusted));
  }
  EXPECT_EQ(AdaptiveSentence(report), "");
}

}  // namespace
}  // namespace perfcell::analysis
