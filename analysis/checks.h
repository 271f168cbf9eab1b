// The warnings that go with the numbers: each says what was seen and the
// figures behind it, so a maintainer can judge how far to trust a verdict.
#ifndef PERFCELL_ANALYSIS_CHECKS_H_
#define PERFCELL_ANALYSIS_CHECKS_H_

#include <string>
#include <vector>

#include "analysis/analysis.h"

namespace perfcell::analysis {

// Something seen in one series of one cell.
struct Finding {
  std::string kind;      // noise, drift, warm-up, failed, too few
  std::string headline;  // what it means, the same for every cell
  std::string series;
  std::string cell;
  std::string detail;  // the numbers behind it
};

// Noise above the threshold, failed iterations or cells, a trend inside the
// cell, warm-up far from the rest, too few iterations.
std::vector<Finding> GroupFindings(const Group& group, const GroupStats& stats,
                                   const AnalysisOptions& options);

// One warning per finding; a series with three or more findings of a kind
// (the first iteration of every cell is slow, say) gets one warning listing
// the cells and their numbers instead.
std::vector<Warning> SummarizeFindings(const std::vector<Finding>& findings);

// Hosts that add noise, by the cell's rules (contract/host_warnings.h):
// rotational disks, a governor other than "performance", TCG emulation. One
// warning per host and finding, naming how many cells it touches.
std::vector<Warning> HostWarnings(const std::vector<Group>& groups);

// Differences between the two sides of each comparison that make it
// unfair: another host fingerprint or accelerator, another spec. Grouped by
// candidate and difference, with the number of cells.
std::vector<Warning> PairWarnings(const std::vector<Group>& groups,
                                  const std::vector<Comparison>& comparisons);

// The whole-run trend (see RunDrift); fills `drift` and warns when it is
// significant and larger than the minimum effect, adding that series that
// ran one after another confound branch and time. `group_stats` holds each
// group's statistics (same order as `groups`), `pooled` each cell's median.
std::vector<Warning> RunDriftWarnings(
    const std::vector<Group>& groups,
    const std::vector<GroupStats>& group_stats,
    const std::map<CellKey, double>& pooled, const AnalysisOptions& options,
    RunDrift* drift);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_CHECKS_H_
