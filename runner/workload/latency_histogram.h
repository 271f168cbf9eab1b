// Counts request latencies into the fixed buckets every LOAD histogram uses,
// and turns them into a perfcell.LatencyHistogram (proto/cell.proto).
//
//   LatencyCounts counts;
//   counts.Add(0.0042);              // one request of 4.2 ms
//   other_thread_counts.Add(1.5);
//   counts.Merge(other_thread_counts);
//   LatencyHistogram h = counts.ToProto("stage 0: 8 clients");
//   // h.total() == 2, h.counts(i) for upper_bound_seconds(i)
//
// Buckets: 1 ms to 100 s, four per decade (10^(k/4) ms: 1, 1.778, 3.162,
// 5.623, 10, ... ms), then a last bucket with bound +infinity for anything
// slower, so the counts always add up to `total`. A latency lands in the
// first bucket whose bound is >= it (under 1 ms: the first bucket).
#ifndef PERFCELL_RUNNER_WORKLOAD_LATENCY_HISTOGRAM_H_
#define PERFCELL_RUNNER_WORKLOAD_LATENCY_HISTOGRAM_H_

#include <cstdint>
#include <string>
#include <vector>

#include "proto/cell.pb.h"

namespace perfcell {

// The bucket upper bounds in seconds, ascending; the last one is +infinity.
const std::vector<double>& LatencyBucketBoundsSeconds();

// Not thread-safe: keep one per thread and Merge them.
class LatencyCounts {
 public:
  LatencyCounts();

  void Add(double seconds);
  void Merge(const LatencyCounts& other);

  uint64_t total() const { return total_; }
  double sum_seconds() const { return sum_seconds_; }
  const std::vector<uint64_t>& counts() const { return counts_; }

  LatencyHistogram ToProto(const std::string& name) const;

 private:
  std::vector<uint64_t> counts_;  // one per bound
  uint64_t total_ = 0;
  double sum_seconds_ = 0;
};

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_WORKLOAD_LATENCY_HISTOGRAM_H_
