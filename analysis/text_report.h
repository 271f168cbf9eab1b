// The text outputs of a report: cells.csv (one row per cell x series; for
// `compare`, one row per compared cell and branch) and summary.md (per
// workload, a table of branches against the baseline, or of each branch in
// run B against itself in run A, then the warnings).
#ifndef PERFCELL_ANALYSIS_TEXT_REPORT_H_
#define PERFCELL_ANALYSIS_TEXT_REPORT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "analysis/analysis.h"
#include "analysis/guest_metrics_report.h"
#include "analysis/latency_report.h"
#include "analysis/targets.h"

namespace perfcell::analysis {

// The comparisons of one workload (kind, size, backend...) laid out like
// Google Benchmark's compare.py: one row per memory size and candidate, the
// old (baseline) and new (candidate) medians first, then the change, its
// interval, the corrected p-value and the verdict.
struct SummaryTable {
  std::string workload;
  std::vector<const Comparison*> rows;  // by memory, then series order
};
std::vector<SummaryTable> BuildSummaryTables(const Report& report);

// Run B against run A (`Report::runs` set), per workload: one row per memory
// size and, for each branch compared, a column with its median in run A and
// one with the change of the same branch in run B. A table for each workload
// with at least one comparison; a cell that one run lacks says so ("not in
// run B"); branches of one run only are not columns (OneRunBranchesNote).
struct CompareTable {
  std::string workload;
  std::vector<const BranchPair*> pairs;
  struct Cell {
    const GroupStats* a = nullptr;  // the branch in run A, when it has the cell
    bool in_b = false;              // run B has the cell for the branch
    const Comparison* comparison = nullptr;
  };
  struct Row {
    uint32_t memory_mib;
    std::vector<Cell> cells;  // parallel to pairs
  };
  std::vector<Row> rows;
};
std::vector<CompareTable> BuildCompareTables(const Report& report);

// Headers of the two columns of a compared branch: "baseline (A)" and
// "baseline (B) vs A".
std::string CompareHeaderA(const BranchPair& pair);
std::string CompareHeaderB(const BranchPair& pair);

// "122 MiB/s (CV 15.8%, n 5)", or "not in run A".
std::string CompareCellAText(const CompareTable::Cell& cell);

// The change in run B ("+6.5% [-7.4%, +45.1%] inconclusive ..."), or why
// there is none ("not in run B", "not compared").
std::string CompareCellBText(const CompareTable::Cell& cell, bool bold);

// "branches baseline, batch-reads", "branch before -> after" (the single
// branch of each run), or "no branch is in both runs".
std::string CompareIntro(const RunComparison& runs);

// "Branches not compared (in one run only): only in run A: big-chunks." (and
// run B), or "" when every branch is in both runs.
std::string OneRunBranchesNote(const RunComparison& runs);

// "80.0 MiB/s (CV 3.1%, n 10)" for a baseline cell.
std::string BaselineCellText(const GroupStats& stats);

// RFC 4180 CSV with a header row; throughputs in MiB/s, ratios as
// candidate / baseline. Baseline rows leave the comparison columns empty.
// For `compare`: one row per compared cell and branch, with the folders and
// series of run A and run B, the statistics of each side (a_*, b_*) and the
// comparison (B / A). Then latency columns (`latency`, when given; see
// LatencyCsvHeader): per operation p50, p95 and p99 in seconds, empty where a
// cell has no latency data; in `compare` a_* and b_* for each run.
std::string CellsCsv(const Report& report,
                     const LatencyReport* latency = nullptr);

// The Markdown tables only (what the CLIs print on stdout).
std::string SummaryTables(const Report& report);

// The whole summary.md: context, how to read it, tables, the targets table
// (`targets`), the latency of LOAD cells (`latency`), server resources
// (`guest`), each when given, warnings.
std::string SummaryMarkdown(const Report& report,
                            const LatencyReport* latency = nullptr,
                            const TargetsReport* targets = nullptr,
                            const GuestMetricsReport* guest = nullptr);

// The A/A check that opens every output: "A/A check: 0 of 4 A/A
// comparisons (main~aa vs main) came out faster or slower (expected:
// none)." and, when any did, a second line warning that this machine or
// these settings cannot be trusted. Without an A/A copy in the results, a
// line saying nothing checked the machine.
std::vector<std::string> AaCheckLines(const Report& report);

// The columns of a summary row after the memory size and branch: old, new,
// change, interval, adjusted p, verdict, and the units with what an
// undecided comparison needs ("10 blocks; MDE 3.1%, needs ~14 blocks").
std::vector<std::string> SummaryRowCells(const Report& report,
                                         const Comparison& c, bool bold);

// "10 blocks", "5 sessions a side" and, when undecided, why and what more
// it needs ("; MDE 13.2%, needs ~63 blocks", or the design note).
std::string UnitsText(const Comparison& c);

// "-9.8% [-12.1%, -7.5%] slower" for one comparison (`bold` marks the
// verdict with ** when it is faster or slower).
std::string ComparisonCellText(const Comparison& c, bool bold);

// What the p column of an adaptive comparison shows: the sequential design
// decides from its repeated intervals, not from a p-value.
inline constexpr char kAdaptiveP[] = "—";

// Which cells stopped adaptively and how their verdicts were made (not
// corrected with Holm/BH: the design controls their error); "" when none.
std::string AdaptiveSentence(const Report& report);

// One line on how verdicts were made (alpha, correction, min effect).
std::string MethodSentence(const AnalysisOptions& options);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_TEXT_REPORT_H_
