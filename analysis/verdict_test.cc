#include "analysis/verdict.h"

#include <cmath>

#include "gtest/gtest.h"

namespace perfcell::analysis {
namespace {

TEST(Verdict, SignificantLargeChangesHaveADirection) {
  EXPECT_EQ(DecideVerdict(0.90, {0.87, 0.93}, 0.001, 0.05, 0.05),
            Verdict::kSlower);
  EXPECT_EQ(DecideVerdict(1.12, {1.08, 1.16}, 0.001, 0.05, 0.05),
            Verdict::kFaster);
}

TEST(Verdict, TightIntervalAroundOneIsNoDifference) {
  EXPECT_EQ(DecideVerdict(1.01, {0.98, 1.03}, 0.6, 0.05, 0.05),
            Verdict::kNoDifference);
  // Significant but smaller than anyone cares about, and known to be so.
  EXPECT_EQ(DecideVerdict(0.98, {0.97, 0.99}, 0.001, 0.05, 0.05),
            Verdict::kNoDifference);
}

TEST(Verdict, WideIntervalIsInconclusive) {
  // The user's data: CV 30%, "-42%" that no test supports.
  EXPECT_EQ(DecideVerdict(0.58, {0.35, 1.10}, 0.2, 0.05, 0.05),
            Verdict::kInconclusive);
  // Large, but not significant after correction.
  EXPECT_EQ(DecideVerdict(0.80, {0.70, 0.90}, 0.08, 0.05, 0.05),
            Verdict::kInconclusive);
  EXPECT_EQ(DecideVerdict(NAN, {NAN, NAN}, 1, 0.05, 0.05),
            Verdict::kInconclusive);
  EXPECT_EQ(VerdictName(Verdict::kNoDifference), "no difference");
}

}  // namespace
}  // namespace perfcell::analysis
