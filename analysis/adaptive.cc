#include "analysis/adaptive.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "contract/design.h"
#include "contract/stats/sequential.h"
#include "tools/cc/status_macros.h"

namespace perfcell::analysis {
namespace {

Verdict VerdictOf(stats::SequentialLook::Decision decision) {
  switch (decision) {
    case stats::SequentialLook::kFaster:
      return Verdict::kFaster;
    case stats::SequentialLook::kSlower:
      return Verdict::kSlower;
    case stats::SequentialLook::kNoDifference:
      return Verdict::kNoDifference;
    default:
      return Verdict::kInconclusive;
  }
}

}  // namespace

int AdaptiveComparisons(const CellSpec& spec) {
  std::set<std::string> candidates;
  for (const Binary& b : spec.binaries()) {
    if (b.branch() != spec.design().baseline()) candidates.insert(b.branch());
  }
  return static_cast<int>(candidates.size());
}

absl::StatusOr<AdaptiveReplay> ReplayAdaptive(const CellSpec& spec,
                                              const std::vector<double>& d,
                                              const std::string& stop_reason) {
  const Design& design = spec.design();
  AdaptiveReplay replay;
  replay.comparisons_in_cell = std::max(1, AdaptiveComparisons(spec));
  replay.design_alpha = design.alpha();
  replay.alpha = design.alpha() / replay.comparisons_in_cell;
  replay.min_effect = design.min_effect();
  replay.min_blocks = static_cast<int>(design.min_blocks());
  replay.max_blocks = static_cast<int>(design.max_blocks());
  const stats::SequentialDesign sequential =
      SequentialDesignFor(design, replay.comparisons_in_cell);
  ASSIGN_OR_RETURN(const stats::SequentialBoundary boundary,
                   stats::CalibrateBoundary(sequential));

  replay.blocks = std::min(static_cast<int>(d.size()), replay.max_blocks);
  stats::SequentialComparison comparison(&boundary);
  stats::SequentialLook last;
  bool looked = false;
  for (int i = 0; i < replay.blocks; ++i) {
    comparison.AddBlock(d[i]);
    const int n = i + 1;
    if (n < replay.min_blocks) continue;
    ASSIGN_OR_RETURN(last, comparison.Look(n >= replay.max_blocks));
    looked = true;
    if (last.decision != stats::SequentialLook::kOpen &&
        last.decision != stats::SequentialLook::kInconclusive) {
      replay.decided_at = n;
      break;
    }
    if (last.futile) {
      replay.futile_at = n;
      replay.conditional_power = last.conditional_power;
      break;
    }
  }
  std::string state;
  if (looked) {
    replay.verdict = VerdictOf(last.decision);
    replay.ratio = std::exp(last.estimate);
    replay.ratio_ci = {std::exp(last.DecisionLo()),
                       std::exp(last.DecisionHi())};
    replay.look_level = last.level;
    replay.more_blocks = last.more_blocks_estimate;
  }
  if (replay.decided_at > 0) {
    state = absl::StrCat("decided at block ", replay.decided_at);
  } else if (replay.futile_at > 0) {
    state = absl::StrFormat("futile at block %d: %s (futility below %.0f %%)",
                            replay.futile_at,
                            stats::FutilityChances(last, replay.max_blocks),
                            100 * design.futility());
  } else if (!looked) {
    state = absl::StrCat("no look: ", d.size(),
                         " complete blocks, the first look is after block ",
                         replay.min_blocks);
    replay.open = replay.blocks < replay.max_blocks;
  } else if (replay.blocks >= replay.max_blocks) {
    state = absl::StrCat("undecided at max_blocks ", replay.max_blocks);
  } else {
    replay.open = true;
    state = absl::StrCat(
        "open: the cell stopped after ", replay.blocks, " of max_blocks ",
        replay.max_blocks, " blocks undecided",
        stop_reason.empty() ? std::string()
                            : absl::StrCat(" (", stop_reason, ")"));
  }
  if (static_cast<int>(d.size()) > replay.max_blocks) {
    absl::StrAppend(&state, "; ", d.size() - replay.max_blocks,
                    " blocks beyond max_blocks ignored");
  }
  replay.description = absl::StrFormat(
      "adaptive: group-sequential %s on run %ss, α %.3g (%g split over %d "
      "comparisons in the cell); %s",
      stats::SequentialMethodName(sequential.method),
      RunStatisticName(RunStatisticOf(design)), replay.alpha,
      replay.design_alpha, replay.comparisons_in_cell, state);
  return replay;
}

}  // namespace perfcell::analysis
