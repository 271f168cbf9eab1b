// A self-contained HTML report (no network, no JavaScript): summary tables,
// a forest plot of every ratio with its CI and the +/-min-effect band, a
// strip plot of every iteration per cell and series, throughput against
// time for drift, per-series statistics and the warnings. Plots are inline
// SVG; hovering a dot shows its value where the viewer supports <title>.
#ifndef PERFCELL_ANALYSIS_HTML_REPORT_H_
#define PERFCELL_ANALYSIS_HTML_REPORT_H_

#include <string>

#include "analysis/analysis.h"
#include "analysis/guest_metrics_report.h"
#include "analysis/latency_report.h"
#include "analysis/targets.h"

namespace perfcell::analysis {

// `latency`, when given, adds the latency tables and percentile spectra of
// LOAD cells after the block ratios; `targets` the targets table after the
// summary; `guest` the server resources table after the latency.
std::string HtmlReport(const Report& report,
                       const LatencyReport* latency = nullptr,
                       const TargetsReport* targets = nullptr,
                       const GuestMetricsReport* guest = nullptr);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_HTML_REPORT_H_
