#include "contract/stats/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "contract/stats/descriptive.h"

namespace perfcell::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Median of a resample of `x` drawn with replacement into `buffer`.
double ResampledMedian(const std::vector<double>& x, std::mt19937_64& rng,
                       std::vector<double>& buffer) {
  const size_t n = x.size();
  buffer.resize(n);
  for (size_t i = 0; i < n; ++i) buffer[i] = x[rng() % n];
  const size_t mid = n / 2;
  std::nth_element(buffer.begin(), buffer.begin() + mid, buffer.end());
  const double upper = buffer[mid];
  if (n % 2 == 1) return upper;
  const double lower = *std::max_element(buffer.begin(), buffer.begin() + mid);
  return (lower + upper) / 2;
}

// The median of a resample of `sorted` (ascending, n > kLargeSample)
// without drawing n values: the rank of a resample's median in `sorted` is
// asymptotically normal, n/2 + sqrt(n)/2 * Z (the count of draws at or
// below the j-th value is Binomial(n, j/n)), so one normal draw picks it.
// Box-Muller on the same generator keeps the result platform-independent.
double LargeSampleResampledMedian(const std::vector<double>& sorted,
                                  std::mt19937_64& rng) {
  const double n = static_cast<double>(sorted.size());
  // Two uniforms in (0, 1] from the top 53 bits.
  const double u1 = (static_cast<double>(rng() >> 11) + 1) * 0x1.0p-53;
  const double u2 = (static_cast<double>(rng() >> 11) + 1) * 0x1.0p-53;
  const double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
  const double rank = (n - 1) / 2 + std::sqrt(n) / 2 * z;
  const long last = static_cast<long>(sorted.size()) - 1;
  const long i = std::clamp(std::lround(rank), 0L, last);
  return sorted[i];
}

// Draws of the resampled median of `x`: each costs O(n) up to kLargeSample
// values, O(1) after one sort above it.
class MedianResampler {
 public:
  MedianResampler(const std::vector<double>& x, BootstrapWork* work)
      : x_(x), work_(work) {
    if (x.size() > kLargeSample) {
      sorted_ = x;
      std::sort(sorted_.begin(), sorted_.end());
    }
  }
  double Next(std::mt19937_64& rng) {
    if (sorted_.empty()) {
      if (work_ != nullptr) work_->values_drawn += x_.size();
      return ResampledMedian(x_, rng, buffer_);
    }
    if (work_ != nullptr) ++work_->values_drawn;
    return LargeSampleResampledMedian(sorted_, rng);
  }

 private:
  const std::vector<double>& x_;
  BootstrapWork* work_;
  std::vector<double> sorted_;
  std::vector<double> buffer_;
};

Interval PercentileInterval(std::vector<double> estimates, double confidence) {
  if (estimates.empty()) return {kNaN, kNaN};
  const double tail = (1 - confidence) / 2;
  return {Quantile(estimates, tail), Quantile(estimates, 1 - tail)};
}

}  // namespace

Interval BootstrapMedianCi(const std::vector<double>& x,
                           const BootstrapOptions& options) {
  if (x.size() < 2) return {kNaN, kNaN};
  std::mt19937_64 rng(options.seed);
  MedianResampler resampler(x, options.work);
  std::vector<double> estimates;
  estimates.reserve(options.resamples);
  for (int r = 0; r < options.resamples; ++r) {
    estimates.push_back(resampler.Next(rng));
  }
  return PercentileInterval(std::move(estimates), options.confidence);
}

Interval BootstrapRatioOfMediansCi(const std::vector<double>& numerator,
                                   const std::vector<double>& denominator,
                                   const BootstrapOptions& options) {
  if (numerator.size() < 2 || denominator.size() < 2) return {kNaN, kNaN};
  std::mt19937_64 rng(options.seed);
  MedianResampler top_resampler(numerator, options.work);
  MedianResampler bottom_resampler(denominator, options.work);
  std::vector<double> estimates;
  estimates.reserve(options.resamples);
  for (int r = 0; r < options.resamples; ++r) {
    const double top = top_resampler.Next(rng);
    const double bottom = bottom_resampler.Next(rng);
    if (bottom != 0) estimates.push_back(top / bottom);
  }
  return PercentileInterval(std::move(estimates), options.confidence);
}

}  // namespace perfcell::stats
