#include "contract/stats/permutation.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace perfcell::stats {
namespace {

// C(n, k) as a double, saturating well above any exact-enumeration limit.
double Binomial(int n, int k) {
  double result = 1;
  for (int i = 1; i <= k; ++i) {
    result = result * (n - k + i) / i;
    if (result > 1e18) return 1e18;
  }
  return std::round(result);
}

}  // namespace

PermutationResult PermutationTest(const std::vector<double>& x,
                                  const std::vector<double>& y,
                                  const PermutationOptions& options) {
  PermutationResult result;
  if (x.empty() || y.empty()) return result;
  std::vector<double> pooled = x;
  pooled.insert(pooled.end(), y.begin(), y.end());
  const int m = x.size(), total_n = pooled.size();
  const double total = std::accumulate(pooled.begin(), pooled.end(), 0.0);
  auto statistic = [&](double sum_x) {
    return sum_x / m - (total - sum_x) / (total_n - m);
  };
  const double observed = statistic(std::accumulate(x.begin(), x.end(), 0.0));
  result.statistic = observed;
  // Relabellings at least as extreme, with a relative tolerance so that
  // rounding in the sums does not drop the observed labelling itself.
  const double threshold =
      std::fabs(observed) * (1 - 1e-12) - 1e-12 * std::fabs(total);
  auto extreme = [&](double sum_x) {
    return std::fabs(statistic(sum_x)) >= threshold;
  };

  int64_t hits = 0;
  if (Binomial(total_n, m) <= options.max_exact) {
    result.exact = true;
    // Walk every m-subset of the pooled indices in lexicographic order.
    std::vector<int> chosen(m);
    std::iota(chosen.begin(), chosen.end(), 0);
    while (true) {
      double sum_x = 0;
      for (int i : chosen) sum_x += pooled[i];
      hits += extreme(sum_x);
      ++result.relabellings;
      int i = m - 1;
      while (i >= 0 && chosen[i] == total_n - m + i) --i;
      if (i < 0) break;
      ++chosen[i];
      for (int j = i + 1; j < m; ++j) chosen[j] = chosen[j - 1] + 1;
    }
    result.p_value = double(hits) / result.relabellings;
    return result;
  }
  std::mt19937_64 rng(options.seed);
  std::vector<double> shuffled = pooled;
  for (int r = 0; r < options.resamples; ++r) {
    // Partial Fisher–Yates: the first m slots become a random m-subset.
    double sum_x = 0;
    for (int i = 0; i < m; ++i) {
      const int j = i + static_cast<int>(rng() % (total_n - i));
      std::swap(shuffled[i], shuffled[j]);
      sum_x += shuffled[i];
    }
    hits += extreme(sum_x);
  }
  result.relabellings = options.resamples;
  result.p_value = double(hits + 1) / (options.resamples + 1);
  return result;
}

}  // namespace perfcell::stats
