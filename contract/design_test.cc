#include "contract/design.h"

#include <cmath>

#include "gtest/gtest.h"
#include "proto/cell.pb.h"

namespace perfcell {
namespace {

TEST(IsAdaptiveTest, OnlyInterleavedCellsStopAdaptively) {
  Design d;
  d.set_stop(Design::ADAPTIVE);
  EXPECT_FALSE(IsAdaptive(d));  // old results: sequential
  d.set_mode(Design::INTERLEAVED);
  EXPECT_TRUE(IsAdaptive(d));
  d.set_stop(Design::FIXED);
  EXPECT_FALSE(IsAdaptive(d));
}

TEST(RunValueTest, OldResultsKeepTheMedianTheyWereDecidedOn) {
  Design old;  // written before run_statistic existed
  EXPECT_EQ(RunStatisticOf(old), Design::MEDIAN);
  EXPECT_DOUBLE_EQ(RunValue(old, {1, 4, 16, 100}), 10);
  EXPECT_STREQ(RunStatisticName(RunStatisticOf(old)), "median");
}

TEST(RunValueTest, GeometricMeanIsTheMeanOfLogs) {
  Design d;
  d.set_run_statistic(Design::GEOMETRIC_MEAN);
  EXPECT_NEAR(RunValue(d, {1, 4, 16}), 4, 1e-12);
  // One request twice as fast moves the run by 2^(1/4), not to the middle.
  EXPECT_NEAR(RunValue(d, {100, 100, 100, 200}), 100 * std::pow(2, 0.25), 1e-9);
  EXPECT_DOUBLE_EQ(RunValue(Design::MEDIAN, {100, 100, 100, 200}), 100);
}

TEST(RunValueTest, NothingToSummarizeIsNanNotZero) {
  EXPECT_TRUE(std::isnan(RunValue(Design::GEOMETRIC_MEAN, {})));
  EXPECT_TRUE(std::isnan(RunValue(Design::MEDIAN, {})));
  EXPECT_TRUE(std::isnan(RunValue(Design::GEOMETRIC_MEAN, {3, 0, 5})));
}

TEST(SequentialDesignForTest, SplitsAlphaAndKeepsTheMethod) {
  Design d;
  d.set_min_blocks(4);
  d.set_max_blocks(20);
  d.set_alpha(0.05);
  d.set_min_effect(0.05);
  d.set_futility(0.1);
  stats::SequentialDesign old = SequentialDesignFor(d, 2);
  EXPECT_EQ(old.method, stats::SequentialMethod::kSignedRank);
  EXPECT_DOUBLE_EQ(old.alpha, 0.025);
  EXPECT_EQ(old.min_blocks, 4);
  EXPECT_EQ(old.max_blocks, 20);
  EXPECT_DOUBLE_EQ(old.futility_below, 0.1);
  d.set_method(Design::MEAN_T);
  EXPECT_EQ(SequentialDesignFor(d, 0).method, stats::SequentialMethod::kMeanT);
  EXPECT_DOUBLE_EQ(SequentialDesignFor(d, 0).alpha, 0.05);
}

}  // namespace
}  // namespace perfcell
