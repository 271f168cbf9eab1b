#include "contract/stats/power.h"

#include <cmath>

#include "gtest/gtest.h"

namespace perfcell::stats {
namespace {

// Published rules of thumb quoted in DESIGN.md (alpha 0.05, power 0.8), as
// given by the normal-approximation sample-size formula
// n = 2 (z_0.975 + z_0.8)^2 (cv / effect)^2 = 15.7 (cv / effect)^2.
TEST(Power, CvThirtyTenRunsDetectsAboutThirtyEightPercent) {
  EXPECT_NEAR(MinimumDetectableEffect(0.30, 10, 0.30, 10), 0.376, 0.002);
}

TEST(Power, CvFiveFivePercentNeedsSixteenRuns) {
  EXPECT_EQ(RunsPerSideNeeded(0.05, 0.05, 0.05), 16);
  EXPECT_LE(MinimumDetectableEffect(0.05, 16, 0.05, 16), 0.05);
  EXPECT_GT(MinimumDetectableEffect(0.05, 15, 0.05, 15), 0.05);
}

TEST(Power, MoreNoiseOrFewerRunsNeedBiggerEffects) {
  EXPECT_GT(MinimumDetectableEffect(0.1, 5, 0.1, 5),
            MinimumDetectableEffect(0.1, 20, 0.1, 20));
  EXPECT_GT(RunsPerSideNeeded(0.3, 0.3, 0.05), 500);
  EXPECT_EQ(RunsPerSideNeeded(0.001, 0.001, 0.5), 2);
}

TEST(Power, UnknownNoiseGivesNoNumber) {
  EXPECT_TRUE(std::isnan(MinimumDetectableEffect(NAN, 10, 0.1, 10)));
  EXPECT_TRUE(std::isnan(MinimumDetectableEffect(0.1, 0, 0.1, 10)));
  EXPECT_EQ(RunsPerSideNeeded(NAN, 0.1, 0.05), -1);
  EXPECT_EQ(RunsPerSideNeeded(0.1, 0.1, 0), -1);
}

}  // namespace
}  // namespace perfcell::stats
