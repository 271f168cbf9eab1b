// The verdict on one branch against the baseline in one cell.
//
//   faster / slower  the change is significant after correction (adjusted p
//                    below alpha), its CI excludes "no change", and the
//                    estimated change is at least the minimum effect;
//   no difference    otherwise, when the whole CI of the ratio lies inside
//                    [1 - min_effect, 1 + min_effect];
//   inconclusive     neither: the data cannot tell; more runs are needed.
//
// Requiring both the rank test and the bootstrap CI keeps one method's small
// sample quirks (a too-narrow percentile CI at n < 5, the discreteness of
// exact p-values) from producing a verdict alone. The minimum effect is the
// noise floor a maintainer does not care about (Firecracker's A/B tests use
// 5% too).
#ifndef PERFCELL_ANALYSIS_VERDICT_H_
#define PERFCELL_ANALYSIS_VERDICT_H_

#include <string>

#include "analysis/stats/bootstrap.h"

namespace perfcell::analysis {

enum class Verdict { kFaster, kSlower, kNoDifference, kInconclusive };

// "faster", "slower", "no difference", "inconclusive".
std::string VerdictName(Verdict verdict);

// `ratio` is candidate / baseline throughput (higher is faster).
Verdict DecideVerdict(double ratio, const stats::Interval& ratio_ci,
                      double adjusted_p, double alpha, double min_effect);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_VERDICT_H_
