// Rank-based two-sample inference: the Mann–Whitney U (Wilcoxon rank-sum)
// test and the Hodges–Lehmann shift estimate with its confidence interval.
//
//   MannWhitneyResult r = MannWhitneyU({1, 2, 3}, {4, 5, 6});
//   r.p_value;  // 0.1: the smallest two-sided p that 3 runs per side allow
//
// Small-n behaviour: with m and n values per side the exact two-sided p-value
// can never be smaller than 2 / C(m + n, m); for 3 + 3 runs that is 0.10, so
// no 3-run comparison can ever be significant at 0.05, and 4 + 4 runs reach
// 0.029 at best. An empty side gives p = 1 and NaN estimates.
#ifndef PERFCELL_CONTRACT_STATS_RANK_TESTS_H_
#define PERFCELL_CONTRACT_STATS_RANK_TESTS_H_

#include <vector>

#include "contract/stats/hypothesis.h"

namespace perfcell::stats {

struct MannWhitneyResult {
  // Number of pairs (x_i, y_j) with x_i > y_j, ties counted 1/2: R's `W`.
  double u = 0;
  double p_value = 1;
  // True when the p-value comes from the exact null distribution (both sides
  // under 50 values and no ties), false for the normal approximation with
  // tie and continuity correction (R's wilcox.test defaults).
  bool exact = false;
};

struct MannWhitneyOptions {
  // kGreater: x tends to be larger than y.
  Alternative alternative = Alternative::kTwoSided;
  // Use the exact distribution when it applies (no ties, < 50 per side).
  bool allow_exact = true;
  // Continuity correction of the normal approximation (R's `correct`).
  bool continuity_correction = true;
};

// Tests whether x and y come from the same distribution.
MannWhitneyResult MannWhitneyU(const std::vector<double>& x,
                               const std::vector<double>& y,
                               const MannWhitneyOptions& options = {});

// Number of arrangements giving each U = 0 .. m n under the null hypothesis
// without ties; they sum to C(m + n, m). Counts are doubles (exact up to
// 2^53, relative error ~1e-16 beyond).
std::vector<double> MannWhitneyNullCounts(int m, int n);

struct ShiftEstimate {
  double estimate;  // median of all differences x_i - y_j
  double ci_low;
  double ci_high;
};

// Hodges–Lehmann estimate of the shift of x relative to y with the
// distribution-free confidence interval that inverts the Mann–Whitney test
// (Hollander & Wolfe, Nonparametric Statistical Methods, section 4.3): the
// interval between order statistics k and m n + 1 - k of the m n differences.
// Exact critical values without ties and under 50 per side, otherwise normal.
// When the sample is too small to reach `confidence`, the interval is the
// full range of the differences (it then covers more than asked).
ShiftEstimate HodgesLehmannShift(const std::vector<double>& x,
                                 const std::vector<double>& y,
                                 double confidence = 0.95);

}  // namespace perfcell::stats

#endif  // PERFCELL_CONTRACT_STATS_RANK_TESTS_H_
