// The run planner: from a pilot (any results tree), how many blocks each
// cell needs to decide a change of a given size with a given power, and how
// much machine time the matrix needs for it, fixed or adaptive.
//
//   ASSIGN_OR_RETURN(std::vector<LoadedResult> loaded, LoadResultTree(dir));
//   std::vector<PilotCell> pilot = ReadPilot(loaded);
//   Plan plan = MakePlan(pilot, PlanOptions());
//   std::cout << FormatPlan(plan);
//
// Noise: per block and candidate, d = log(candidate run value / baseline
// run value), the pilot's run statistic. Interleaved pilots give sd(d) directly
// (the largest over the cell's comparisons). Sequential pilots give the CV of
// the session medians
// (>= 3 sessions) or else of the iterations, taken as the CV of one run's
// median (iterations of one run are not independent, so their spread is not
// divided by sqrt(n)); then sd(d) = sqrt(2) sd(log run median), i.e. no
// machine noise assumed to cancel within a block (conservative).
#ifndef PERFCELL_ANALYSIS_PLANNER_H_
#define PERFCELL_ANALYSIS_PLANNER_H_

#include <cmath>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analysis/dataset.h"
#include "analysis/result_loader.h"
#include "contract/stats/sequential.h"

namespace perfcell::analysis {

struct PlanOptions {
  double min_effect = 0.05;  // the verdict's threshold
  // The true change to find (log scale is taken of 1 + effect); NaN: twice
  // min_effect (a change equal to the threshold is found at most half of the
  // time, since "slower" needs the whole interval beyond it).
  double effect = NAN;
  double power = 0.8;
  double alpha = 0.05;  // report-wide (fixed: Holm), per cell (adaptive)
  bool adaptive = false;
  int min_blocks = 4;  // adaptive: first look
  // adaptive: perf_matrix's sequential_method (its default, mean-t).
  stats::SequentialMethod method = stats::SequentialMethod::kMeanT;
  int max_blocks = 40;  // cap of either design
  // adaptive: simulated cells per estimate; 0: none (the budget alone)
  int simulations = 2000;
  uint64_t seed = 1;
};

// What a pilot says about one cell.
struct PilotCell {
  CellKey key;
  bool interleaved = false;
  int runs_per_block = 0;   // branches incl. the A/A copy (sequential: series)
  int comparisons = 0;      // candidates against the baseline in the cell
  int blocks = 0;           // interleaved: complete blocks used
  int sessions = 0;         // sequential: results per series (smallest)
  double sd_d = NAN;        // interleaved: largest sd of block log-ratios
  std::string sd_d_branch;  // the comparison it came from
  double iteration_cv = NAN;  // sequential: median over series
  double session_cv = NAN;    // sequential, >= 3 sessions: largest
  // Wall time of one run (boot + requests + resets), median over runs; the
  // parts: boot and the summed request seconds; requests per run. In an
  // interleaved cell whose requests take turns (lockstep), a run's own span
  // is its start-up only: plan with block_seconds there.
  double run_seconds = NAN;
  double boot_seconds = NAN;
  double request_seconds = NAN;
  int requests_per_run = 0;
  // Interleaved: wall time of a block (its first run's start to the next
  // block's), median over blocks; of that, the time while measured requests
  // ran (the union of every run's first to last measured request), and the
  // measured requests per run (warm-ups not counted).
  double block_seconds = NAN;
  double measured_seconds = NAN;
  int measured_per_run = 0;
  // Interleaved: sd of log throughput between the measured requests of one
  // run, pooled over runs; and whether runs count with their median (else
  // their geometric mean).
  double within_run_sd = NAN;
  bool median_runs = false;
};

// One cell per cell key found. Empty when there are no iterations.
std::vector<PilotCell> ReadPilot(const std::vector<LoadedResult>& loaded);

// sd(d) to plan with and where it came from ("sd of block log-ratios
// (slow10)", "sqrt(2) x session-median CV 12.0%", ...).
struct PlanningNoise {
  double sd_d = NAN;
  std::string source;
};
PlanningNoise NoiseOf(const PilotCell& cell);

// sd of d for two runs whose medians each vary with `cv` and nothing
// cancels: sqrt(2) * sqrt(log(1 + cv^2)).
double SdFromRunCv(double cv);

// Blocks one cell needs at noise `sd_d`.
struct BlocksNeeded {
  // Fixed: blocks for a change of `effect` to be called faster/slower, and
  // for no change to be called "no difference", each with `power`, at
  // alpha / `family` (Holm's first step over the matrix) and never below
  // the exact floor 2 / 2^n < alpha / family. Adaptive: the first look that
  // decides with `power` (SequentialBlocksNeeded) at alpha / comparisons in
  // the cell. -1: not reachable within max_blocks.
  int change = -1;
  int no_difference = -1;
  // Adaptive: simulated mean blocks and fraction decided the right way.
  double mean_change = NAN;
  double mean_no_difference = NAN;
  double decided_change = NAN;
  double decided_no_difference = NAN;
  int planned = -1;  // blocks to budget: max of the two; -1 if unreachable
  std::vector<std::string> warnings;  // why it cannot reach a verdict
};
BlocksNeeded BlocksFor(double sd_d, int family, int comparisons_in_cell,
                       const PlanOptions& options);

// Wall time of one block of the cell: measured for interleaved pilots,
// runs per block x run time for sequential ones.
double BlockSeconds(const PilotCell& cell);

// Requests per run that make a decision cheapest. sd(d)^2 splits into
// 2 between^2 (a run's own level: a server process, its data's placement;
// only more runs average it) + 2 v within^2 / m (the mean of m requests' logs;
// v = 1, or pi/2 for run medians), and a block costs O + R m (O: boots,
// logins, warm-ups; R: wall time per measured request of all runs). Blocks
// needed scale with sd(d)^2, so machine time per decision scales with
// (2 between^2 + 2 v within^2 / m)(O + R m), least at
// m* = sqrt(v within^2 O / (between^2 R)) (the classic two-stage sampling
// optimum, Cochran, "Sampling Techniques", 3rd ed., 1977, section 10.6).
struct RequestsPerRun {
  bool known = false;  // false: the pilot does not tell (sequential, ...)
  int pilot = 0;       // measured requests per run in the pilot
  int best = 0;        // m*, rounded, from 3 to 1000
  double between_sd = NAN;
  double within_sd = NAN;
  double overhead_seconds = NAN;     // O
  double per_request_seconds = NAN;  // R
  double sd_d_at_best = NAN;
  double block_seconds_at_best = NAN;
  // Machine time per decision at `best` relative to the pilot's (0.6: 40%
  // less).
  double time_ratio = NAN;
  double within_variance = NAN;  // v within^2
  // MakePlan raised `best` from m* so that its blocks fit max_blocks.
  bool within_max_blocks = false;
};
RequestsPerRun BestRequestsPerRun(const PilotCell& cell, double sd_d);
// `r` with `m` requests a run instead of its m*: best, sd_d_at_best,
// block_seconds_at_best and time_ratio follow.
void SetRequestsPerRun(int m, RequestsPerRun* r);

struct CellPlan {
  PilotCell pilot;
  PlanningNoise noise;
  BlocksNeeded blocks;
  double cell_seconds = NAN;  // planned blocks x BlockSeconds
  RequestsPerRun per_run;
  // The cell planned again at per_run.sd_d_at_best (when best != pilot).
  BlocksNeeded blocks_at_best;
};

struct Plan {
  PlanOptions options;
  double effect = NAN;  // options.effect resolved
  int family = 0;       // comparisons in the planned matrix
  std::vector<CellPlan> cells;
  double total_seconds = 0;  // cells that can reach a verdict
  int unreachable_cells = 0;
  std::vector<std::string> warnings;
  std::vector<std::string> assumptions;
};

Plan MakePlan(const std::vector<PilotCell>& pilot, const PlanOptions& options);

// "26.5 h", "14 min", "38 s".
std::string FormatDuration(double seconds);

// The plan as text: a line per cell, the total, warnings, assumptions.
std::string FormatPlan(const Plan& plan);

// "5%" -> 0.05, "0.05" -> 0.05. InvalidArgument naming `flag` otherwise or
// outside (0, 1).
absl::StatusOr<double> ParseFraction(const std::string& flag,
                                     const std::string& text);

// Loads `dir` (folders or zips), plans and formats. NotFound (one line) for
// a folder without results.
absl::StatusOr<std::string> RunPlan(const std::string& dir,
                                    const PlanOptions& options);

// The CLI's last step: prints the plan on `out` and returns 0, or one line
// "plan: <message>" on `err` and returns 2 (bad flags, no results, ...).
int PlanExitCode(const absl::StatusOr<std::string>& run, std::ostream& out,
                 std::ostream& err);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_PLANNER_H_
