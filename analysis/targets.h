// The targets table of a report: every threshold the results' cells set
// (CellSpec.thresholds, from perf_matrix `thresholds`), per cell and
// branch, with the measured figure and pass or fail, evaluated by the same
// code the cell test fails with (contract/thresholds.h).
//
//   TargetsReport targets = AnalyzeTargets(loaded, report.series_order, -1);
//   std::string md = TargetsMarkdown(targets);  // "## Targets ..."
#ifndef PERFCELL_ANALYSIS_TARGETS_H_
#define PERFCELL_ANALYSIS_TARGETS_H_

#include <map>
#include <string>
#include <vector>

#include "analysis/result_loader.h"
#include "contract/thresholds.h"

namespace perfcell::analysis {

// One threshold of one cell: its check per branch. When several results
// hold the same cell and branch (sequential cells, pooled invocations), the
// check furthest on the wrong side of the limit stands, and `results`
// counts them.
struct TargetRow {
  std::string cell;       // CellKey label, "download 1 MiB, 256 MiB RAM (host)"
  std::string threshold;  // "download.p95 < 200ms"
  struct Entry {
    ThresholdCheck check;
    int results = 0;
  };
  std::map<std::string, Entry> by_branch;
};

struct TargetsReport {
  std::vector<std::string> branches;  // columns: report order, then others
  std::vector<TargetRow> rows;        // by cell, then threshold as written
  int broken = 0;                     // broken (row, branch) entries
};

// The targets of `loaded`; `series_order` orders the branch columns,
// `warmup_override` as in GroupResults. Empty when no cell has thresholds.
TargetsReport AnalyzeTargets(const std::vector<LoadedResult>& loaded,
                             const std::vector<std::string>& series_order,
                             int warmup_override);

// "## Targets" with one table (cell, threshold, a column per branch:
// "312ms FAIL (+56%)" or "12.1ms pass"); "" when there are none.
std::string TargetsMarkdown(const TargetsReport& targets);

// The same for report.html, failures in red; "" when there are none.
std::string TargetsHtml(const TargetsReport& targets);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_TARGETS_H_
