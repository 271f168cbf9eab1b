#include "analysis/verdict.h"

#include <cmath>

namespace perfcell::analysis {

std::string VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kFaster:
      return "faster";
    case Verdict::kSlower:
      return "slower";
    case Verdict::kNoDifference:
      return "no difference";
    case Verdict::kInconclusive:
      return "inconclusive";
  }
  return "inconclusive";
}

Verdict DecideVerdict(double ratio, const stats::Interval& ratio_ci,
                      double adjusted_p, double alpha, double min_effect) {
  if (std::isnan(ratio) || std::isnan(ratio_ci.low) ||
      std::isnan(ratio_ci.high)) {
    return Verdict::kInconclusive;
  }
  const bool significant = adjusted_p < alpha;
  const bool big_enough = std::fabs(ratio - 1) >= min_effect;
  if (significant && big_enough && ratio_ci.low > 1) return Verdict::kFaster;
  if (significant && big_enough && ratio_ci.high < 1) return Verdict::kSlower;
  if (ratio_ci.low >= 1 - min_effect && ratio_ci.high <= 1 + min_effect) {
    return Verdict::kNoDifference;
  }
  return Verdict::kInconclusive;
}

}  // namespace perfcell::analysis
