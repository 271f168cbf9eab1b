// Latency percentiles of LOAD cells, per cell, branch, load level ("4
// clients") and operation, and branch-vs-baseline comparisons of p50 and
// p99 over the blocks of interleaved cells.
//
//   Report report = Analyze(...);
//   LatencyReport latency = AnalyzeLatency(loaded, report, warmup);
//   std::string md = LatencyMarkdown(latency, report.options);
//
// Where the histograms come from: each LOAD stage of each run writes one
// LatencyHistogram named "<branch> run <R>: stage <S>: <N> clients" (cell
// runner + workload). A stage counts when its Iteration (same run, index S)
// is measured (not warm-up, or index >= the --warmup override) and ok.
// Stages of one run with the same client count and operation merge (counts
// add): that is one unit's distribution. Units are the blocks the
// throughput analysis kept for the branch (interleaved results), else one
// per result file (session).
//
// Per series and reported percentile: the percentile of every unit merged
// (`pooled`), and, with two or more units, the Hodges–Lehmann centre of the
// per-unit percentiles with its signed-rank interval (on logs).
// Per candidate in an interleaved cell, for p50 and p99: per block
// d = log(baseline latency / candidate latency), through the same
// CompareBlockLogRatios and DecideComparisonVerdict as throughput (so
// "faster" means lower latency), with Holm (or BH) over the latency
// comparisons of the report, a family of their own.
#ifndef PERFCELL_ANALYSIS_LATENCY_REPORT_H_
#define PERFCELL_ANALYSIS_LATENCY_REPORT_H_

#include <map>
#include <string>
#include <vector>

#include "analysis/analysis.h"
#include "analysis/dataset.h"
#include "analysis/result_loader.h"
#include "contract/latency_percentiles.h"
#include "contract/stats/bootstrap.h"

namespace perfcell::analysis {

struct PercentileEstimate {
  double q = 0;
  double pooled = NAN;    // seconds, every unit merged
  double estimate = NAN;  // seconds, centre over units (>= 2 units)
  stats::Interval ci{NAN, NAN};
  double ci_level = NAN;
  bool reached = false;
};

struct LatencySeries {
  CellKey key;
  std::string series;     // branch
  std::string stage;      // "4 clients"
  std::string operation;  // LatencyHistogram.operation; "" when none
  bool interleaved = false;
  LatencyDistribution pooled;
  // Per unit: (result ordinal, block) for interleaved results, else
  // (result ordinal, 0).
  std::map<BlockId, LatencyDistribution> units;
  std::vector<PercentileEstimate> percentiles;  // ReportedPercentiles()
};

struct LatencyComparison {
  size_t baseline = 0;  // into LatencyReport::series
  size_t candidate = 0;
  double q = 0;  // 0.5 or 0.99
  // Candidate / baseline latency (below 1: lower latency), with interval.
  double ratio = NAN;
  stats::Interval ratio_ci{NAN, NAN};
  // The pooled percentiles' ratio (candidate / baseline): shown when the
  // units cannot support an interval (e.g. one session a side in compare).
  double pooled_ratio = NAN;
  // The throughput-style comparison behind it (ratio = baseline /
  // candidate latency, higher is faster), with p_adjusted and verdict set.
  Comparison blocks;
};

struct LatencyReport {
  std::vector<LatencySeries> series;  // by cell, stage, operation, branch
  std::vector<LatencyComparison> comparisons;
  std::vector<Warning> warnings;  // unreadable histograms and such
  std::string baseline;
  // `compare`: run B's series against run A's, by result file (sessions).
  bool compare = false;
};

// The latency part of a report over `loaded` (the same results, in the same
// order, that `report` was made from). `warmup_override` as in
// GroupResults. Empty when no result has LOAD histograms.
LatencyReport AnalyzeLatency(const std::vector<LoadedResult>& loaded,
                             const Report& report, int warmup_override);

// The same for `compare`: the series of both runs ("baseline (A)",
// "baseline (B)", as `report` names them), and each branch of run B against
// the same branch of run A, per cell, load level and operation, for p50 and
// p99. The runs' blocks do not pair, so the units compared are result files
// (sessions): the percentile of each, Hodges–Lehmann ratio with its
// Mann–Whitney interval as for throughput in `compare` (fewer than 3
// sessions a side: the pooled percentiles' ratio alone, inconclusive), with
// Holm (or BH) over these comparisons. Empty without LOAD histograms.
LatencyReport AnalyzeCompareLatency(const std::vector<LoadedResult>& loaded_a,
                                    const std::vector<LoadedResult>& loaded_b,
                                    const Report& report, int warmup_override);

// Latency columns of cells.csv for one cell and series: per operation
// (`download`, `upload`; a LOAD cell without a mix: `download`), p50, p95
// and p99 in seconds, every measured stage and unit pooled. Empty strings
// when the series has no latency data for that operation.
std::vector<std::string> LatencyCsvHeader();
std::vector<std::string> LatencyCsvFields(const LatencyReport* latency,
                                          const CellKey& key,
                                          const std::string& series);

// "12.3 ms", "850 us", "1.52 s"; "-" for NaN, "> 100 s" for infinity.
std::string FormatLatency(double seconds);

// The "## Latency" section of summary.md: per cell, a table of p50, p95 and
// p99 with their intervals and the p50/p99 verdicts, then every reported
// percentile (pooled). "" when the report has no latency.
std::string LatencyMarkdown(const LatencyReport& latency,
                            const AnalysisOptions& options);

// The report.html section: the same tables and a percentile-spectrum plot
// per cell and stage (x: percentile on a log(1 / (1 - q)) axis, y: latency,
// one line per branch). "" when the report has no latency.
std::string LatencyHtml(const LatencyReport& latency,
                        const AnalysisOptions& options,
                        const std::vector<std::string>& series_order);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_LATENCY_REPORT_H_
