#include "contract/stats/rank_tests.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "gtest/gtest.h"

namespace perfcell::stats {
namespace {

// R documentation of wilcox.test, two-sample example (Hollander & Wolfe 1973,
// p. 69: permeability constants of the human chorioamnion).
const std::vector<double> kAtTerm = {0.80, 0.83, 1.89, 1.04, 1.45,
                                     1.38, 1.91, 1.64, 0.73, 1.46};
const std::vector<double> kAt12To26Weeks = {1.15, 0.88, 0.90, 0.74, 1.21};

MannWhitneyOptions Greater() {
  MannWhitneyOptions options;
  options.alternative = Alternative::kGreater;
  return options;
}

TEST(MannWhitney, ExactMatchesRWilcoxTest) {
  // wilcox.test(x, y, alternative = "g"): W = 35, p-value = 0.1272.
  MannWhitneyResult r = MannWhitneyU(kAtTerm, kAt12To26Weeks, Greater());
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.u, 35);
  EXPECT_NEAR(r.p_value, 0.1272, 5e-5);
  // Two-sided: twice the smaller tail.
  EXPECT_NEAR(MannWhitneyU(kAtTerm, kAt12To26Weeks).p_value, 0.2544, 1e-4);
}

TEST(MannWhitney, NormalApproximationMatchesRWilcoxTest) {
  // wilcox.test(x, y, alternative = "greater", exact = FALSE,
  // correct = FALSE): W = 35, p-value = 0.1103.
  MannWhitneyOptions options = Greater();
  options.allow_exact = false;
  options.continuity_correction = false;
  MannWhitneyResult r = MannWhitneyU(kAtTerm, kAt12To26Weeks, options);
  EXPECT_FALSE(r.exact);
  EXPECT_NEAR(r.p_value, 0.1103, 5e-5);
}

TEST(MannWhitney, TiesUseCorrectedNormalApproximation) {
  // One x-value tied with a y-value: U = 34.5, and the null variance loses
  // the tie term: sigma^2 = m n / 12 (N + 1 - sum(t^3 - t) / (N (N - 1)))
  // = 50 / 12 (16 - 6 / 210); z = (34.5 - 25 - 0.5) / sigma.
  std::vector<double> x = kAtTerm;
  x[0] = 0.74;
  MannWhitneyResult r = MannWhitneyU(x, kAt12To26Weeks, Greater());
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.u, 34.5);
  const double sigma = std::sqrt(50.0 / 12 * (16 - 6.0 / 210));
  EXPECT_NEAR(r.p_value, 0.5 * std::erfc((9.0 / sigma) / std::sqrt(2.0)),
              1e-12);
}

TEST(MannWhitney, ThreeRunsPerSideCanNeverReachFivePercent) {
  MannWhitneyResult r = MannWhitneyU({1, 2, 3}, {4, 5, 6});
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.u, 0);
  EXPECT_NEAR(r.p_value, 0.10, 1e-12);
  // Four per side: 2 / C(8, 4) = 0.0286.
  EXPECT_NEAR(MannWhitneyU({1, 2, 3, 4}, {5, 6, 7, 8}).p_value, 2.0 / 70,
              1e-12);
}

TEST(MannWhitney, NullCountsSumToBinomial) {
  std::vector<double> counts = MannWhitneyNullCounts(4, 4);
  ASSERT_EQ(counts.size(), 17u);
  double sum = 0;
  for (double c : counts) sum += c;
  EXPECT_DOUBLE_EQ(sum, 70);
  // Symmetric, one way to get U = 0, one way to get U = 1.
  EXPECT_DOUBLE_EQ(counts[0], 1);
  EXPECT_DOUBLE_EQ(counts[1], 1);
  EXPECT_DOUBLE_EQ(counts[2], 2);
  EXPECT_DOUBLE_EQ(counts[5], counts[11]);
  // 49 + 49 values: C(98, 49) ~ 2.5e28 is still summed without overflow.
  std::vector<double> big = MannWhitneyNullCounts(49, 49);
  EXPECT_EQ(big.size(), 49u * 49 + 1);
}

TEST(MannWhitney, AllTiedGivesNoEvidence) {
  EXPECT_DOUBLE_EQ(MannWhitneyU({5, 5, 5}, {5, 5, 5}).p_value, 1.0);
  EXPECT_DOUBLE_EQ(MannWhitneyU({}, {1, 2}).p_value, 1.0);
}

TEST(HodgesLehmann, MatchesRWilcoxTestConfInt) {
  // wilcox.test(x, y, conf.int = TRUE): difference in location 0.305.
  ShiftEstimate s = HodgesLehmannShift(kAtTerm, kAt12To26Weeks);
  EXPECT_NEAR(s.estimate, 0.305, 1e-9);
  EXPECT_LT(s.ci_low, s.estimate);
  EXPECT_GT(s.ci_high, s.estimate);
  // The exact 95% interval spans order statistics k = 9 and 42 of the 50
  // differences (P(U <= 8) = 0.0193 <= 0.025 < P(U <= 9) = 0.0280).
  std::vector<double> diffs;
  for (double a : kAtTerm) {
    for (double b : kAt12To26Weeks) diffs.push_back(a - b);
  }
  std::sort(diffs.begin(), diffs.end());
  EXPECT_DOUBLE_EQ(s.ci_low, diffs[8]);
  EXPECT_DOUBLE_EQ(s.ci_high, diffs[41]);
}

TEST(HodgesLehmann, IntervalCoversTrueShiftAboutNinetyFivePercent) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0, 1);
  int covered = 0;
  constexpr int kTrials = 400;
  for (int t = 0; t < kTrials; ++t) {
    std::vector<double> x(10), y(12);
    for (double& v : x) v = 3.0 + noise(rng);
    for (double& v : y) v = noise(rng);
    ShiftEstimate s = HodgesLehmannShift(x, y);
    if (s.ci_low <= 3.0 && 3.0 <= s.ci_high) ++covered;
  }
  EXPECT_GE(covered, 0.92 * kTrials);
  EXPECT_LE(covered, 0.99 * kTrials);
}

}  // namespace
}  // namespace perfcell::stats
