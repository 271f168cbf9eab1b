#include "analysis/stats/bootstrap.h"

#include <algorithm>
#include <limits>
#include <random>

#include "analysis/stats/descriptive.h"

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
  std::vector<double> buffer, estimates;
  estimates.reserve(options.resamples);
  for (int r = 0; r < options.resamples; ++r) {
    estimates.push_back(ResampledMedian(x, rng, buffer));
  }
  return PercentileInterval(std::move(estimates), options.confidence);
}

Interval BootstrapRatioOfMediansCi(const std::vector<double>& numerator,
                                   const std::vector<double>& denominator,
                                   const BootstrapOptions& options) {
  if (numerator.size() < 2 || denominator.size() < 2) return {kNaN, kNaN};
  std::mt19937_64 rng(options.seed);
  std::vector<double> buffer, estimates;
  estimates.reserve(options.resamples);
  for (int r = 0; r < options.resamples; ++r) {
    const double top = ResampledMedian(numerator, rng, buffer);
    const double bottom = ResampledMedian(denominator, rng, buffer);
    if (bottom != 0) estimates.push_back(top / bottom);
  }
  return PercentileInterval(std::move(estimates), options.confidence);
}

}  // namespace perfcell::stats
