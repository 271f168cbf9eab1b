#include "contract/stats/descriptive.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perfcell::stats {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;

// Wikipedia, "Standard deviation", example of eight values: mean 5,
// population sd 2, sample sd sqrt(32/7) = 2.13809.
const std::vector<double> kEight = {2, 4, 4, 4, 5, 5, 7, 9};

TEST(Descriptive, MeanAndSampleStdDev) {
  EXPECT_DOUBLE_EQ(Mean(kEight), 5.0);
  EXPECT_NEAR(StdDev(kEight), 2.1380899, 1e-7);
  EXPECT_NEAR(CoefficientOfVariation(kEight), 2.1380899 / 5, 1e-7);
}

TEST(Descriptive, MedianOddAndEven) {
  EXPECT_DOUBLE_EQ(Median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(Median(kEight), 4.5);
}

// R: quantile(1:10, c(0.25, 0.9)) gives 3.25 and 9.1 (type 7, the default).
TEST(Descriptive, QuantileMatchesRType7) {
  std::vector<double> x = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  EXPECT_NEAR(Quantile(x, 0.25), 3.25, 1e-12);
  EXPECT_NEAR(Quantile(x, 0.9), 9.1, 1e-12);
  EXPECT_DOUBLE_EQ(Quantile(x, 0), 1);
  EXPECT_DOUBLE_EQ(Quantile(x, 1), 10);
}

TEST(Descriptive, SmallSamplesGiveNaNNotGarbage) {
  EXPECT_TRUE(std::isnan(Mean({})));
  EXPECT_TRUE(std::isnan(Median({})));
  EXPECT_TRUE(std::isnan(StdDev({42})));
  EXPECT_TRUE(std::isnan(CoefficientOfVariation({42})));
  EXPECT_DOUBLE_EQ(Median({42}), 42);
  EXPECT_TRUE(std::isnan(Min({})));
}

TEST(Descriptive, MidRanksShareTies) {
  EXPECT_THAT(MidRanks({10, 20, 20, 30}), ElementsAre(1, 2.5, 2.5, 4));
  EXPECT_THAT(MidRanks({5, 5, 5}), ElementsAre(2, 2, 2));
}

}  // namespace
}  // namespace perfcell::stats
