#include "analysis/analysis.h"

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

Report ReportOf(const std::vector<CellResult>& results,
                AnalysisOptions options = {}) {
  options.bootstrap_resamples = 1000;
  auto input = PairForReport(GroupResults(Loaded(results), "", -1), "baseline");
  EXPECT_TRUE(input.ok()) << input.status();
  return Analyze(*std::move(input), options);
}

int Count(const Report& report, Verdict verdict) {
  int n = 0;
  for (const Comparison& c : report.comparisons) n += c.verdict == verdict;
  return n;
}

bool HasWarning(const Report& report, const std::string& kind,
                const std::string& text) {
  for (const Warning& w : report.warnings) {
    if (w.kind == kind && absl::StrContains(w.message, text)) return true;
  }
  return false;
}

SyntheticOptions Small(std::vector<SyntheticBranch> branches) {
  SyntheticOptions options;
  options.branches = std::move(branches);
  options.sizes = {8 << 20};
  options.memory_mib = {256, 1024};
  return options;
}

// A/A: two identical branches in 200 cells. After Holm correction at most
// ~5% of the cells may claim a difference (the family-wise rate bounds it
// far lower); with BH the same holds for the false-discovery rate.
TEST(Analysis, AaSimulationRarelyClaimsADifference) {
  SyntheticOptions options;
  options.branches = {{.name = "baseline"}, {.name = "same"}};
  options.sizes.clear();
  for (int i = 1; i <= 10; ++i) options.sizes.push_back(i << 20);
  options.memory_mib.clear();
  for (int m = 1; m <= 20; ++m) options.memory_mib.push_back(m * 128);
  options.seed = 11;
  std::vector<CellResult> results = MakeSyntheticResults(options);
  ASSERT_EQ(results.size(), 400u);
  for (Correction correction :
       {Correction::kHolm, Correction::kBenjaminiHochberg}) {
    AnalysisOptions analysis;
    analysis.correction = correction;
    Report report = ReportOf(results, analysis);
    ASSERT_EQ(report.comparisons.size(), 200u);
    const int claimed =
        Count(report, Verdict::kFaster) + Count(report, Verdict::kSlower);
    EXPECT_LE(claimed, 10) << "of 200 A/A cells";
    // With CV 3% and 10 runs most cells can show there is no difference.
    EXPECT_GE(Count(report, Verdict::kNoDifference), 120);
  }
}

TEST(Analysis, TenPercentRegressionAtCvThreeIsFound) {
  Report report = ReportOf(MakeSyntheticResults(
      Small({{.name = "baseline"}, {.name = "slow", .relative_speed = 0.9}})));
  ASSERT_EQ(report.comparisons.size(), 2u);
  for (const Comparison& c : report.comparisons) {
    EXPECT_EQ(c.verdict, Verdict::kSlower);
    EXPECT_NEAR(c.ratio, 0.9, 0.03);
    EXPECT_LT(c.ratio_ci.high, 1.0);
    EXPECT_LT(c.p_adjusted, 0.05);
    EXPECT_LT(c.mde, 0.05);
  }
  EXPECT_TRUE(AnyRegression(report));
}

TEST(Analysis, ThreeRunsCannotDecideAndSayHowManyAreNeeded) {
  SyntheticOptions options =
      Small({{.name = "baseline", .cv = 0.3},
             {.name = "half", .relative_speed = 0.6, .cv = 0.3}});
  options.iterations = 3;
  Report report = ReportOf(MakeSyntheticResults(options));
  for (const Comparison& c : report.comparisons) {
    EXPECT_GE(c.p_value, 0.1);  // exact Mann–Whitney floor at 3 + 3
    EXPECT_EQ(c.verdict, Verdict::kInconclusive);
    EXPECT_GT(c.runs_needed, 3);
  }
  EXPECT_TRUE(HasWarning(report, "noise", "CV above 10.0%"));
  EXPECT_FALSE(AnyRegression(report));
}

TEST(Analysis, WarmupIsExcludedAndReported) {
  SyntheticOptions options = Small({{.name = "baseline"}, {.name = "b"}});
  options.warmup_speed = 0.5;
  Report report = ReportOf(MakeSyntheticResults(options));
  for (const GroupStats& s : report.stats) {
    EXPECT_EQ(s.n, 10);
    EXPECT_EQ(s.n_warmup, 1);
    EXPECT_NEAR(s.warmup_ratio, 0.5, 0.1);
  }
  EXPECT_TRUE(HasWarning(report, "warm-up", "upload 8 MiB, 256 MiB RAM"));
}

TEST(Analysis, FailedIterationsAreCountedNotAveraged) {
  std::vector<CellResult> results =
      MakeSyntheticResults(Small({{.name = "baseline"}, {.name = "b"}}));
  Iteration* it = results[1].mutable_iterations(4);
  it->set_ok(false);
  it->set_error("HTTP 502");
  it->set_seconds(1e-6);  // would be a wild throughput if averaged in
  Report report = ReportOf(results);
  size_t index = 0;
  while (report.groups[index].series != "b") ++index;
  EXPECT_EQ(report.groups[index].key.memory_mib, 256u);
  const GroupStats& b = report.stats[index];
  EXPECT_EQ(b.n, 9);
  EXPECT_EQ(b.n_failed, 1);
  EXPECT_LT(b.max, 200e6);
  EXPECT_TRUE(HasWarning(report, "failed", "HTTP 502"));
}

TEST(Analysis, DriftInsideACellIsFlagged) {
  Report report = ReportOf(MakeSyntheticResults(Small(
      {{.name = "baseline"}, {.name = "leaky", .drift_per_iteration = 0.03}})));
  EXPECT_TRUE(HasWarning(report, "drift", "leaky"));
  EXPECT_FALSE(HasWarning(report, "drift", "baseline"));
}

// The user's run: 7 branches, 4 memory sizes, 5 file sizes, 10 uploads,
// one branch after another for 26 hours while the machine got 3x slower.
TEST(Analysis, ThreefoldSlowdownOverTheRunIsFlagged) {
  SyntheticOptions options;
  for (int b = 0; b < 7; ++b) {
    options.branches.push_back(
        {.name = b == 0 ? "baseline" : "branch" + std::to_string(b)});
  }
  options.sizes = {1 << 20, 8 << 20, 64 << 20, 256 << 20, 1ull << 30};
  options.memory_mib = {256, 512, 1024, 2048};
  options.interleave_cells = false;
  options.iteration_nanos = 26LL * 3600 * 1000000000 / (140 * 16);
  options.run_slowdown = 2.0 / 3;
  Report report = ReportOf(MakeSyntheticResults(options));
  EXPECT_TRUE(HasWarning(report, "run-drift", "one after another"));
  EXPECT_LT(report.run_drift.spearman.rho, -0.5);
  EXPECT_LT(report.run_drift.last_quarter / report.run_drift.first_quarter,
            0.6);
  // Later branches look slower although none is: what the warning is for.
  EXPECT_GT(Count(report, Verdict::kSlower), 0);
}

TEST(Analysis, InterleavedRunWithoutDriftHasNoRunWarning) {
  Report report = ReportOf(MakeSyntheticResults(
      Small({{.name = "baseline"}, {.name = "b"}, {.name = "c"}})));
  EXPECT_FALSE(HasWarning(report, "run-drift", ""));
}

TEST(Analysis, HostAndSpecDifferencesAreWarned) {
  std::vector<CellResult> results =
      MakeSyntheticResults(Small({{.name = "baseline"}, {.name = "b"}}));
  for (CellResult& r : results) {
    if (r.spec().binaries(0).branch() != "b") continue;
    r.mutable_provenance()->set_accelerator("tcg");
    r.mutable_provenance()->mutable_host()->set_disk_rotational(true);
    r.mutable_provenance()->mutable_host()->set_cpu_governor("powersave");
    r.mutable_spec()->set_api_profile("picoshare");
  }
  Report report = ReportOf(results);
  EXPECT_TRUE(HasWarning(report, "host", "accelerator kvm vs tcg"));
  EXPECT_TRUE(HasWarning(report, "host", "rotational disk"));
  EXPECT_TRUE(HasWarning(report, "host", "powersave"));
  EXPECT_TRUE(HasWarning(report, "host", "TCG"));
  EXPECT_TRUE(
      HasWarning(report, "spec", "api_profile chunkstore vs picoshare"));
}

TEST(Analysis, MissingCellsAreWarned) {
  std::vector<CellResult> results =
      MakeSyntheticResults(Small({{.name = "baseline"}, {.name = "b"}}));
  results.pop_back();  // b's 1024 MiB cell
  Report report = ReportOf(results);
  EXPECT_EQ(report.comparisons.size(), 1u);
  EXPECT_TRUE(HasWarning(report, "missing", "upload 8 MiB, 1024 MiB RAM"));
}

TEST(Analysis, UnknownBaselineListsBranches) {
  auto input = PairForReport(
      GroupResults(Loaded(MakeSyntheticResults(
                       Small({{.name = "main"}, {.name = "topic"}}))),
                   "", -1),
      "master");
  EXPECT_EQ(input.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(input.status().message(),
                                "branches found: main, topic"));
}

TEST(Analysis, CompareMatchesSingleBranchesWhateverTheirNames) {
  SyntheticOptions a = Small({{.name = "before"}});
  SyntheticOptions b = Small({{.name = "after", .relative_speed = 1.2}});
  b.seed = 2;
  AnalysisInput input =
      PairForCompare(GroupResults(Loaded(MakeSyntheticResults(a)), " (A)", -1),
                     GroupResults(Loaded(MakeSyntheticResults(b)), " (B)", -1));
  ASSERT_EQ(input.pairings.size(), 2u);
  Report report = Analyze(std::move(input), AnalysisOptions());
  EXPECT_EQ(Count(report, Verdict::kFaster), 2);
  EXPECT_EQ(report.groups[report.comparisons[0].candidate].series, "after (B)");
  ASSERT_TRUE(report.runs.has_value());
  ASSERT_EQ(report.runs->pairs.size(), 1u);
  EXPECT_EQ(report.runs->pairs[0].label, "before -> after");
  EXPECT_TRUE(report.runs->only_in_a.empty());
  EXPECT_TRUE(report.runs->only_in_b.empty());
}

TEST(Analysis, CompareMatchesEachBranchWithItself) {
  SyntheticOptions a = Small({{.name = "baseline"},
                              {.name = "topic", .relative_speed = 0.8},
                              {.name = "old"}});
  SyntheticOptions b = Small({{.name = "baseline", .relative_speed = 1.2},
                              {.name = "topic", .relative_speed = 0.8},
                              {.name = "new"}});
  b.seed = 2;
  AnalysisInput input =
      PairForCompare(GroupResults(Loaded(MakeSyntheticResults(a)), " (A)", -1),
                     GroupResults(Loaded(MakeSyntheticResults(b)), " (B)", -1));
  ASSERT_TRUE(input.runs.has_value());
  ASSERT_EQ(input.runs->pairs.size(), 2u);
  EXPECT_EQ(input.runs->pairs[0].label, "baseline");
  EXPECT_EQ(input.runs->pairs[0].series_a, "baseline (A)");
  EXPECT_EQ(input.runs->pairs[0].series_b, "baseline (B)");
  EXPECT_EQ(input.runs->pairs[1].label, "topic");
  EXPECT_EQ(input.runs->only_in_a, std::vector<std::string>{"old"});
  EXPECT_EQ(input.runs->only_in_b, std::vector<std::string>{"new"});
  // A branch in one run only is named once, not as missing cells.
  EXPECT_TRUE(input.warnings.empty());
  Report report = Analyze(std::move(input), AnalysisOptions());
  ASSERT_EQ(report.comparisons.size(), 4u);  // 2 branches x 2 cells
  for (const Comparison& c : report.comparisons) {
    EXPECT_EQ(report.groups[c.baseline].branch,
              report.groups[c.candidate].branch);
    EXPECT_EQ(report.groups[c.baseline].key, report.groups[c.candidate].key);
  }
  // baseline is 20% faster in B, topic the same in both runs.
  for (const Comparison& c : report.comparisons) {
    if (report.groups[c.candidate].branch == "baseline") {
      EXPECT_EQ(c.verdict, Verdict::kFaster);
    } else {
      EXPECT_NE(c.verdict, Verdict::kFaster);
      EXPECT_NE(c.verdict, Verdict::kSlower);
    }
  }
}

TEST(Analysis, PermutationTestGivesTheSameVerdicts) {
  AnalysisOptions options;
  options.test = TestKind::kPermutation;
  Report report = ReportOf(
      MakeSyntheticResults(Small(
          {{.name = "baseline"}, {.name = "slow", .relative_speed = 0.9}})),
      options);
  EXPECT_EQ(Count(report, Verdict::kSlower), 2);
}

}  // namespace
}  // namespace perfcell::analysis
