#include "runner/cell/adaptive_stop.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "contract/design.h"
#include "tools/cc/status_macros.h"

namespace perfcell {
namespace {

std::string Percent(double log_ratio) {
  if (std::isinf(log_ratio)) return log_ratio < 0 ? "-inf" : "+inf";
  return absl::StrFormat("%+.1f", 100 * (std::exp(log_ratio) - 1));
}

}  // namespace

absl::StatusOr<AdaptiveStop> AdaptiveStop::Make(
    const Design& design, const std::vector<std::string>& candidates) {
  if (candidates.empty()) {
    return absl::InvalidArgumentError(
        "an adaptive cell needs a branch besides the baseline (or aa_check)");
  }
  ASSIGN_OR_RETURN(stats::SequentialBoundary boundary,
                   stats::CalibrateBoundary(SequentialDesignFor(
                       design, static_cast<int>(candidates.size()))));
  AdaptiveStop stop;
  stop.design_ = design;
  stop.boundary_ = std::make_unique<stats::SequentialBoundary>(boundary);
  for (const std::string& c : candidates) {
    Comparison comparison;
    comparison.branch = c;
    comparison.sequential =
        std::make_unique<stats::SequentialComparison>(stop.boundary_.get());
    stop.comparisons_.push_back(std::move(comparison));
  }
  return stop;
}

absl::Status AdaptiveStop::AddBlock(
    const std::map<std::string, double>& run_values) {
  auto base = run_values.find(design_.baseline());
  if (base == run_values.end() || !(base->second > 0)) {
    return absl::FailedPreconditionError(
        "adaptive stop: the block has no baseline throughput");
  }
  ++blocks_;
  const bool last = blocks_ >= static_cast<int>(design_.max_blocks());
  for (Comparison& c : comparisons_) {
    if (c.decided) continue;  // settled: its branch left the cell
    auto it = run_values.find(c.branch);
    if (it == run_values.end() || !(it->second > 0)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "adaptive stop: the block has no throughput of ", c.branch));
    }
    c.sequential->AddBlock(std::log(it->second / base->second));
    if (blocks_ < static_cast<int>(design_.min_blocks())) continue;
    ASSIGN_OR_RETURN(c.look, c.sequential->Look(last));
    if (!c.decided && c.look.Settled()) {
      c.decided = true;
      c.first = c.look;
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> AdaptiveStop::OpenBranches() const {
  std::vector<std::string> open;
  for (const Comparison& c : comparisons_) {
    if (!c.decided) open.push_back(c.branch);
  }
  return open;
}

bool AdaptiveStop::AllDecided() const {
  for (const Comparison& c : comparisons_) {
    if (!c.decided) return false;
  }
  return true;
}

bool AdaptiveStop::AnyFutile() const {
  for (const Comparison& c : comparisons_) {
    if (c.decided && c.first.futile) return true;
  }
  return false;
}

std::string AdaptiveStop::Line() const {
  std::vector<std::string> parts;
  for (const Comparison& c : comparisons_) {
    if (blocks_ < static_cast<int>(design_.min_blocks())) {
      parts.push_back(absl::StrCat(c.branch, " (first look after block ",
                                   design_.min_blocks(), ")"));
      continue;
    }
    const stats::SequentialLook& l = c.decided ? c.first : c.look;
    std::string state =
        !c.decided ? stats::DecisionName(c.look.decision)
        : l.futile
            ? absl::StrCat("inconclusive (futile at block ", l.blocks, ": ",
                           stats::FutilityChances(l, design_.max_blocks()), ")")
            : absl::StrCat(stats::DecisionName(l.decision),
                           " (decided at block ", l.blocks, ")");
    // Before the design can bound anything (too few blocks for its level),
    // the interval is the whole line.
    const std::string interval =
        std::isinf(l.DecisionLo()) && std::isinf(l.DecisionHi())
            ? "[no bound yet]"
            : absl::StrCat("[", Percent(l.DecisionLo()), ", ",
                           Percent(l.DecisionHi()), "]");
    parts.push_back(absl::StrCat(c.branch, " ", Percent(l.estimate), " % ",
                                 interval, " ", state));
  }
  return absl::StrCat("block ", blocks_, "/", design_.max_blocks(), ": ",
                      absl::StrJoin(parts, "; "));
}

std::string AdaptiveStop::Summary(const std::string& why_stopped) const {
  std::vector<std::string> parts;
  for (const Comparison& c : comparisons_) {
    if (c.decided && c.first.futile) {
      parts.push_back(absl::StrCat(
          c.branch, " inconclusive at block ", c.first.blocks, " (futile: ",
          stats::FutilityChances(c.first, design_.max_blocks()), ")"));
    } else if (c.decided) {
      parts.push_back(absl::StrCat(c.branch, " ",
                                   stats::DecisionName(c.first.decision),
                                   " at block ", c.first.blocks));
    } else if (c.look.more_blocks_estimate > 0) {
      parts.push_back(absl::StrCat(c.branch, " inconclusive (about ",
                                   c.look.more_blocks_estimate,
                                   " more blocks would decide it)"));
    } else {
      parts.push_back(absl::StrCat(c.branch, " inconclusive"));
    }
  }
  return absl::StrCat("adaptive: ", why_stopped, " after ", blocks_,
                      blocks_ == 1 ? " block" : " blocks", "; ",
                      absl::StrJoin(parts, "; "));
}

}  // namespace perfcell
