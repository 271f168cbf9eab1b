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
  std::vector<Warning> problems;
  auto input = PairForReport(GroupResults(Loaded(results), "", -1, &problems),
                             "baseline");
  EXPECT_TRUE(input.ok()) << input.status();
  input->warnings.insert(input->warnings.end(), problems.begin(),
                         problems.end());
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

std::string report_branch(const Report& report, const Comparison& c) {
  return report.groups[c.candidate].branch;
}

SyntheticOptions Small(std::vector<SyntheticBranch> branches) {
  SyntheticOptions options;
  options.branches = std::move(branches);
  options.sizes = {8 << 20};
  options.memory_mib = {256, 1024};
  return options;
}

// A/A: two identical branches in 200 cells, as 5 sequential sessions per
// branch and as interleaved cells of 10 blocks. After Holm correction at
// most ~5% of the cells may claim a difference (the family-wise rate bounds
// it far lower); with BH the same holds for the false-discovery rate.
TEST(Analysis, AaSimulationRarelyClaimsADifference) {
  for (bool interleaved : {false, true}) {
    SCOPED_TRACE(interleaved ? "interleaved" : "5 sessions");
    SyntheticOptions options;
    options.branches = {{.name = "baseline"}, {.name = "same"}};
    options.sizes.clear();
    for (int i = 1; i <= 10; ++i) options.sizes.push_back(i << 20);
    options.memory_mib.clear();
    for (int m = 1; m <= 20; ++m) options.memory_mib.push_back(m * 128);
    options.seed = 11;
    options.interleaved = interleaved;
    options.aa_copy = false;
    options.sessions = 5;
    options.iterations = 5;
    std::vector<CellResult> results = MakeSyntheticResults(options);
    ASSERT_EQ(results.size(), interleaved ? 200u : 2000u);
    for (Correction correction :
         {Correction::kHolm, Correction::kBenjaminiHochberg}) {
      AnalysisOptions analysis;
      analysis.correction = correction;
      Report report = ReportOf(results, analysis);
      ASSERT_EQ(report.comparisons.size(), 200u);
      const int claimed =
          Count(report, Verdict::kFaster) + Count(report, Verdict::kSlower);
      EXPECT_LE(claimed, 10) << "of 200 A/A cells";
      // With CV 3% most cells can show there is no difference.
      EXPECT_GE(Count(report, Verdict::kNoDifference), 120);
    }
  }
}

// Sequential, with 5 sessions per branch: the session is the unit.
TEST(Analysis, TenPercentRegressionAtCvThreeIsFound) {
  SyntheticOptions options =
      Small({{.name = "baseline"}, {.name = "slow", .relative_speed = 0.9}});
  options.sessions = 5;
  Report report = ReportOf(MakeSyntheticResults(options));
  ASSERT_EQ(report.comparisons.size(), 2u);
  for (const Comparison& c : report.comparisons) {
    EXPECT_EQ(c.unit, Unit::kSessions);
    EXPECT_EQ(c.n_units, 5);
    EXPECT_EQ(c.verdict, Verdict::kSlower);
    EXPECT_NEAR(c.ratio, 0.9, 0.03);
    EXPECT_LT(c.ratio_ci.high, 1.0);
    EXPECT_LT(c.p_adjusted, 0.05);
    EXPECT_LT(c.mde, 0.05);
  }
  EXPECT_TRUE(AnyRegression(report));
}

// One session per branch: whatever the data, sessions cannot be told from
// branches.
TEST(Analysis, OneSessionPerBranchIsInconclusiveWithTheReason) {
  Report report = ReportOf(MakeSyntheticResults(
      Small({{.name = "baseline"}, {.name = "slow", .relative_speed = 0.7}})));
  ASSERT_EQ(report.comparisons.size(), 2u);
  for (const Comparison& c : report.comparisons) {
    EXPECT_EQ(c.verdict, Verdict::kInconclusive);
    EXPECT_TRUE(absl::StrContains(
        c.note,
        "sequential cells: sessions cannot be told from branch differences; "
        "run interleaved or >= 3 sessions (--runs_per_test=3)"))
        << c.note;
  }
  EXPECT_FALSE(AnyRegression(report));
}

TEST(Analysis, ThreeRunsCannotDecideAndSayHowManyAreNeeded) {
  SyntheticOptions options =
      Small({{.name = "baseline", .cv = 0.3},
             {.name = "half", .relative_speed = 0.6, .cv = 0.3}});
  options.iterations = 3;
  options.sessions = 3;
  Report report = ReportOf(MakeSyntheticResults(options));
  for (const Comparison& c : report.comparisons) {
    EXPECT_GE(c.p_value, 0.1);  // exact Mann–Whitney floor at 3 + 3
    EXPECT_DOUBLE_EQ(c.min_p, 0.1);
    EXPECT_EQ(c.verdict, Verdict::kInconclusive);
    EXPECT_GT(c.units_needed, 3);
    EXPECT_TRUE(absl::StrContains(c.note,
                                  "3 sessions a side cannot reach p "
                                  "< 0.05 after Holm over 2"))
        << c.note;
    EXPECT_TRUE(absl::StrContains(c.note, "needs >= 5 sessions a side"))
        << c.note;
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
  // Later branches look slower although none is; with one session per
  // branch no comparison may claim it.
  EXPECT_EQ(Count(report, Verdict::kSlower), 0);
  EXPECT_EQ(Count(report, Verdict::kFaster), 0);
  EXPECT_EQ(Count(report, Verdict::kInconclusive),
            static_cast<int>(report.comparisons.size()));
  // With three sessions per branch, still one after another, the drift is
  // still flagged (what the warning is for: sessions in time order confound
  // branch and time).
  options.sessions = 3;
  options.iteration_nanos /= 3;
  Report three = ReportOf(MakeSyntheticResults(options));
  EXPECT_TRUE(HasWarning(three, "run-drift", "one after another"));
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
  EXPECT_TRUE(HasWarning(report, "host", "rotational"));
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
  a.sessions = b.sessions = 5;
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
  a.sessions = b.sessions = 5;
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
  SyntheticOptions synthetic =
      Small({{.name = "baseline"}, {.name = "slow", .relative_speed = 0.9}});
  synthetic.sessions = 5;
  Report report = ReportOf(MakeSyntheticResults(synthetic), options);
  EXPECT_EQ(Count(report, Verdict::kSlower), 2);
}

// Interleaved cells on a machine whose speed swings 30% from block to
// block and falls by half over the run: the noise hits every branch of a
// block alike, so the block ratios see none of it.
SyntheticOptions NoisyMachine(std::vector<SyntheticBranch> branches) {
  SyntheticOptions options;
  options.branches = std::move(branches);
  options.sizes = {8 << 20, 64 << 20, 256 << 20};
  options.memory_mib = {256, 512, 1024, 2048};
  options.interleaved = true;
  options.blocks = 12;
  options.iterations = 5;
  options.machine_cv = 0.3;
  options.run_slowdown = 0.5;
  options.seed = 5;
  return options;
}

TEST(Interleaved, AaWithStrongMachineNoiseCallsNothing) {
  Report report = ReportOf(MakeSyntheticResults(
      NoisyMachine({{.name = "baseline"}, {.name = "same"}})));
  ASSERT_EQ(report.comparisons.size(), 24u);  // 12 cells x (same, ~aa)
  EXPECT_EQ(Count(report, Verdict::kFaster), 0);
  EXPECT_EQ(Count(report, Verdict::kSlower), 0);
  for (const Comparison& c : report.comparisons) {
    EXPECT_EQ(c.unit, Unit::kBlocks);
    EXPECT_EQ(c.n_units, 12);
  }
  // The pooled iterations are far noisier than the blocks: CV above 10%.
  EXPECT_TRUE(HasWarning(report, "noise", "CV above"));
  int aa = 0;
  for (const Comparison& c : report.comparisons)
    aa += IsAaComparison(report, c);
  EXPECT_EQ(aa, 12);
}

TEST(Interleaved, KnownTenPercentSlowdownIsFoundThroughTheNoise) {
  Report report = ReportOf(MakeSyntheticResults(NoisyMachine(
      {{.name = "baseline"}, {.name = "slow", .relative_speed = 0.9}})));
  for (const Comparison& c : report.comparisons) {
    const std::string& branch = report.groups[c.candidate].branch;
    if (branch == "slow") {
      EXPECT_EQ(c.verdict, Verdict::kSlower) << c.p_adjusted;
      EXPECT_NEAR(c.ratio, 0.9, 0.02);
      EXPECT_LT(c.ratio_ci.high, 1.0);
      EXPECT_GT(c.ratio_ci.low, 0.85);
    } else {
      EXPECT_EQ(branch, "baseline~aa");
      EXPECT_NE(c.verdict, Verdict::kSlower);
      EXPECT_NE(c.verdict, Verdict::kFaster);
    }
  }
  EXPECT_TRUE(AnyRegression(report));
}

// The same machine, branches one after another (one session each): a run
// drift warning and no verdict, rather than a confident wrong one.
TEST(Interleaved, SameDriftInSequentialModeIsWarnedAndInconclusive) {
  SyntheticOptions options =
      NoisyMachine({{.name = "baseline"}, {.name = "same"}});
  options.interleaved = false;
  options.interleave_cells = false;
  options.iterations = 10;
  options.iteration_nanos = 60LL * 1000000000;
  Report report = ReportOf(MakeSyntheticResults(options));
  EXPECT_TRUE(HasWarning(report, "run-drift", "one after another"));
  EXPECT_EQ(Count(report, Verdict::kFaster), 0);
  EXPECT_EQ(Count(report, Verdict::kSlower), 0);
  EXPECT_EQ(Count(report, Verdict::kNoDifference), 0);
}

TEST(Interleaved, FiveBlocksCannotReachSignificanceAndSaySo) {
  SyntheticOptions options =
      Small({{.name = "baseline"}, {.name = "half", .relative_speed = 0.5}});
  options.interleaved = true;
  options.blocks = 5;
  Report report = ReportOf(MakeSyntheticResults(options));
  ASSERT_EQ(report.comparisons.size(), 4u);
  for (const Comparison& c : report.comparisons) {
    EXPECT_EQ(c.verdict, Verdict::kInconclusive);
    EXPECT_DOUBLE_EQ(c.min_p, 0.0625);
    EXPECT_FALSE(c.ci_level_reached);
    EXPECT_NEAR(c.ci_level, 0.9375, 1e-12);
    // Holm over 4 comparisons: 2 / 2^n < 0.0125 needs n = 8.
    EXPECT_TRUE(
        absl::StrContains(c.note,
                          "5 blocks cannot reach p < 0.05 after Holm over 4 "
                          "comparisons"))
        << c.note;
    EXPECT_TRUE(absl::StrContains(c.note, "needs >= 8 blocks")) << c.note;
    EXPECT_GE(c.units_needed, 8);
  }
}

// Marks block `block` of `r` as failed for `branch` (or drops its run and
// iterations when `missing`).
void BreakBlock(CellResult* r, uint32_t block, const std::string& branch,
                bool missing) {
  Block* b = r->mutable_blocks(block);
  b->set_complete(false);
  for (Run& run : *b->mutable_runs()) {
    if (run.branch() == branch) {
      run.set_ok(false);
      run.set_error("guest did not become ready");
    }
  }
  auto* its = r->mutable_iterations();
  for (int i = its->size() - 1; i >= 0; --i) {
    const Iteration& it = its->Get(i);
    if (it.block() == block && it.branch() == branch) {
      if (missing) {
        its->DeleteSubrange(i, 1);
      } else {
        its->Mutable(i)->set_ok(false);
      }
    }
  }
  if (missing) {
    auto* runs = b->mutable_runs();
    for (int i = runs->size() - 1; i >= 0; --i) {
      if (runs->Get(i).branch() == branch) runs->DeleteSubrange(i, 1);
    }
  }
}

TEST(BadInput, BrokenBlocksAreDroppedWholeAndCounted) {
  SyntheticOptions options =
      Small({{.name = "baseline"}, {.name = "b", .relative_speed = 0.9}});
  options.interleaved = true;
  options.blocks = 12;
  std::vector<CellResult> results = MakeSyntheticResults(options);
  BreakBlock(&results[0], 3, "b", /*missing=*/false);
  BreakBlock(&results[0], 7, "baseline", /*missing=*/true);
  Report report = ReportOf(results);
  EXPECT_TRUE(HasWarning(report, "blocks",
                         "cell upload 8 MiB, 256 MiB RAM: 2 of 12 blocks "
                         "dropped (failed or missing runs)"));
  for (const Comparison& c : report.comparisons) {
    const bool broken = report.groups[c.candidate].key.memory_mib == 256;
    EXPECT_EQ(c.n_units, broken ? 10 : 12);
  }
}

TEST(BadInput, MixedDesignsOfOneCellAreWarnedAndTheBlocksKept) {
  SyntheticOptions interleaved = Small({{.name = "baseline"}, {.name = "b"}});
  interleaved.interleaved = true;
  std::vector<CellResult> results = MakeSyntheticResults(interleaved);
  for (const CellResult& r :
       MakeSyntheticResults(Small({{.name = "baseline"}, {.name = "b"}}))) {
    if (r.spec().memory_mib() == 256) results.push_back(r);
  }
  Report report = ReportOf(results);
  EXPECT_TRUE(HasWarning(report, "mixed",
                         "cell upload 8 MiB, 256 MiB RAM: 1 interleaved and 2 "
                         "sequential result(s) of the same cell"));
  for (const Comparison& c : report.comparisons) {
    EXPECT_EQ(c.unit, Unit::kBlocks);
  }
}

TEST(BadInput, InterleavedSpecWithoutBaselineIsWarned) {
  SyntheticOptions options = Small({{.name = "baseline"}, {.name = "b"}});
  options.interleaved = true;
  std::vector<CellResult> results = MakeSyntheticResults(options);
  results[0].mutable_spec()->mutable_design()->set_baseline("main");
  Report report = ReportOf(results);
  EXPECT_TRUE(HasWarning(report, "spec",
                         "interleaved result whose spec lacks its baseline "
                         "branch (design.baseline \"main\""));
}

// `compare` of interleaved runs: each result file is one session of each
// of its branches.
TEST(Interleaved, CompareTreatsEachResultFileAsASession) {
  SyntheticOptions a = Small({{.name = "baseline"}, {.name = "topic"}});
  a.interleaved = true;
  a.blocks = 4;
  SyntheticOptions b = a;
  b.branches[1].relative_speed = 0.8;
  b.seed = 2;
  auto sessions = [](SyntheticOptions options, int n) {
    std::vector<CellResult> all;
    for (int i = 0; i < n; ++i) {
      options.seed += 100;
      for (CellResult& r : MakeSyntheticResults(options)) all.push_back(r);
    }
    return all;
  };
  Report one =
      Analyze(PairForCompare(GroupResults(Loaded(sessions(a, 1)), " (A)", -1),
                             GroupResults(Loaded(sessions(b, 1)), " (B)", -1)),
              AnalysisOptions());
  ASSERT_FALSE(one.comparisons.empty());
  for (const Comparison& c : one.comparisons) {
    EXPECT_EQ(c.unit, Unit::kSessions);
    EXPECT_EQ(c.verdict, Verdict::kInconclusive);
    EXPECT_TRUE(absl::StrContains(c.note, "each result file is one session"));
  }
  Report five =
      Analyze(PairForCompare(GroupResults(Loaded(sessions(a, 5)), " (A)", -1),
                             GroupResults(Loaded(sessions(b, 5)), " (B)", -1)),
              AnalysisOptions());
  for (const Comparison& c : five.comparisons) {
    EXPECT_EQ(c.n_units, 5);
    if (report_branch(five, c) == "topic") {
      EXPECT_EQ(c.verdict, Verdict::kSlower);
    }
  }
}

}  // namespace
}  // namespace perfcell::analysis
