// Thresholds (k6's "thresholds", the seed projects' "targets"): limits on
// one figure of a cell, checked per branch over its measured iterations.
//
//   ASSIGN_OR_RETURN(std::vector<Threshold> limits,
//                    ParseThresholds("download.p95 < 200ms; "
//                                    "server.rss_max < 128MiB"));
//   std::vector<ThresholdCheck> checks = CheckThresholds(result);
//   std::string line = BrokenLine(checks);
//   // "threshold download.p95 < 200ms broken by branch slow: 312ms (+56%)"
//
// Grammar: "<metric> <op> <number><unit>", several separated by ";".
// Metrics (what each measures: proto/cell.proto, message Threshold):
//   download.<stat>, upload.<stat> with stat throughput, p50, p90, p95,
//     p99, p99.9 or max;  errors.rate;  server.rss_max;  tmp.leftover_max;
//     disk.used_max.
// Operators: <, <=, >, >=. Units: latency us, ms, s; throughput B/s, KiB/s,
// MiB/s, GiB/s; sizes B, KiB, MiB, GiB; errors.rate %.
#ifndef PERFCELL_CONTRACT_THRESHOLDS_H_
#define PERFCELL_CONTRACT_THRESHOLDS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/cell.pb.h"

namespace perfcell {

// What a metric's figure is, which decides its units.
enum class MetricKind { kLatency, kThroughput, kBytes, kFraction };

// The kind of `metric` ("download.p95"), or InvalidArgument naming the
// metrics there are.
absl::StatusOr<MetricKind> KindOfMetric(absl::string_view metric);

// One threshold from its metric and condition, as perf_matrix's
// `thresholds` dict has them: ParseThreshold("download.p95", "< 200ms").
// InvalidArgument with one clear message for an unknown metric, a bad
// operator, a malformed number or a unit that does not fit the metric.
absl::StatusOr<Threshold> ParseThreshold(absl::string_view metric,
                                         absl::string_view condition);

// Every threshold of "download.p95 < 200ms; errors.rate < 0.1%" (the
// --thresholds flag); empty text gives none. A metric may be given twice
// (a range: "download.p50 > 1ms; download.p50 < 50ms").
absl::StatusOr<std::vector<Threshold>> ParseThresholds(absl::string_view text);

// A figure in the threshold's own style: "312ms", "1.52s", "48.3MiB/s",
// "140MiB", "0.25%".
std::string FormatMetricValue(MetricKind kind, double value);

// One threshold against one branch of a cell.
struct ThresholdCheck {
  Threshold threshold;
  std::string branch;
  // NaN when the branch has no measured figure for it (no measured
  // iterations, no guest metrics, an unreadable histogram): not broken.
  double value = 0;
  bool broken = false;
  // value / limit - 1 (NaN when the limit is 0).
  double relative = 0;
};

// Every threshold of result.spec() that applies to the cell (an operation
// the workload performs; the others are left out), for every branch in
// spec order, over the measured iterations: not warm-up (with
// `warmup_override` >= 0: index >= warmup_override), and for latency and
// throughput also ok. LOAD histograms count when their stage's iteration
// does.
std::vector<ThresholdCheck> CheckThresholds(const CellResult& result,
                                            int warmup_override = -1);

// "threshold download.p95 < 200ms broken by branch slow: 312ms (+56%)",
// one line for every broken check ("; " between them), "" when none is.
std::string BrokenLine(const std::vector<ThresholdCheck>& checks);

}  // namespace perfcell

#endif  // PERFCELL_CONTRACT_THRESHOLDS_H_
