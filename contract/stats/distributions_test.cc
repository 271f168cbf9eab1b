#include "contract/stats/distributions.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace perfcell::stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Reference values from standard normal and t tables (e.g. R's qnorm, qt,
// pt; Abramowitz & Stegun tables 26.1 and 26.10).
TEST(Distributions, NormalQuantilesMatchTables) {
  EXPECT_NEAR(NormalQuantile(0.975), 1.959964, 1e-6);
  EXPECT_NEAR(NormalQuantile(0.8), 0.8416212, 1e-7);
  EXPECT_NEAR(NormalQuantile(0.5), 0.0, 1e-12);
  EXPECT_NEAR(NormalQuantile(0.001), -3.090232, 1e-6);
  EXPECT_NEAR(NormalQuantile(0.995), 2.575829, 1e-6);
  // qnorm(1e-10): the far tail keeps its digits.
  EXPECT_NEAR(NormalQuantile(1e-10), -6.361341, 1e-6);
}

TEST(Distributions, NormalCdfMatchesTables) {
  EXPECT_NEAR(NormalCdf(1.96), 0.9750021, 1e-7);
  EXPECT_NEAR(NormalCdf(-1.2247449), 0.1103357, 1e-6);
  EXPECT_NEAR(NormalCdf(0), 0.5, 1e-15);
  // pnorm(-8) = 6.220961e-16: relative accuracy in the tail.
  EXPECT_NEAR(NormalCdf(-8) / 6.220961e-16, 1, 1e-6);
}

TEST(Distributions, NormalQuantileInvertsCdf) {
  for (double p : {1e-8, 0.01, 0.2, 0.5, 0.7, 0.99, 1 - 1e-8}) {
    EXPECT_NEAR(NormalCdf(NormalQuantile(p)), p, 1e-12 + 1e-9 * p) << p;
  }
}

TEST(Distributions, NormalEndsAreValuesNotErrors) {
  EXPECT_EQ(NormalQuantile(0), -kInf);
  EXPECT_EQ(NormalQuantile(-0.5), -kInf);
  EXPECT_EQ(NormalQuantile(1), kInf);
  EXPECT_EQ(NormalQuantile(1.5), kInf);
  EXPECT_TRUE(std::isnan(NormalQuantile(kNaN)));
  EXPECT_EQ(NormalCdf(-kInf), 0);
  EXPECT_EQ(NormalCdf(kInf), 1);
  EXPECT_TRUE(std::isnan(NormalCdf(kNaN)));
}

TEST(Distributions, StudentTCdfMatchesTables) {
  // qt(0.975, 9) = 2.262157, qt(0.975, 7) = 2.364624, qt(0.95, 2) = 2.919986.
  EXPECT_NEAR(StudentTCdf(2.262157, 9), 0.975, 1e-6);
  EXPECT_NEAR(StudentTCdf(2.364624, 7), 0.975, 1e-6);
  EXPECT_NEAR(StudentTCdf(-2.919986, 2), 0.05, 1e-6);
  EXPECT_NEAR(StudentTCdf(0, 5), 0.5, 1e-12);
  // t with 1 df is Cauchy: P(T <= 1) = 0.75.
  EXPECT_NEAR(StudentTCdf(1, 1), 0.75, 1e-10);
  // Fractional df (Welch): pt(2, 4.5) = 0.945871 (also by integrating the
  // density numerically).
  EXPECT_NEAR(StudentTCdf(2, 4.5), 0.945871, 1e-6);
}

TEST(Distributions, StudentTQuantilesMatchTables) {
  EXPECT_NEAR(StudentTQuantile(0.975, 9), 2.262157, 1e-6);
  EXPECT_NEAR(StudentTQuantile(0.975, 7), 2.364624, 1e-6);
  EXPECT_NEAR(StudentTQuantile(0.05, 2), -2.919986, 1e-6);
  EXPECT_NEAR(StudentTQuantile(0.975, 1), 12.706205, 1e-6);
  EXPECT_NEAR(StudentTQuantile(0.995, 30), 2.749996, 1e-6);
  EXPECT_NEAR(StudentTQuantile(0.5, 3), 0.0, 1e-12);
  // Many degrees of freedom: the normal quantile.
  EXPECT_NEAR(StudentTQuantile(0.975, 1e7), NormalQuantile(0.975), 1e-6);
}

TEST(Distributions, StudentTEndsAreValuesNotErrors) {
  EXPECT_EQ(StudentTCdf(-kInf, 3), 0);
  EXPECT_EQ(StudentTCdf(kInf, 3), 1);
  EXPECT_TRUE(std::isnan(StudentTCdf(1, 0)));
  EXPECT_TRUE(std::isnan(StudentTCdf(1, -2)));
  EXPECT_TRUE(std::isnan(StudentTCdf(kNaN, 3)));
  EXPECT_EQ(StudentTQuantile(0, 3), -kInf);
  EXPECT_EQ(StudentTQuantile(1, 3), kInf);
  EXPECT_TRUE(std::isnan(StudentTQuantile(0.5, 0)));
  EXPECT_TRUE(std::isnan(StudentTQuantile(kNaN, 3)));
}

}  // namespace
}  // namespace perfcell::stats
