// Latency percentiles from LatencyHistogram protos of either format
// (proto/cell.proto): the log-linear one LatencyCounts writes (buckets at
// most 1/128 of their value wide, exact min and max) and the dense one of
// older results (four buckets per decade from 1 ms, last bound +infinity).
//
//   ASSIGN_OR_RETURN(LatencyDistribution d, LatencyDistribution::FromProto(h));
//   RETURN_IF_ERROR(d.Merge(other));        // same layout: counts add
//   double p99 = d.Percentile(0.99);        // seconds
//
// Percentiles use the nearest-rank definition: Percentile(q) describes the
// ceil(q * total)-th smallest latency (at least the first). It reports the
// midpoint of the bucket holding it (log-linear: within 0.4% of it), kept
// inside [min, max]; Percentile(1) is the exact maximum. A dense bucket
// reports its upper bound ("at most"), +infinity for the last one.
#ifndef PERFCELL_CONTRACT_LATENCY_PERCENTILES_H_
#define PERFCELL_CONTRACT_LATENCY_PERCENTILES_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "proto/cell.pb.h"

namespace perfcell {

// The percentiles the report shows, as fractions: p50, p90, p95, p99,
// p99.9 and the maximum.
const std::vector<double>& ReportedPercentiles();

// "p50", "p99.9", "max" for 0.5, 0.999, 1.
std::string PercentileName(double q);

class LatencyDistribution {
 public:
  // An empty distribution that merges with anything.
  LatencyDistribution() = default;

  // InvalidArgument when the histogram is inconsistent: bad layout
  // parameters, bucket_index and bucket_count of different lengths or not
  // ascending, an index past the layout, counts that do not add up to
  // `total`, dense bounds not ascending.
  static absl::StatusOr<LatencyDistribution> FromProto(
      const LatencyHistogram& h);

  // Adds `other`'s counts. FailedPrecondition when both hold counts in
  // different layouts (their buckets do not line up).
  absl::Status Merge(const LatencyDistribution& other);

  uint64_t total() const { return total_; }
  bool empty() const { return total_ == 0; }
  // True for the log-linear format (exact min and max, fine buckets).
  bool fine() const { return fine_; }
  // "log-linear 1e-09 s x 2^7 to 100 s", "dense (22 bounds)", or "" empty.
  const std::string& layout() const { return layout_; }

  // The nearest-rank percentile in seconds (see above); NaN when empty or
  // q is outside [0, 1].
  double Percentile(double q) const;

 private:
  struct Bucket {
    double lower = 0;  // seconds
    double upper = 0;
    double report = 0;  // what a percentile in it reports
    uint64_t count = 0;
  };
  // By upper bound; overflow (log-linear) under +infinity.
  std::map<double, Bucket> buckets_;
  uint64_t total_ = 0;
  bool fine_ = false;
  double min_ = 0;  // fine only
  double max_ = 0;
  std::string layout_;
};

}  // namespace perfcell

#endif  // PERFCELL_CONTRACT_LATENCY_PERCENTILES_H_
