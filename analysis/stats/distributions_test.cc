#include "analysis/stats/distributions.h"

#include "gtest/gtest.h"

namespace perfcell::stats {
namespace {

// Reference values from standard normal and t tables (e.g. R's qnorm, qt,
// pt; Abramowitz & Stegun tables 26.1 and 26.10).
TEST(Distributions, NormalQuantilesMatchTables) {
  EXPECT_NEAR(NormalQuantile(0.975), 1.959964, 1e-6);
  EXPECT_NEAR(NormalQuantile(0.8), 0.8416212, 1e-7);
  EXPECT_NEAR(NormalQuantile(0.5), 0.0, 1e-12);
  EXPECT_NEAR(NormalQuantile(0.001), -3.090232, 1e-6);
}

TEST(Distributions, NormalCdfMatchesTables) {
  EXPECT_NEAR(NormalCdf(1.96), 0.9750021, 1e-7);
  EXPECT_NEAR(NormalCdf(-1.2247449), 0.1103357, 1e-6);
}

TEST(Distributions, StudentTMatchesTables) {
  // qt(0.975, 9) = 2.262157, qt(0.975, 7) = 2.364624, qt(0.95, 2) = 2.919986.
  EXPECT_NEAR(StudentTCdf(2.262157, 9), 0.975, 1e-6);
  EXPECT_NEAR(StudentTCdf(2.364624, 7), 0.975, 1e-6);
  EXPECT_NEAR(StudentTCdf(-2.919986, 2), 0.05, 1e-6);
  EXPECT_NEAR(StudentTCdf(0, 5), 0.5, 1e-12);
  // t with 1 df is Cauchy: P(T <= 1) = 0.75.
  EXPECT_NEAR(StudentTCdf(1, 1), 0.75, 1e-10);
}

}  // namespace
}  // namespace perfcell::stats
