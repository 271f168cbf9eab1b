// Counts request latencies in a log-linear histogram (HdrHistogram's design:
// linear sub-buckets inside each power of two) and turns them into a
// perfcell.LatencyHistogram (proto/cell.proto).
//
//   LatencyCounts counts;
//   counts.Add(0.0042);              // one request of 4.2 ms
//   other_thread_counts.Add(1.5);
//   counts.Merge(other_thread_counts);
//   LatencyHistogram h = counts.ToProto("stage 0: 8 clients");
//   // h.total() == 2; h.bucket_index(i) has h.bucket_count(i) requests
//
// Layout (LatencyLayout): latencies are counted in whole units of 1 ns.
// Values below 2^8 units each have their own bucket; above, every power of
// two [2^m, 2^(m+1)) is cut into 2^7 = 128 equal buckets, so a bucket is at
// most 1/128 of its lower bound wide and its midpoint is within 0.4% of any
// value in it (within 1% over 1 us ... 100 s, as issue 12 asks). Latencies
// above 100 s (and NaN) count in `overflow`; negative ones as 0. The exact
// minimum, maximum and sum are kept too. Merging adds counts bucket by
// bucket: the histogram of two merged histograms is the histogram of all
// their latencies together.
#ifndef PERFCELL_CONTRACT_LATENCY_HISTOGRAM_H_
#define PERFCELL_CONTRACT_LATENCY_HISTOGRAM_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "proto/cell.pb.h"

namespace perfcell {

// The bucket layout a log-linear LatencyHistogram records with its
// parameters (unit_seconds, sub_bucket_bits, highest_seconds), so that a
// reader rebuilds every bucket's bounds from the proto alone.
class LatencyLayout {
 public:
  // The layout LatencyCounts writes: 1 ns units, 7 sub-bucket bits, 100 s.
  static const LatencyLayout& Default();

  // A layout from recorded parameters. InvalidArgument unless unit_seconds
  // is positive and finite, sub_bucket_bits is in [1, 16] and
  // highest_seconds / unit_seconds is in [2^(bits+1), 2^52].
  static absl::StatusOr<LatencyLayout> Create(double unit_seconds,
                                              uint32_t sub_bucket_bits,
                                              double highest_seconds);
  // The layout a log-linear LatencyHistogram names (its three parameters).
  static absl::StatusOr<LatencyLayout> FromProto(const LatencyHistogram& h);

  double unit_seconds() const { return unit_seconds_; }
  uint32_t sub_bucket_bits() const { return sub_bucket_bits_; }
  double highest_seconds() const { return highest_seconds_; }
  // Buckets below the overflow: indices 0 .. bucket_count() - 1.
  int bucket_count() const { return bucket_count_; }

  // The bucket that counts `seconds`, or -1 when it overflows (above
  // highest_seconds, or NaN). Negative latencies count as 0.
  int IndexOf(double seconds) const;
  // Bounds of bucket `index` in seconds: it holds [lower, upper).
  double LowerSeconds(int index) const;
  double UpperSeconds(int index) const;
  // (lower + upper) / 2: what a percentile in this bucket reports.
  double MidSeconds(int index) const;

  bool operator==(const LatencyLayout& o) const {
    return unit_seconds_ == o.unit_seconds_ &&
           sub_bucket_bits_ == o.sub_bucket_bits_ &&
           highest_seconds_ == o.highest_seconds_;
  }

 private:
  LatencyLayout(double unit_seconds, uint32_t sub_bucket_bits,
                double highest_seconds);
  uint64_t IndexOfUnits(uint64_t units) const;
  uint64_t LowerUnits(int index) const;

  double unit_seconds_;
  uint32_t sub_bucket_bits_;
  double highest_seconds_;
  int bucket_count_;
};

// Not thread-safe: keep one per thread and Merge them.
class LatencyCounts {
 public:
  LatencyCounts();

  void Add(double seconds);
  void Merge(const LatencyCounts& other);

  uint64_t total() const { return total_; }  // overflow included
  uint64_t overflow() const { return overflow_; }
  double sum_seconds() const { return sum_seconds_; }
  double min_seconds() const { return min_seconds_; }  // +inf when empty
  double max_seconds() const { return max_seconds_; }  // -inf when empty
  // One count per bucket of LatencyLayout::Default().
  const std::vector<uint64_t>& counts() const { return counts_; }

  // The log-linear proto: layout parameters, the non-empty buckets as
  // (bucket_index, bucket_count) pairs in ascending index order, overflow,
  // total, sum, min and max (both 0 when empty).
  LatencyHistogram ToProto(const std::string& name) const;

 private:
  std::vector<uint64_t> counts_;
  uint64_t total_ = 0;
  uint64_t overflow_ = 0;
  double sum_seconds_ = 0;
  double min_seconds_;
  double max_seconds_;
};

}  // namespace perfcell

#endif  // PERFCELL_CONTRACT_LATENCY_HISTOGRAM_H_
