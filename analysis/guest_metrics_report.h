// What the server did to its machine, per cell and branch: peak resident
// memory, /tmp leftovers after each iteration and data disk use, from the
// GuestMetrics each iteration carries (proto/cell.proto defines each field,
// the same on the guest and the host backend), with a warning when /tmp
// leftovers grow over a run's iterations (files the server never deletes:
// the old harness's 3x slowdown).
//
//   GuestMetricsReport g = AnalyzeGuestMetrics(loaded, series_order, -1);
//   for (const Warning& w : g.warnings) report.warnings.push_back(w);
//   std::string md = GuestMetricsMarkdown(g);  // "## Server resources ..."
#ifndef PERFCELL_ANALYSIS_GUEST_METRICS_REPORT_H_
#define PERFCELL_ANALYSIS_GUEST_METRICS_REPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/dataset.h"
#include "analysis/result_loader.h"

namespace perfcell::analysis {

// One cell and branch, over its measured iterations with metrics (every
// result and run of it pooled). Bytes; NaN-free: `iterations` 0 means none.
struct GuestMetricsRow {
  CellKey key;
  std::string branch;
  int iterations = 0;
  uint64_t rss_peak = 0;          // max of server_rss_peak_bytes / _rss_bytes
  uint64_t tmp_leftover_max = 0;  // bytes after an iteration, at most
  uint64_t tmp_files_max = 0;
  uint64_t disk_used_max = 0;
  uint64_t disk_total = 0;
  std::string tmp_where;  // "ext4 on the data disk", "tmpfs", ""
};

struct GuestMetricsReport {
  std::vector<GuestMetricsRow> rows;  // by cell, then branch order
  std::vector<Warning> warnings;      // kind "leftovers"
};

// `series_order` orders branches; `warmup_override` as in GroupResults.
// Leftover growth is judged on every iteration of a run, warm-up included:
// a run whose /tmp holds more bytes after its last iteration than after its
// first grew.
GuestMetricsReport AnalyzeGuestMetrics(
    const std::vector<LoadedResult>& loaded,
    const std::vector<std::string>& series_order, int warmup_override);

// "## Server resources": a table per report; "" without metrics.
std::string GuestMetricsMarkdown(const GuestMetricsReport& report);
std::string GuestMetricsHtml(const GuestMetricsReport& report);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_GUEST_METRICS_REPORT_H_
