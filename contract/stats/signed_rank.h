// One-sample (paired) rank inference for block designs: the Wilcoxon
// signed-rank test and the Hodges–Lehmann estimate with its exact
// distribution-free confidence interval, computed as R's
// `wilcox.test(d, conf.int = TRUE)` does (Hollander & Wolfe, Nonparametric
// Statistical Methods, 2nd ed., sections 3.1–3.3).
//
//   // d = log(candidate run median / baseline run median), one per block.
//   std::vector<double> d = {0.12, -0.35, 0.48, 0.91, -0.07,
//                            0.66, 0.23, 1.05, -0.18, 0.39};
//   SignedRankResult t = WilcoxonSignedRank(d);  // V 46, p 0.06445 (exact)
//   OneSampleEstimate e = HodgesLehmannOneSample(d, 0.95);
//   // e.estimate 0.31, CI [W_9, W_47] = [-0.03, 0.66] at 95.1%
//
// Small-n limits: with n non-zero differences the exact two-sided p-value is
// never below 2 / 2^n (0.0625 at n = 5, 0.031 at n = 6), and no
// distribution-free interval for the centre built on the n signs can cover
// more than 1 - 2 / 2^n: at n <= 5 a 95% interval cannot exist, so
// HodgesLehmannOneSample returns the widest interval [W_1, W_M] with its
// achieved level (93.75% at n = 5) and `reached` = false.
#ifndef PERFCELL_CONTRACT_STATS_SIGNED_RANK_H_
#define PERFCELL_CONTRACT_STATS_SIGNED_RANK_H_

#include <vector>

#include "contract/stats/hypothesis.h"

namespace perfcell::stats {

// Number of the 2^n sign assignments giving each signed-rank sum
// V = 0 .. n(n+1)/2 under the null hypothesis, by the recursion
// c_j(s) = c_{j-1}(s) + c_{j-1}(s - j). {1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 3,
// ...} for n = 5 (R: dsignrank(0:15, 5) * 32). Doubles: exact to n = 52.
std::vector<double> SignedRankNullCounts(int n);

// P(V <= v) under the null with n ranks (R's psignrank(v, n)); 0 for v < 0.
double SignedRankCdf(int n, int v);

// Smallest v with P(V <= v) >= p under the null with n values (R's
// qsignrank(p, n)); a tolerance of a few ulps keeps an exact p from losing
// to rounding.
//
//   SignedRankQuantile(10, 0.025);  // 9: the exact CI at n = 10 is [W_9, W_47]
int SignedRankQuantile(int n, double p);

// The smallest exact two-sided p-value n non-zero differences can give:
// min(1, 2 / 2^n). 0.0625 for n = 5, 0.00195 for n = 10.
double SmallestTwoSidedSignedRankP(int n);

// The smallest n whose SmallestTwoSidedSignedRankP is strictly below
// `alpha`: 6 for 0.05, 10 for 0.05 / 12 (Holm over 12 comparisons).
// -1 when alpha <= 0.
int SignedRankUnitsToReach(double alpha);

struct SignedRankResult {
  double v = 0;        // sum of the ranks of the positive differences (R's V)
  double p_value = 1;  // 1 when no non-zero difference is left
  bool exact = false;  // exact null distribution (n < 50, no ties or zeros)
  int n = 0;           // non-zero differences used
};

// Tests whether the differences `d` are centred on `mu`. Zeros (d == mu) are
// dropped as R does. Exact for n < 50 without ties and zeros, else the normal
// approximation with tie correction and continuity correction (R's
// wilcox.test(d, exact = NULL, correct = TRUE)).
SignedRankResult WilcoxonSignedRank(
    const std::vector<double>& d, double mu = 0,
    Alternative alternative = Alternative::kTwoSided);

struct OneSampleEstimate {
  double estimate = 0;  // median of the Walsh averages (pseudo-median)
  double ci_low = 0;
  double ci_high = 0;
  // Coverage the interval has under the null distribution: 1 - 2 P(V <= k-1)
  // for the exact interval [W_(k), W_(M-k+1)] (0.951 at n = 10).
  double achieved_confidence = 0;
  // False when no interval of this kind reaches the requested confidence
  // (n <= 5 at 95%): the interval is then the widest, [W_(1), W_(M)].
  bool reached = false;
  bool exact = false;  // exact order-statistic indices (n < 50, no ties)
  int n = 0;           // non-zero differences used
};

// Hodges–Lehmann one-sample estimate and the distribution-free confidence
// interval that inverts the signed-rank test: with the M = n(n+1)/2 sorted
// Walsh averages W, k = qsignrank((1 - confidence) / 2, n) (at least 1) and
// the interval [W_(k), W_(M-k+1)] (R's wilcox.test(conf.int = TRUE), exact
// case). With ties or n >= 50, k comes from the normal approximation of V
// (Hollander & Wolfe eq. 3.24 without continuity correction), where R solves
// for the interval numerically; the two agree to within an order statistic.
// NaN estimate and bounds when no non-zero difference is left. Zeros are
// dropped, as R does.
OneSampleEstimate HodgesLehmannOneSample(const std::vector<double>& d,
                                         double confidence = 0.95);

}  // namespace perfcell::stats

#endif  // PERFCELL_CONTRACT_STATS_SIGNED_RANK_H_
