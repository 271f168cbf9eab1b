// Adaptive interleaved cells (design.stop ADAPTIVE): the report replays the
// cell's own stopping rule so that its verdicts are the decisions the cell
// made. The runner (runner/cell/adaptive_stop.h) looks after every complete
// block from min_blocks on with the group-sequential signed-rank design of
// stats/sequential.h, alpha = design.alpha / (comparisons in the cell, the
// A/A copy included), and keeps each comparison's first decision (its
// branch runs in no later block). Here the same boundary is built from the
// result's design and the same looks are taken on the block log-ratios of
// the blocks that held both branches; the first decided look gives the verdict,
// its repeated confidence interval and its Hodges-Lehmann estimate. Those
// verdicts need no Holm correction: the design already bounds the chance of
// a wrong decision by alpha per comparison (design.alpha per cell).
//
//   ASSIGN_OR_RETURN(AdaptiveReplay replay,
//                    ReplayAdaptive(group.spec, d, group.stop_reason));
//   replay.verdict;     // kSlower
//   replay.decided_at;  // 12: the block whose look decided it
#ifndef PERFCELL_ANALYSIS_ADAPTIVE_H_
#define PERFCELL_ANALYSIS_ADAPTIVE_H_

#include <cmath>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analysis/verdict.h"
#include "contract/stats/bootstrap.h"
#include "proto/cell.pb.h"

namespace perfcell::analysis {

// Comparisons the runner split alpha over: the distinct branches of the
// spec other than design.baseline (the A/A copy included).
int AdaptiveComparisons(const CellSpec& spec);

struct AdaptiveReplay {
  int comparisons_in_cell = 0;
  double design_alpha = NAN;  // design.alpha, for the whole cell
  double alpha = NAN;         // per comparison: design_alpha / comparisons
  double min_effect = NAN;    // design.min_effect
  int min_blocks = 0;
  int max_blocks = 0;
  int blocks = 0;      // complete blocks used (at most max_blocks)
  int decided_at = 0;  // block of the first decided look; 0 when none
  // Block at which the futility rule ended the comparison (inconclusive);
  // 0 when it did not.
  int futile_at = 0;
  // Of the futile look: the chance of faster/slower by max_blocks
  // (stats::SequentialLook::conditional_power; `description` says both).
  double conditional_power = NAN;
  // Undecided and stopped before max_blocks (max_cell_seconds, killed).
  bool open = false;
  Verdict verdict = Verdict::kInconclusive;
  // Of the first decided look, else of the last look: exp of the
  // Hodges-Lehmann estimate and of the repeated confidence interval (0 and
  // +inf when the look's interval is unbounded). NaN without a look.
  double ratio = NAN;
  stats::Interval ratio_ci{NAN, NAN};
  double look_level = NAN;  // coverage of that look's interval alone
  int more_blocks = -1;     // undecided: rough further blocks to decide
  // "adaptive: group-sequential signed-rank, alpha 0.0125 (0.05 split over
  // 4 comparisons in the cell); decided at block 12".
  std::string description;
};

// Replays the looks of the cell's design on `d` (block log-ratios of one
// comparison, in block order). `stop_reason` is quoted for an open
// comparison. InvalidArgument when the design cannot be calibrated (e.g.
// max_blocks above stats::kMaxSequentialBlocks).
absl::StatusOr<AdaptiveReplay> ReplayAdaptive(const CellSpec& spec,
                                              const std::vector<double>& d,
                                              const std::string& stop_reason);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_ADAPTIVE_H_
