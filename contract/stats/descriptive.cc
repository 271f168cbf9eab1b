#include "contract/stats/descriptive.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace perfcell::stats {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

double Mean(const std::vector<double>& x) {
  if (x.empty()) return kNaN;
  return std::accumulate(x.begin(), x.end(), 0.0) / x.size();
}

double StdDev(const std::vector<double>& x) {
  if (x.size() < 2) return kNaN;
  const double mean = Mean(x);
  double sum_sq = 0;
  for (double v : x) sum_sq += (v - mean) * (v - mean);
  return std::sqrt(sum_sq / (x.size() - 1));
}

double CoefficientOfVariation(const std::vector<double>& x) {
  const double mean = Mean(x);
  if (x.size() < 2 || mean == 0) return kNaN;
  return StdDev(x) / std::fabs(mean);
}

double Median(std::vector<double> x) { return Quantile(std::move(x), 0.5); }

double Quantile(std::vector<double> x, double p) {
  if (x.empty()) return kNaN;
  std::sort(x.begin(), x.end());
  p = std::clamp(p, 0.0, 1.0);
  const double h = (x.size() - 1) * p;
  const size_t lo = static_cast<size_t>(std::floor(h));
  if (lo + 1 >= x.size()) return x.back();
  return x[lo] + (h - lo) * (x[lo + 1] - x[lo]);
}

double Min(const std::vector<double>& x) {
  if (x.empty()) return kNaN;
  return *std::min_element(x.begin(), x.end());
}

double Max(const std::vector<double>& x) {
  if (x.empty()) return kNaN;
  return *std::max_element(x.begin(), x.end());
}

std::vector<double> MidRanks(const std::vector<double>& x) {
  std::vector<size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&x](size_t a, size_t b) { return x[a] < x[b]; });
  std::vector<double> ranks(x.size());
  size_t i = 0;
  while (i < order.size()) {
    size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    // Positions i..j (0-based) hold ranks i+1..j+1; their mean is shared.
    const double rank = (i + j) / 2.0 + 1;
    for (size_t k = i; k <= j; ++k) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

}  // namespace perfcell::stats
