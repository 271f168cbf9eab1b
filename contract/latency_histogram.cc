#include "contract/latency_histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace perfcell {
namespace {

constexpr double kDefaultUnitSeconds = 1e-9;
constexpr uint32_t kDefaultSubBucketBits = 7;
constexpr double kDefaultHighestSeconds = 100;

// Position of the highest set bit of v > 0.
int HighestBit(uint64_t v) { return 63 - __builtin_clzll(v); }

}  // namespace

LatencyLayout::LatencyLayout(double unit_seconds, uint32_t sub_bucket_bits,
                             double highest_seconds)
    : unit_seconds_(unit_seconds),
      sub_bucket_bits_(sub_bucket_bits),
      highest_seconds_(highest_seconds) {
  const auto highest_units =
      static_cast<uint64_t>(std::floor(highest_seconds / unit_seconds));
  bucket_count_ = static_cast<int>(IndexOfUnits(highest_units)) + 1;
}

const LatencyLayout& LatencyLayout::Default() {
  static const LatencyLayout* const layout = new LatencyLayout(
      kDefaultUnitSeconds, kDefaultSubBucketBits, kDefaultHighestSeconds);
  return *layout;
}

absl::StatusOr<LatencyLayout> LatencyLayout::Create(double unit_seconds,
                                                    uint32_t sub_bucket_bits,
                                                    double highest_seconds) {
  if (!(unit_seconds > 0) || !std::isfinite(unit_seconds)) {
    return absl::InvalidArgumentError(
        absl::StrCat("latency histogram unit_seconds ", unit_seconds,
                     " must be positive and finite"));
  }
  if (sub_bucket_bits < 1 || sub_bucket_bits > 16) {
    return absl::InvalidArgumentError(
        absl::StrCat("latency histogram sub_bucket_bits ", sub_bucket_bits,
                     " must be in [1, 16]"));
  }
  const double span = highest_seconds / unit_seconds;
  if (!(span >= std::ldexp(1.0, sub_bucket_bits + 1)) ||
      !(span <= std::ldexp(1.0, 52))) {
    return absl::InvalidArgumentError(
        absl::StrCat("latency histogram highest_seconds ", highest_seconds,
                     " is ", span, " units of ", unit_seconds,
                     " s; must be in [2^", sub_bucket_bits + 1, ", 2^52]"));
  }
  return LatencyLayout(unit_seconds, sub_bucket_bits, highest_seconds);
}

absl::StatusOr<LatencyLayout> LatencyLayout::FromProto(
    const LatencyHistogram& h) {
  return Create(h.unit_seconds(), h.sub_bucket_bits(), h.highest_seconds());
}

uint64_t LatencyLayout::IndexOfUnits(uint64_t units) const {
  const uint64_t half = uint64_t{1} << sub_bucket_bits_;  // sub-buckets
  if (units < 2 * half) return units;
  const int msb = HighestBit(units);  // >= bits + 1
  const int shift = msb - static_cast<int>(sub_bucket_bits_);
  const uint64_t sub = units >> shift;  // in [half, 2 half)
  return 2 * half + (msb - sub_bucket_bits_ - 1) * half + (sub - half);
}

uint64_t LatencyLayout::LowerUnits(int index) const {
  const uint64_t half = uint64_t{1} << sub_bucket_bits_;
  const auto i = static_cast<uint64_t>(index);
  if (i < 2 * half) return i;
  const uint64_t j = i - 2 * half;
  const uint64_t shift = 1 + j / half;  // msb - bits
  const uint64_t sub = half + j % half;
  return sub << shift;
}

int LatencyLayout::IndexOf(double seconds) const {
  if (std::isnan(seconds) || seconds > highest_seconds_) return -1;
  if (seconds <= 0) return 0;
  const auto units = static_cast<uint64_t>(std::floor(seconds / unit_seconds_));
  return static_cast<int>(IndexOfUnits(units));
}

double LatencyLayout::LowerSeconds(int index) const {
  return static_cast<double>(LowerUnits(index)) * unit_seconds_;
}

double LatencyLayout::UpperSeconds(int index) const {
  return static_cast<double>(LowerUnits(index + 1)) * unit_seconds_;
}

double LatencyLayout::MidSeconds(int index) const {
  return (static_cast<double>(LowerUnits(index)) +
          static_cast<double>(LowerUnits(index + 1))) /
         2 * unit_seconds_;
}

LatencyCounts::LatencyCounts()
    : counts_(LatencyLayout::Default().bucket_count(), 0),
      min_seconds_(std::numeric_limits<double>::infinity()),
      max_seconds_(-std::numeric_limits<double>::infinity()) {}

void LatencyCounts::Add(double seconds) {
  ++total_;
  const int i = LatencyLayout::Default().IndexOf(seconds);
  if (i < 0) {
    ++overflow_;
  } else {
    ++counts_[i];
  }
  if (std::isnan(seconds)) return;  // never expected; counted, not summed
  seconds = std::max(seconds, 0.0);
  sum_seconds_ += seconds;
  min_seconds_ = std::min(min_seconds_, seconds);
  max_seconds_ = std::max(max_seconds_, seconds);
}

void LatencyCounts::Merge(const LatencyCounts& other) {
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
  overflow_ += other.overflow_;
  sum_seconds_ += other.sum_seconds_;
  min_seconds_ = std::min(min_seconds_, other.min_seconds_);
  max_seconds_ = std::max(max_seconds_, other.max_seconds_);
}

LatencyHistogram LatencyCounts::ToProto(const std::string& name) const {
  const LatencyLayout& layout = LatencyLayout::Default();
  LatencyHistogram h;
  h.set_name(name);
  h.set_unit_seconds(layout.unit_seconds());
  h.set_sub_bucket_bits(layout.sub_bucket_bits());
  h.set_highest_seconds(layout.highest_seconds());
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    h.add_bucket_index(static_cast<uint32_t>(i));
    h.add_bucket_count(counts_[i]);
  }
  h.set_overflow(overflow_);
  h.set_total(total_);
  h.set_sum_seconds(sum_seconds_);
  if (min_seconds_ <= max_seconds_) {
    h.set_min_seconds(min_seconds_);
    h.set_max_seconds(max_seconds_);
  }
  return h;
}

}  // namespace perfcell
