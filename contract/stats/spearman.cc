#include "contract/stats/spearman.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "contract/stats/descriptive.h"
#include "contract/stats/distributions.h"

namespace perfcell::stats {
namespace {

constexpr int kExactLimit = 9;

double Pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const double mean_a = Mean(a), mean_b = Mean(b);
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - mean_a) * (b[i] - mean_b);
    saa += (a[i] - mean_a) * (a[i] - mean_a);
    sbb += (b[i] - mean_b) * (b[i] - mean_b);
  }
  if (saa == 0 || sbb == 0) return std::numeric_limits<double>::quiet_NaN();
  return sab / std::sqrt(saa * sbb);
}

bool HasTies(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return std::adjacent_find(v.begin(), v.end()) != v.end();
}

// P(S <= s) and P(S >= s) for S = sum of squared rank differences, by
// enumerating all n! orderings (n <= 9: at most 362880).
void ExactTails(const std::vector<double>& rx, const std::vector<double>& ry,
                double* p_le, double* p_ge) {
  const int n = rx.size();
  double observed = 0;
  for (int i = 0; i < n; ++i) observed += (rx[i] - ry[i]) * (rx[i] - ry[i]);
  std::vector<int> perm(n);
  std::iota(perm.begin(), perm.end(), 1);
  int64_t le = 0, ge = 0, total = 0;
  do {
    int64_t s = 0;
    for (int i = 0; i < n; ++i) s += (i + 1 - perm[i]) * (i + 1 - perm[i]);
    le += s <= observed + 1e-9;
    ge += s >= observed - 1e-9;
    ++total;
  } while (std::next_permutation(perm.begin(), perm.end()));
  *p_le = double(le) / total;
  *p_ge = double(ge) / total;
}

}  // namespace

SpearmanResult Spearman(const std::vector<double>& x,
                        const std::vector<double>& y, Alternative alternative) {
  const size_t n = std::min(x.size(), y.size());
  SpearmanResult result{std::numeric_limits<double>::quiet_NaN(), 1.0, false,
                        static_cast<int>(n)};
  if (n < 3) return result;
  std::vector<double> xs(x.begin(), x.begin() + n);
  std::vector<double> ys(y.begin(), y.begin() + n);
  const std::vector<double> rx = MidRanks(xs), ry = MidRanks(ys);
  result.rho = Pearson(rx, ry);
  if (std::isnan(result.rho)) return result;

  if (n <= kExactLimit && !HasTies(xs) && !HasTies(ys)) {
    // Small S means ranks agree: positive correlation.
    double p_le, p_ge;
    ExactTails(rx, ry, &p_le, &p_ge);
    result.exact = true;
    switch (alternative) {
      case Alternative::kGreater:
        result.p_value = p_le;
        break;
      case Alternative::kLess:
        result.p_value = p_ge;
        break;
      case Alternative::kTwoSided:
        result.p_value = std::min(1.0, 2 * std::min(p_le, p_ge));
        break;
    }
    return result;
  }
  const double df = n - 2.0;
  const double r = std::clamp(result.rho, -1.0, 1.0);
  const double t =
      std::fabs(r) >= 1.0
          ? std::copysign(std::numeric_limits<double>::infinity(), r)
          : r * std::sqrt(df / (1 - r * r));
  switch (alternative) {
    case Alternative::kGreater:
      result.p_value = 1 - StudentTCdf(t, df);
      break;
    case Alternative::kLess:
      result.p_value = StudentTCdf(t, df);
      break;
    case Alternative::kTwoSided:
      result.p_value = std::min(1.0, 2 * StudentTCdf(-std::fabs(t), df));
      break;
  }
  return result;
}

}  // namespace perfcell::stats
