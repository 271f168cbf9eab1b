// Synthetic cell results for tests, demos and the report screenshot: a
// matrix of cells for several branches with known true effects, noise and
// drift, written the way `bazel test` leaves them (outputs.zip under
// bazel-testlogs, run_K_of_N folders) or as plain result.json / result.pb.
//
//   SyntheticBranch slow{.name = "batch-reads", .relative_speed = 0.9};
//   std::vector<CellResult> cells = MakeSyntheticResults(options);
//   RETURN_IF_ERROR(WriteBazelTestlogs(dir, cells));
#ifndef PERFCELL_ANALYSIS_SYNTHETIC_H_
#define PERFCELL_ANALYSIS_SYNTHETIC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "proto/cell.pb.h"

namespace perfcell::analysis {

struct SyntheticBranch {
  std::string name;
  double relative_speed = 1.0;  // true throughput / baseline throughput
  // Throughput lost per measured iteration inside a cell (0.02 = 2% less
  // each iteration than the one before): a leak that slows the server.
  double drift_per_iteration = 0.0;
  double cv = 0.03;  // noise of one iteration
};

struct SyntheticOptions {
  std::vector<SyntheticBranch> branches;  // the first is the baseline
  std::vector<uint64_t> sizes = {8ull << 20, 64ull << 20};
  std::vector<uint32_t> memory_mib = {256, 1024};
  int iterations = 10;
  int warmup_iterations = 1;
  double warmup_speed = 0.6;  // warm-up throughput relative to the rest
  uint64_t seed = 1;
  // Cells of all branches alternate in time (true) or each branch runs all
  // its cells before the next starts (false, the naive order).
  bool interleave_cells = true;
  int64_t start_unix_nanos = 1767225600LL * 1000000000LL;  // 2026-01-01
  std::string accelerator = "kvm";
  int64_t iteration_nanos = 2LL * 1000000000;  // spacing of iterations
  // The machine slows down over the whole run: throughput at the end is
  // (1 - run_slowdown) of that at the start, falling linearly with time.
  double run_slowdown = 0.0;
  // Sequential results (--runs_per_test): result files (sessions) per
  // branch and cell; each session runs on a machine whose speed is drawn
  // with `machine_cv` (log-normal sd), the same for all its iterations.
  int sessions = 1;
  // Interleaved results: one result per cell holding every branch (and,
  // with `aa_copy`, the baseline again as "<baseline>~aa"), run in `blocks`
  // blocks, each running every branch once in a seeded random order. Every
  // run of a block shares the block's machine factor (log-normal sd
  // `machine_cv`) and has its own factor (sd `run_cv`) on top.
  bool interleaved = false;
  int blocks = 10;
  bool aa_copy = true;
  double machine_cv = 0.0;
  double run_cv = 0.01;
  // Interleaved: stop as an adaptive cell does (design.stop ADAPTIVE,
  // min_blocks..`blocks`, alpha 0.05 split over the comparisons, min effect
  // 5%): after each block from `min_blocks`, each comparison is looked at
  // with stats/sequential.h on its block log-ratios and keeps its first
  // decision, and its branch runs in no later block; the cell stops when
  // all are decided or after `blocks`.
  // `stop_after_blocks` > 0 ends it earlier, as max_cell_seconds would.
  bool adaptive = false;
  int min_blocks = 4;
  double futility = 0;  // Design.futility: 0 never stops a comparison early
  int stop_after_blocks = 0;
};

// Sequential (default): one CellResult per branch x size x memory x
// session. Interleaved: one per size x memory, with blocks. Schema version
// current.
std::vector<CellResult> MakeSyntheticResults(const SyntheticOptions& options);

// The demo tree of the README and screenshot: a baseline, a branch 10%
// slower, one with no difference, and one that drifts.
SyntheticOptions DemoOptions();

// Writers of one result.
absl::Status WriteResultJson(const std::string& path, const CellResult& r);
absl::Status WriteResultPb(const std::string& path, const CellResult& r);
// An outputs.zip holding result.json, result.pb and console.log.
absl::Status WriteOutputsZip(const std::string& path, const CellResult& r);

// Writes `results` as <dir>/bazel-testlogs/<matrix>/<cell>/test.outputs/
// outputs.zip; results of the same cell name go to run_K_of_N folders.
absl::Status WriteBazelTestlogs(const std::string& dir,
                                const std::vector<CellResult>& results);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_SYNTHETIC_H_
