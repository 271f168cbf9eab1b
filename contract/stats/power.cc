#include "contract/stats/power.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "contract/stats/distributions.h"

namespace perfcell::stats {
namespace {

double ZSum(double alpha, double power) {
  return NormalQuantile(1 - alpha / 2) + NormalQuantile(power);
}

}  // namespace

double MinimumDetectableEffect(double cv_a, int n_a, double cv_b, int n_b,
                               double alpha, double power) {
  if (n_a < 1 || n_b < 1 || std::isnan(cv_a) || std::isnan(cv_b)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return ZSum(alpha, power) * std::sqrt(cv_a * cv_a / n_a + cv_b * cv_b / n_b);
}

int RunsPerSideNeeded(double cv_a, double cv_b, double effect, double alpha,
                      double power) {
  if (std::isnan(cv_a) || std::isnan(cv_b) || !(effect > 0)) return -1;
  const double z = ZSum(alpha, power);
  const double n = z * z * (cv_a * cv_a + cv_b * cv_b) / (effect * effect);
  if (n > 1e9) return -1;
  return std::max(2, static_cast<int>(std::ceil(n - 1e-9)));
}

}  // namespace perfcell::stats
