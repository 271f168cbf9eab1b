#include "contract/stats/signed_rank.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "contract/stats/descriptive.h"
#include "contract/stats/distributions.h"

namespace perfcell::stats {
namespace {

constexpr int kExactLimit = 50;

// The differences from mu with the zeros dropped.
std::vector<double> NonZero(const std::vector<double>& d, double mu) {
  std::vector<double> out;
  for (double v : d) {
    if (std::isnan(v)) continue;
    if (v - mu != 0) out.push_back(v - mu);
  }
  return out;
}

bool HasTiedMagnitudes(const std::vector<double>& x) {
  std::vector<double> a;
  for (double v : x) a.push_back(std::fabs(v));
  std::sort(a.begin(), a.end());
  return std::adjacent_find(a.begin(), a.end()) != a.end();
}

std::vector<double> SortedWalshAverages(const std::vector<double>& x) {
  std::vector<double> w;
  w.reserve(x.size() * (x.size() + 1) / 2);
  for (size_t i = 0; i < x.size(); ++i) {
    for (size_t j = i; j < x.size(); ++j) w.push_back((x[i] + x[j]) / 2);
  }
  std::sort(w.begin(), w.end());
  return w;
}

}  // namespace

std::vector<double> SignedRankNullCounts(int n) {
  if (n < 0) return {};
  const int total = n * (n + 1) / 2;
  std::vector<double> c(total + 1, 0.0);
  c[0] = 1;
  // Adding rank j: each assignment either leaves j negative (sum unchanged)
  // or makes it positive (sum + j). Descending s keeps c_{j-1}(s - j).
  for (int j = 1; j <= n; ++j) {
    const int top = j * (j + 1) / 2;
    for (int s = top; s >= j; --s) c[s] += c[s - j];
  }
  return c;
}

double SignedRankCdf(int n, int v) {
  if (v < 0) return 0;
  const std::vector<double> counts = SignedRankNullCounts(n);
  if (v >= static_cast<int>(counts.size())) return 1;
  double running = 0;
  for (int s = 0; s <= v; ++s) running += counts[s];
  return running / std::ldexp(1.0, n);
}

double SmallestTwoSidedSignedRankP(int n) {
  if (n <= 0) return 1;
  return std::min(1.0, 2 / std::ldexp(1.0, n));
}

int SignedRankUnitsToReach(double alpha) {
  if (!(alpha > 0)) return -1;
  int n = 1;
  while (SmallestTwoSidedSignedRankP(n) >= alpha && n < 1000) ++n;
  return n;
}

SignedRankResult WilcoxonSignedRank(const std::vector<double>& d, double mu,
                                    Alternative alternative) {
  SignedRankResult result;
  const bool had_zeros = [&] {
    for (double v : d) {
      if (!std::isnan(v) && v - mu == 0) return true;
    }
    return false;
  }();
  const std::vector<double> x = NonZero(d, mu);
  const int n = static_cast<int>(x.size());
  result.n = n;
  if (n == 0) return result;
  std::vector<double> magnitudes;
  for (double v : x) magnitudes.push_back(std::fabs(v));
  const std::vector<double> ranks = MidRanks(magnitudes);
  for (int i = 0; i < n; ++i) {
    if (x[i] > 0) result.v += ranks[i];
  }
  const bool ties = HasTiedMagnitudes(x);
  result.exact = n < kExactLimit && !ties && !had_zeros;
  if (result.exact) {
    const int v = static_cast<int>(std::lround(result.v));
    const double lower = SignedRankCdf(n, v);          // P(V <= v)
    const double upper = 1 - SignedRankCdf(n, v - 1);  // P(V >= v)
    switch (alternative) {
      case Alternative::kTwoSided:
        // R: the tail on the side of V, doubled.
        result.p_value =
            std::min(1.0, 2 * (result.v > n * (n + 1) / 4.0 ? upper : lower));
        break;
      case Alternative::kGreater:
        result.p_value = upper;
        break;
      case Alternative::kLess:
        result.p_value = lower;
        break;
    }
    return result;
  }
  std::map<double, int> tie_counts;
  for (double r : ranks) ++tie_counts[r];
  double tie_sum = 0;
  for (const auto& [rank, t] : tie_counts) tie_sum += double(t) * t * t - t;
  const double sigma =
      std::sqrt(n * (n + 1.0) * (2 * n + 1) / 24 - tie_sum / 48);
  const double z0 = result.v - n * (n + 1) / 4.0;
  if (!(sigma > 0)) {
    result.p_value = 1;
    return result;
  }
  double correction = 0.5;
  if (alternative == Alternative::kTwoSided) {
    correction = z0 > 0 ? 0.5 : (z0 < 0 ? -0.5 : 0);
  } else if (alternative == Alternative::kLess) {
    correction = -0.5;
  }
  const double z = (z0 - correction) / sigma;
  switch (alternative) {
    case Alternative::kTwoSided:
      result.p_value = std::min(1.0, 2 * std::min(NormalCdf(z), NormalCdf(-z)));
      break;
    case Alternative::kGreater:
      result.p_value = NormalCdf(-z);
      break;
    case Alternative::kLess:
      result.p_value = NormalCdf(z);
      break;
  }
  return result;
}

OneSampleEstimate HodgesLehmannOneSample(const std::vector<double>& d,
                                         double confidence) {
  OneSampleEstimate e;
  const std::vector<double> x = NonZero(d, 0);
  const int n = static_cast<int>(x.size());
  const bool had_zeros = x.size() < d.size();
  e.n = n;
  if (n == 0) {
    e.estimate = e.ci_low = e.ci_high = NAN;
    return e;
  }
  const std::vector<double> w = SortedWalshAverages(x);
  const int m = static_cast<int>(w.size());  // n(n+1)/2
  e.estimate = Median(w);
  const double alpha = 1 - confidence;
  e.exact = n < kExactLimit && !HasTiedMagnitudes(x) && !had_zeros;
  int k;  // 1-based order statistic of the lower bound
  if (e.exact) {
    k = SignedRankQuantile(n, alpha / 2);
    e.reached = k > 0;
    if (k == 0) k = 1;
    e.achieved_confidence = 1 - 2 * SignedRankCdf(n, k - 1);
  } else {
    const double mean = n * (n + 1) / 4.0;
    const double sd = std::sqrt(n * (n + 1.0) * (2 * n + 1) / 24);
    k = static_cast<int>(std::floor(mean - NormalQuantile(1 - alpha / 2) * sd));
    e.reached = k >= 1;
    k = std::max(k, 1);
    e.achieved_confidence =
        std::max(0.0, 1 - 2 * NormalCdf((k - 0.5 - mean) / sd));
  }
  k = std::min(k, (m + 1) / 2);
  e.ci_low = w[k - 1];
  e.ci_high = w[m - k];
  return e;
}

int SignedRankQuantile(int n, double p) {
  const std::vector<double> counts = SignedRankNullCounts(n);
  const double total = std::ldexp(1.0, n);
  double running = 0;
  for (size_t v = 0; v < counts.size(); ++v) {
    running += counts[v];
    // The small tolerance keeps an exact p from losing to rounding (R
    // uses the same guard, 1 - 10 DBL_EPSILON).
    if (running / total >=
        p * (1 - 64 * std::numeric_limits<double>::epsilon())) {
      return static_cast<int>(v);
    }
  }
  return static_cast<int>(counts.size()) - 1;
}

}  // namespace perfcell::stats
