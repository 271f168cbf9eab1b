// The text outputs of a report: cells.csv (one row per cell x series) and
// summary.md (per workload, a table of branches against the baseline, then
// the warnings).
#ifndef PERFCELL_ANALYSIS_TEXT_REPORT_H_
#define PERFCELL_ANALYSIS_TEXT_REPORT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "analysis/analysis.h"

namespace perfcell::analysis {

// The comparisons of one workload (kind, size, backend...) laid out as a
// table: one row per memory size and baseline series, one column per
// candidate series.
struct SummaryTable {
  std::string workload;
  std::vector<std::string> columns;
  struct Row {
    uint32_t memory_mib;
    size_t baseline;  // index into Report::groups
    std::map<std::string, const Comparison*> cells;  // by candidate series
  };
  std::vector<Row> rows;
};
std::vector<SummaryTable> BuildSummaryTables(const Report& report);

// "80.0 MiB/s (CV 3.1%, n 10)" for a baseline cell.
std::string BaselineCellText(const GroupStats& stats);

// RFC 4180 CSV with a header row; throughputs in MiB/s, ratios as
// candidate / baseline. Baseline rows leave the comparison columns empty.
std::string CellsCsv(const Report& report);

// The Markdown tables only (what the CLIs print on stdout).
std::string SummaryTables(const Report& report);

// The whole summary.md: context, how to read it, tables, warnings.
std::string SummaryMarkdown(const Report& report);

// "-9.8% [-12.1%, -7.5%] slower" for one comparison (`bold` marks the
// verdict with ** when it is faster or slower).
std::string ComparisonCellText(const Comparison& c, bool bold);

// One line on how verdicts were made (alpha, correction, min effect).
std::string MethodSentence(const AnalysisOptions& options);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_TEXT_REPORT_H_
