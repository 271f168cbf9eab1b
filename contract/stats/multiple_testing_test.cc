#include "contract/stats/multiple_testing.h"

#include <cmath>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perfcell::stats {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;

// Holm: sorted p times (m - i + 1), then a running maximum.
TEST(Holm, MatchesPAdjustByHand) {
  EXPECT_THAT(HolmAdjust({0.01, 0.02, 0.03, 0.04, 0.05}),
              ElementsAre(DoubleNear(0.05, 1e-12), DoubleNear(0.08, 1e-12),
                          DoubleNear(0.09, 1e-12), DoubleNear(0.09, 1e-12),
                          DoubleNear(0.09, 1e-12)));
}

// R: p.adjust(c(0.04, 0.001, 0.03, 0.5), "holm") = 0.09 0.004 0.09 0.5, and
// "BH" = 0.05333333 0.004 0.05333333 0.5.
TEST(Holm, KeepsInputOrder) {
  EXPECT_THAT(HolmAdjust({0.04, 0.001, 0.03, 0.5}),
              ElementsAre(DoubleNear(0.09, 1e-12), DoubleNear(0.004, 1e-12),
                          DoubleNear(0.09, 1e-12), DoubleNear(0.5, 1e-12)));
}

TEST(BenjaminiHochberg, MatchesPAdjust) {
  EXPECT_THAT(BenjaminiHochbergAdjust({0.01, 0.02, 0.03, 0.04, 0.05}),
              ElementsAre(DoubleNear(0.05, 1e-12), DoubleNear(0.05, 1e-12),
                          DoubleNear(0.05, 1e-12), DoubleNear(0.05, 1e-12),
                          DoubleNear(0.05, 1e-12)));
  EXPECT_THAT(BenjaminiHochbergAdjust({0.04, 0.001, 0.03, 0.5}),
              ElementsAre(DoubleNear(0.0533333, 1e-6), DoubleNear(0.004, 1e-12),
                          DoubleNear(0.0533333, 1e-6), DoubleNear(0.5, 1e-12)));
}

TEST(Corrections, NaNIsSkippedAndNotCounted) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> holm = HolmAdjust({0.01, nan, 0.04});
  EXPECT_NEAR(holm[0], 0.02, 1e-12);
  EXPECT_TRUE(std::isnan(holm[1]));
  EXPECT_NEAR(holm[2], 0.04, 1e-12);
  EXPECT_TRUE(HolmAdjust({}).empty());
}

}  // namespace
}  // namespace perfcell::stats
