#include "contract/latency_percentiles.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "contract/latency_histogram.h"

namespace perfcell {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

absl::Status Bad(const LatencyHistogram& h, const std::string& what) {
  return absl::InvalidArgumentError(
      absl::StrCat("latency histogram \"", h.name(), "\": ", what));
}

}  // namespace

const std::vector<double>& ReportedPercentiles() {
  static const std::vector<double>* const q =
      new std::vector<double>{0.5, 0.9, 0.95, 0.99, 0.999, 1};
  return *q;
}

std::string PercentileName(double q) {
  if (q >= 1) return "max";
  return absl::StrFormat("p%g", q * 100);
}

absl::StatusOr<LatencyDistribution> LatencyDistribution::FromProto(
    const LatencyHistogram& h) {
  LatencyDistribution d;
  uint64_t sum = 0;
  if (h.unit_seconds() != 0 || h.bucket_index_size() > 0) {
    absl::StatusOr<LatencyLayout> layout = LatencyLayout::FromProto(h);
    if (!layout.ok()) return Bad(h, std::string(layout.status().message()));
    if (h.bucket_index_size() != h.bucket_count_size()) {
      return Bad(h, absl::StrCat(h.bucket_index_size(), " bucket indices but ",
                                 h.bucket_count_size(), " counts"));
    }
    d.fine_ = true;
    d.layout_ = absl::StrCat("log-linear ", layout->unit_seconds(), " s x 2^",
                             layout->sub_bucket_bits(), " to ",
                             layout->highest_seconds(), " s");
    int previous = -1;
    for (int k = 0; k < h.bucket_index_size(); ++k) {
      const int i = static_cast<int>(h.bucket_index(k));
      if (i <= previous || i >= layout->bucket_count()) {
        return Bad(h, absl::StrCat("bucket index ", h.bucket_index(k),
                                   " out of order or past the layout's ",
                                   layout->bucket_count(), " buckets"));
      }
      previous = i;
      if (h.bucket_count(k) == 0) continue;
      d.buckets_[layout->UpperSeconds(i)] = {
          layout->LowerSeconds(i), layout->UpperSeconds(i),
          layout->MidSeconds(i), h.bucket_count(k)};
      sum += h.bucket_count(k);
    }
    if (h.overflow() > 0) {
      d.buckets_[kInfinity] = {layout->highest_seconds(), kInfinity, kInfinity,
                               h.overflow()};
      sum += h.overflow();
    }
    d.min_ = h.min_seconds();
    d.max_ = h.max_seconds();
    if (sum > 0 && !(d.min_ <= d.max_)) {
      return Bad(h, absl::StrCat("min_seconds ", d.min_, " above max_seconds ",
                                 d.max_));
    }
  } else {
    if (h.upper_bound_seconds_size() != h.counts_size()) {
      return Bad(h, absl::StrCat(h.upper_bound_seconds_size(), " bounds but ",
                                 h.counts_size(), " counts"));
    }
    d.layout_ =
        absl::StrCat("dense (", h.upper_bound_seconds_size(), " bounds)");
    double lower = 0;
    for (int k = 0; k < h.counts_size(); ++k) {
      const double upper = h.upper_bound_seconds(k);
      if (!(upper > lower)) {
        return Bad(h, absl::StrCat("bound ", upper, " not above ", lower));
      }
      if (h.counts(k) > 0) {
        d.buckets_[upper] = {lower, upper, upper, h.counts(k)};
        sum += h.counts(k);
      }
      lower = upper;
    }
  }
  if (sum != h.total()) {
    return Bad(h, absl::StrCat("buckets hold ", sum, " requests, total says ",
                               h.total()));
  }
  d.total_ = sum;
  if (d.total_ == 0) d.layout_.clear();
  return d;
}

absl::Status LatencyDistribution::Merge(const LatencyDistribution& other) {
  if (other.empty()) return absl::OkStatus();
  if (empty()) {
    *this = other;
    return absl::OkStatus();
  }
  if (layout_ != other.layout_) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot merge latency histograms of different layouts (",
                     layout_, "; ", other.layout_, ")"));
  }
  for (const auto& [upper, bucket] : other.buckets_) {
    auto [it, inserted] = buckets_.emplace(upper, bucket);
    if (!inserted) it->second.count += bucket.count;
  }
  total_ += other.total_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  return absl::OkStatus();
}

double LatencyDistribution::Percentile(double q) const {
  if (empty() || !(q >= 0 && q <= 1)) return NAN;
  if (fine_ && q == 1) return max_;
  // Nearest rank; the small slack keeps 0.99 * 100 at rank 99.
  const double wanted = std::ceil(q * static_cast<double>(total_) - 1e-9);
  const uint64_t rank = std::max<uint64_t>(1, static_cast<uint64_t>(wanted));
  uint64_t seen = 0;
  for (const auto& [upper, bucket] : buckets_) {
    seen += bucket.count;
    if (seen < rank) continue;
    if (!fine_) return bucket.report;
    return std::clamp(bucket.report, min_, max_);
  }
  return fine_ ? max_ : kInfinity;
}

}  // namespace perfcell
