#include "contract/stats/rank_tests.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "contract/stats/descriptive.h"
#include "contract/stats/distributions.h"

namespace perfcell::stats {
namespace {

constexpr int kExactLimit = 50;

bool HasTies(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return std::adjacent_find(v.begin(), v.end()) != v.end();
}

std::vector<double> Pooled(const std::vector<double>& x,
                           const std::vector<double>& y) {
  std::vector<double> all = x;
  all.insert(all.end(), y.begin(), y.end());
  return all;
}

bool UseExact(const std::vector<double>& x, const std::vector<double>& y) {
  return x.size() < kExactLimit && y.size() < kExactLimit &&
         !HasTies(Pooled(x, y));
}

// Standard deviation of U under the null, corrected for ties.
double NullSigma(const std::vector<double>& x, const std::vector<double>& y) {
  const double m = x.size(), n = y.size(), total = m + n;
  std::map<double, int> counts;
  for (double v : Pooled(x, y)) ++counts[v];
  double tie_sum = 0;
  for (const auto& [value, t] : counts) tie_sum += double(t) * t * t - t;
  return std::sqrt(m * n / 12.0 *
                   ((total + 1) - tie_sum / (total * (total - 1))));
}

// Cumulative probabilities P(U <= u) of the exact null distribution.
std::vector<double> NullCdf(int m, int n) {
  std::vector<double> counts = MannWhitneyNullCounts(m, n);
  double total = 0;
  for (double c : counts) total += c;
  double running = 0;
  for (double& c : counts) {
    running += c;
    c = running / total;
  }
  return counts;
}

}  // namespace

std::vector<double> MannWhitneyNullCounts(int m, int n) {
  // f[i] holds the counts for i x-values and j y-values, j growing from 0.
  // With the largest pooled value from y (j) it adds nothing to U; from x (i)
  // it beats all j y-values: f_{i,j}(u) = f_{i,j-1}(u) + f_{i-1,j}(u - j).
  std::vector<std::vector<double>> f(m + 1);
  for (int i = 0; i <= m; ++i) f[i] = {1.0};  // j = 0: U is always 0.
  for (int j = 1; j <= n; ++j) {
    for (int i = 1; i <= m; ++i) {
      std::vector<double> next(i * j + 1, 0.0);
      for (size_t u = 0; u < f[i].size(); ++u) next[u] += f[i][u];
      for (size_t u = 0; u < f[i - 1].size(); ++u) next[u + j] += f[i - 1][u];
      f[i] = std::move(next);
    }
  }
  return f[m];
}

MannWhitneyResult MannWhitneyU(const std::vector<double>& x,
                               const std::vector<double>& y,
                               const MannWhitneyOptions& options) {
  const Alternative alternative = options.alternative;
  MannWhitneyResult result;
  if (x.empty() || y.empty()) return result;
  for (double a : x) {
    for (double b : y) result.u += a > b ? 1.0 : (a == b ? 0.5 : 0.0);
  }
  const double m = x.size(), n = y.size();
  if (options.allow_exact && UseExact(x, y)) {
    result.exact = true;
    const std::vector<double> cdf = NullCdf(x.size(), y.size());
    const int u = static_cast<int>(result.u);
    const double p_le = cdf[u];
    const double p_ge = 1.0 - (u > 0 ? cdf[u - 1] : 0.0);
    switch (alternative) {
      case Alternative::kGreater:
        result.p_value = p_ge;
        break;
      case Alternative::kLess:
        result.p_value = p_le;
        break;
      case Alternative::kTwoSided:
        result.p_value = std::min(1.0, 2 * std::min(p_le, p_ge));
        break;
    }
    return result;
  }
  const double sigma = NullSigma(x, y);
  if (sigma == 0) return result;  // every value tied: no evidence at all.
  double z = result.u - m * n / 2;
  double correction = 0.5;
  if (alternative == Alternative::kTwoSided) {
    correction = z > 0 ? 0.5 : (z < 0 ? -0.5 : 0.0);
  } else if (alternative == Alternative::kLess) {
    correction = -0.5;
  }
  if (!options.continuity_correction) correction = 0;
  z = (z - correction) / sigma;
  switch (alternative) {
    case Alternative::kGreater:
      result.p_value = 1 - NormalCdf(z);
      break;
    case Alternative::kLess:
      result.p_value = NormalCdf(z);
      break;
    case Alternative::kTwoSided:
      result.p_value = std::min(1.0, 2 * NormalCdf(-std::fabs(z)));
      break;
  }
  return result;
}

ShiftEstimate HodgesLehmannShift(const std::vector<double>& x,
                                 const std::vector<double>& y,
                                 double confidence) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (x.empty() || y.empty()) return {kNaN, kNaN, kNaN};
  std::vector<double> diffs;
  diffs.reserve(x.size() * y.size());
  for (double a : x) {
    for (double b : y) diffs.push_back(a - b);
  }
  std::sort(diffs.begin(), diffs.end());
  const double estimate = Median(diffs);
  const int mn = diffs.size();
  const double half_alpha = (1 - confidence) / 2;
  // k = the largest count with P(U <= k - 1) <= alpha / 2, at least 1.
  int k = 0;
  if (UseExact(x, y)) {
    const std::vector<double> cdf = NullCdf(x.size(), y.size());
    while (k < mn && cdf[k] <= half_alpha) ++k;
  } else {
    const double sigma = NullSigma(x, y);
    k = static_cast<int>(
        std::floor(mn / 2.0 + 0.5 - NormalQuantile(1 - half_alpha) * sigma));
  }
  k = std::clamp(k, 1, (mn + 1) / 2);
  return {estimate, diffs[k - 1], diffs[mn - k]};
}

}  // namespace perfcell::stats
