// From grouped results to verdicts: per-cell statistics, each candidate
// series against its baseline in every cell, multiple-testing correction
// across the whole report, and the warnings a maintainer must see before
// trusting a number.
//
//   ASSIGN_OR_RETURN(AnalysisInput input,
//                    PairForReport(GroupResults(loaded, "", -1), "main"));
//   Report report = Analyze(std::move(input), AnalysisOptions());
//   for (const Comparison& c : report.comparisons) { ... c.verdict ... }
#ifndef PERFCELL_ANALYSIS_ANALYSIS_H_
#define PERFCELL_ANALYSIS_ANALYSIS_H_

#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "analysis/adaptive.h"
#include "analysis/dataset.h"
#include "analysis/group_stats.h"
#include "analysis/verdict.h"
#include "contract/stats/bootstrap.h"
#include "contract/stats/rank_tests.h"
#include "contract/stats/spearman.h"

namespace perfcell::analysis {

enum class Correction { kHolm, kBenjaminiHochberg };
enum class TestKind { kMannWhitney, kPermutation };

struct AnalysisOptions {
  double alpha = 0.05;
  double min_effect = 0.05;  // changes smaller than this do not matter
  Correction correction = Correction::kHolm;
  TestKind test = TestKind::kMannWhitney;
  double cv_threshold = 0.10;  // warn above this noise
  double power = 0.8;
  double confidence = 0.95;
  int bootstrap_resamples = 2000;
  uint64_t seed = 1;
  double drift_alpha = 0.01;  // trend warnings below this p-value
};

// What a comparison counts as one observation.
//  kBlocks    interleaved results: per complete block, log(candidate run
//             value / baseline run value) (contract/design.h: geometric
//             mean or median); Hodges–Lehmann estimate, exact
//             signed-rank CI and test (stats/signed_rank.h).
//  kSessions  sequential results, and every result in `compare`: one
//             median per result file (cell test, VM session) and series;
//             Mann–Whitney (or permutation) on the session medians and the
//             two-sample Hodges–Lehmann CI. Fewer than 3 sessions a side
//             cannot tell sessions from branches: always inconclusive.
enum class Unit { kBlocks, kSessions };

// "blocks", "sessions".
std::string UnitName(Unit unit);

struct Comparison {
  size_t baseline = 0;   // index into Report::groups
  size_t candidate = 0;  // index into Report::groups
  Unit unit = Unit::kBlocks;
  int n_units = 0;                // blocks paired; sessions of the smaller side
  int n_base = 0;                 // sessions (or blocks) of the baseline
  int n_cand = 0;                 // sessions (or blocks) of the candidate
  double baseline_median = NAN;   // pooled measured throughput, bytes/s
  double candidate_median = NAN;  // pooled measured throughput, bytes/s
  // The estimate and interval the verdict uses, as candidate / baseline:
  // exp of the Hodges–Lehmann estimate of the log-ratio and of its
  // distribution-free CI. NaN when the units cannot support one.
  double ratio = NAN;
  stats::Interval ratio_ci{NAN, NAN};
  double ci_level = NAN;          // achieved coverage of ratio_ci
  bool ci_level_reached = false;  // false: too few units for the level asked
  double p_value = NAN;
  double p_adjusted = NAN;
  double min_p = NAN;  // smallest p-value the design allows, uncorrected
  double mde = NAN;    // minimum detectable relative change at alpha, power
  Verdict verdict = Verdict::kInconclusive;
  int units_needed = -1;  // blocks, or sessions per side, to decide
  // Why the comparison cannot be decided whatever the data say, e.g.
  // "5 blocks cannot reach p < 0.05 ...; needs >= 9 blocks". Empty if none.
  std::string note;
  // kBlocks: the log-ratio of each block, in run order, and its position
  // (0, 1, ...) in that order; the trend of the log-ratios over the blocks.
  std::vector<double> block_log_ratios;
  std::vector<int> block_index;
  stats::SpearmanResult ratio_trend{NAN, 1, false, 0};
  // Adaptive cells (design.stop ADAPTIVE, one result): the cell's own
  // group-sequential design replayed on block_log_ratios. Its verdict,
  // ratio and interval are the ones above; p_value and p_adjusted are NaN
  // (not part of the Holm/BH family: the design controls its error), and
  // `note` holds replay->description.
  std::optional<AdaptiveReplay> adaptive;
};

// Trend of throughput over the whole run: each iteration's throughput
// relative to the median of its cell (all series pooled) against its start
// time. A result that slows down over hours shows up here even when every
// cell on its own is too short to show it.
struct RunDrift {
  stats::SpearmanResult spearman{0, 1, false, 0};
  double first_quarter = 0;  // median relative throughput, earliest 25%
  double last_quarter = 0;   // median relative throughput, latest 25%
};

// Run B against run A: one branch of B compared with one branch of A.
struct BranchPair {
  std::string label;     // "baseline"; "before -> after" when names differ
  std::string series_a;  // "baseline (A)"
  std::string series_b;  // "baseline (B)"
};

// What `compare` matched: the branches in both runs (each with itself, or
// the single branch of each run whatever their names) and those left out.
struct RunComparison {
  std::string run_a;  // the folders read, for the outputs
  std::string run_b;
  std::vector<BranchPair> pairs;
  std::vector<std::string> only_in_a;  // branch names, not compared
  std::vector<std::string> only_in_b;
};

struct AnalysisInput {
  std::vector<Group> groups;
  // (baseline, candidate) indices into `groups`, one per comparison.
  std::vector<std::pair<size_t, size_t>> pairings;
  std::vector<Warning> warnings;          // found while pairing (missing cells)
  std::string baseline_name;              // "main", or "run A"
  std::vector<std::string> series_order;  // baseline series first
  std::optional<RunComparison> runs;      // set by PairForCompare only
};

struct Report {
  AnalysisOptions options;
  std::string baseline_name;
  std::vector<std::string> series_order;
  std::vector<Group> groups;
  std::vector<GroupStats> stats;  // parallel to groups
  std::vector<Comparison> comparisons;
  std::vector<Warning> warnings;
  RunDrift run_drift;
  std::map<CellKey, double> pooled_median;  // per cell, all series
  std::optional<RunComparison> runs;        // compare mode: run B vs run A
};

// Each branch against `baseline` in every cell. InvalidArgument listing the
// branches found when `baseline` is not one of them.
absl::StatusOr<AnalysisInput> PairForReport(std::vector<Group> groups,
                                            const std::string& baseline);

// Run B against run A: groups of `b` against the groups of `a` with the same
// cell and branch; when each run holds a single branch, those two are
// compared whatever their names. Branches found in one run only are listed
// in `runs` (not compared, no per-cell warnings); cells missing on one side
// of a compared branch give "missing" warnings.
AnalysisInput PairForCompare(std::vector<Group> a, std::vector<Group> b);

Report Analyze(AnalysisInput input, const AnalysisOptions& options);

// The fixed-design block statistics of one comparison from its per-block
// log-ratios (log(candidate / baseline), in block order): Hodges–Lehmann
// ratio with its exact signed-rank interval, the signed-rank p-value and its
// floor, the MDE and the trend over the blocks. What Analyze uses for
// interleaved cells; the latency comparisons use it too. p_adjusted and
// verdict are left for the caller's correction.
Comparison CompareBlockLogRatios(std::vector<double> log_ratios,
                                 const AnalysisOptions& options);

// The fixed-design statistics of one comparison of unpaired sessions (one
// value per result file, higher is better): `candidate` against `baseline`,
// Hodges–Lehmann ratio of their logs with its Mann–Whitney interval, the
// test's p-value and floor, the MDE. Fewer than 3 a side: no estimate, a
// note saying so (`compare_mode` words it for two runs). What Analyze uses
// for sequential cells and `compare`; the latency comparisons of `compare`
// use it too. p_adjusted and verdict are left for the caller's correction.
Comparison CompareSessionValues(const std::vector<double>& candidate,
                                const std::vector<double>& baseline,
                                const AnalysisOptions& options,
                                bool compare_mode);

// `p` adjusted by `correction` (Holm or Benjamini-Hochberg), in order; the
// one choice of correction the throughput and latency comparisons share.
std::vector<double> AdjustPValues(const std::vector<double>& p,
                                  Correction correction);

// The verdict of a comparison whose p_adjusted is set: DecideVerdict on its
// ratio and interval, and "inconclusive" rather than "no difference" when
// the interval could not reach the confidence asked for.
Verdict DecideComparisonVerdict(const Comparison& c,
                                const AnalysisOptions& options);

// The A/A copy of the baseline branch: "main~aa" for "main".
std::string AaName(const std::string& baseline);

// True when the comparison's candidate is an A/A copy (branch ending in
// "~aa"): identical binaries, any verdict but no difference/inconclusive is
// a false one.
bool IsAaComparison(const Report& report, const Comparison& c);

// True when any comparison's verdict is `slower`.
bool AnyRegression(const Report& report);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_ANALYSIS_H_
