#include "contract/stats/spearman.h"

#include <cmath>

#include "gtest/gtest.h"

namespace perfcell::stats {
namespace {

// R documentation of cor.test (Hollander & Wolfe 1973, p. 187f.):
// cor.test(x, y, method = "spearman", alternative = "g")
// gives S = 48, p-value = 0.0484, rho = 0.6.
const std::vector<double> kX = {44.4, 45.9, 41.9, 53.3, 44.7,
                                44.1, 50.7, 45.2, 60.1};
const std::vector<double> kY = {2.6, 3.1, 2.5, 5.0, 3.6, 4.0, 5.2, 2.8, 3.8};

TEST(Spearman, ExactMatchesRCorTest) {
  SpearmanResult r = Spearman(kX, kY, Alternative::kGreater);
  EXPECT_TRUE(r.exact);
  EXPECT_NEAR(r.rho, 0.6, 1e-12);
  EXPECT_NEAR(r.p_value, 0.0484, 5e-5);
  // The null distribution of S is symmetric: two-sided is twice that.
  EXPECT_NEAR(Spearman(kX, kY).p_value, 0.0968, 1e-4);
}

TEST(Spearman, TApproximationForLongerSeries) {
  // 12 points, a perfect monotone decline: rho = -1, p ~ 0.
  std::vector<double> t, v;
  for (int i = 0; i < 12; ++i) {
    t.push_back(i);
    v.push_back(100.0 - i * i);
  }
  SpearmanResult r = Spearman(t, v);
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.rho, -1);
  EXPECT_LT(r.p_value, 1e-9);
  // rho = 0.6 with n = 11: t = 0.6 sqrt(9 / 0.64) = 2.25, two-sided p of
  // t(9) at 2.25 = 0.0510 (t tables: qt(0.975, 9) = 2.262).
  std::vector<double> a = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  std::vector<double> b = {2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 11};
  SpearmanResult s = Spearman(a, b);
  EXPECT_NEAR(s.rho, 1 - 6.0 * 10 / (11 * 120), 1e-12);
}

TEST(Spearman, TooShortOrConstantGivesNoEvidence) {
  EXPECT_DOUBLE_EQ(Spearman({1, 2}, {3, 4}).p_value, 1);
  SpearmanResult r = Spearman({1, 2, 3, 4}, {5, 5, 5, 5});
  EXPECT_TRUE(std::isnan(r.rho));
  EXPECT_DOUBLE_EQ(r.p_value, 1);
}

}  // namespace
}  // namespace perfcell::stats
