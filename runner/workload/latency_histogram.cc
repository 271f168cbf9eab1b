#include "runner/workload/latency_histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace perfcell {
namespace {

constexpr int kBucketsPerDecade = 4;
constexpr int kFirstExponent = -3;  // 1 ms
constexpr int kLastExponent = 2;    // 100 s

std::vector<double> MakeBounds() {
  std::vector<double> bounds;
  for (int k = 0; k <= (kLastExponent - kFirstExponent) * kBucketsPerDecade;
       ++k) {
    const double bound = std::pow(
        10.0, kFirstExponent + static_cast<double>(k) / kBucketsPerDecade);
    // Whole microseconds: readable in result.json, still strictly ascending.
    bounds.push_back(std::round(bound * 1e6) / 1e6);
  }
  bounds.push_back(std::numeric_limits<double>::infinity());
  return bounds;
}

}  // namespace

const std::vector<double>& LatencyBucketBoundsSeconds() {
  static const std::vector<double>* const bounds =
      new std::vector<double>(MakeBounds());
  return *bounds;
}

LatencyCounts::LatencyCounts()
    : counts_(LatencyBucketBoundsSeconds().size(), 0) {}

void LatencyCounts::Add(double seconds) {
  const std::vector<double>& bounds = LatencyBucketBoundsSeconds();
  // First bound >= seconds; NaN (never expected) goes to the last bucket.
  size_t i =
      std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin();
  if (i >= counts_.size()) i = counts_.size() - 1;
  ++counts_[i];
  ++total_;
  sum_seconds_ += seconds;
}

void LatencyCounts::Merge(const LatencyCounts& other) {
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
  sum_seconds_ += other.sum_seconds_;
}

LatencyHistogram LatencyCounts::ToProto(const std::string& name) const {
  LatencyHistogram h;
  h.set_name(name);
  for (double bound : LatencyBucketBoundsSeconds()) {
    h.add_upper_bound_seconds(bound);
  }
  for (uint64_t count : counts_) h.add_counts(count);
  h.set_total(total_);
  h.set_sum_seconds(sum_seconds_);
  return h;
}

}  // namespace perfcell
