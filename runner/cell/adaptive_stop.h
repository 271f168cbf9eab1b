// The stopping rule of an adaptive interleaved cell: after each block from
// min_blocks on, every comparison (each branch against the baseline, the A/A
// copy included) is looked at with the group-sequential signed-rank design
// of contract/stats/sequential.h, whose repeated intervals stay valid
// however often they are looked at. A comparison keeps its first decision,
// or its first futile look (Design.futility: so little chance of a decision
// by max_blocks that it ends inconclusive now), and its branch leaves the
// cell: later blocks run the baseline and the branches still open only
// (OpenBranches), so a settled branch costs no more machine time. The cell
// stops when every comparison has settled.
//
// The per-comparison error rate is the design's alpha divided by the number
// of comparisons in the cell (Bonferroni within the cell), so the chance of
// any wrong decision in the cell is at most alpha. The analysis replays the
// same looks from the result, so report and cell agree.
//
//   ASSIGN_OR_RETURN(AdaptiveStop stop,
//                    AdaptiveStop::Make(design, {"batch-reads",
//                    "baseline~aa"}));
//   stop.AddBlock({{"baseline", 27.5}, {"batch-reads", 29.1}, ...});
//   stop.Line();        // "block 7/40: batch-reads +5.8 % [+1.0, +9.9] ..."
//   stop.AllDecided();  // true once every comparison has a decision
#ifndef PERFCELL_RUNNER_CELL_ADAPTIVE_STOP_H_
#define PERFCELL_RUNNER_CELL_ADAPTIVE_STOP_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "contract/stats/sequential.h"
#include "proto/cell.pb.h"

namespace perfcell {

class AdaptiveStop {
 public:
  // `candidates`: every branch but the baseline, in the order lines list
  // them. InvalidArgument for a design the sequential boundary cannot take.
  static absl::StatusOr<AdaptiveStop> Make(
      const Design& design, const std::vector<std::string>& candidates);

  // Adds one complete block: the baseline's and each open branch's run value
  // (contract/design.h: its median or geometric mean throughput, any unit,
  // the same for all); settled branches' values are not needed and are
  // ignored. Looks when min_blocks are in.
  absl::Status AddBlock(const std::map<std::string, double>& run_values);

  int blocks() const { return blocks_; }
  // The branches the next block runs besides the baseline: those whose
  // comparison has not settled, in the order `candidates` gave.
  std::vector<std::string> OpenBranches() const;
  // Every comparison decided or stopped as futile.
  bool AllDecided() const;
  // Some comparison stopped as futile (inconclusive before max_blocks).
  bool AnyFutile() const;
  // The progress line of the last block: every comparison's change, its
  // interval and where its decision stands.
  std::string Line() const;
  // Why the cell stopped, for CellResult.stop_reason; `why_stopped` is what
  // ended it ("every comparison decided", "max_blocks 40 reached", ...).
  std::string Summary(const std::string& why_stopped) const;

 private:
  struct Comparison {
    std::string branch;
    std::unique_ptr<stats::SequentialComparison> sequential;
    stats::SequentialLook look;   // the latest look
    stats::SequentialLook first;  // the first decided look, if any
    bool decided = false;
  };
  AdaptiveStop() = default;

  Design design_;
  std::unique_ptr<stats::SequentialBoundary> boundary_;
  std::vector<Comparison> comparisons_;
  int blocks_ = 0;
};

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_CELL_ADAPTIVE_STOP_H_
