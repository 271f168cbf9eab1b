// The verdict on one branch against the baseline in one cell.
//
//   faster / slower  the change is significant after correction (adjusted p
//                    below alpha), its CI excludes "no change", and the
//                    estimated change is at least the minimum effect;
//   no difference    otherwise, when the whole CI of the ratio lies inside
//                    [1 - min_effect, 1 + min_effect];
//   inconclusive     neither: the data cannot tell; more runs are needed.
//
// The interval is the one the estimate comes with: the exact signed-rank
// interval of the block log-ratios (interleaved cells) or the two-sample
// rank interval of the session medians (see analysis.h, Unit). Requiring
// both the corrected test and the interval keeps one method's small-sample
// quirks (the discreteness of exact p-values) from producing a verdict
// alone. The minimum effect is the noise floor a maintainer does not care
// about (Firecracker's A/B tests use 5% too).
//
//   DecideVerdict(0.90, {0.88, 0.92}, 0.01, 0.05, 0.05);  // kSlower
//   DecideVerdict(1.01, {0.98, 1.03}, 0.60, 0.05, 0.05);  // kNoDifference
#ifndef PERFCELL_ANALYSIS_VERDICT_H_
#define PERFCELL_ANALYSIS_VERDICT_H_

#include <string>

#include "contract/stats/bootstrap.h"

namespace perfcell::analysis {

enum class Verdict { kFaster, kSlower, kNoDifference, kInconclusive };

// "faster", "slower", "no difference", "inconclusive".
std::string VerdictName(Verdict verdict);

// `ratio` is candidate / baseline throughput (higher is faster).
Verdict DecideVerdict(double ratio, const stats::Interval& ratio_ci,
                      double adjusted_p, double alpha, double min_effect);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_VERDICT_H_
