#include "runner/workload/arrival_schedule.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perfcell {
namespace {

using ::testing::HasSubstr;

TEST(ArrivalSchedule, ConstantRateIsEvenlySpaced) {
  absl::StatusOr<ArrivalSchedule> s = ArrivalSchedule::Create(200, 200, 10);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->size(), 2000u);
  EXPECT_DOUBLE_EQ(s->Offset(0), 0);
  EXPECT_DOUBLE_EQ(s->Offset(1), 0.005);
  EXPECT_DOUBLE_EQ(s->Offset(1999), 9.995);
}

TEST(ArrivalSchedule, AFractionalLastArrivalStillStartsInTheStage) {
  // 2.5 arrivals expected: requests at 0, 0.4 and 0.8 s.
  absl::StatusOr<ArrivalSchedule> s = ArrivalSchedule::Create(2.5, 2.5, 1);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->size(), 3u);
  EXPECT_DOUBLE_EQ(s->Offset(2), 0.8);
}

TEST(ArrivalSchedule, RampFromZeroFollowsTheIntegralOfTheRate) {
  absl::StatusOr<ArrivalSchedule> s = ArrivalSchedule::Create(0, 100, 10);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->size(), 500u);
  EXPECT_NEAR(s->Offset(50), std::sqrt(2.0 * 10 * 50 / 100), 1e-12);
  // Half the requests come in the last 29 % of the stage.
  EXPECT_NEAR(s->Offset(250), 10 / std::sqrt(2.0), 1e-9);
}

TEST(ArrivalSchedule, RampDownStartsDenseAndThinsOut) {
  absl::StatusOr<ArrivalSchedule> s = ArrivalSchedule::Create(100, 0, 10);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->size(), 500u);
  EXPECT_NEAR(s->Offset(1), 0.01, 1e-5);
  double last = 0;
  for (uint64_t i = 1; i < s->size(); ++i) {
    const double t = s->Offset(i);
    EXPECT_GT(t, last) << i;
    EXPECT_LT(t, 10) << i;
    // Gaps grow as the rate falls.
    last = t;
  }
  EXPECT_GT(s->Offset(499) - s->Offset(498), s->Offset(2) - s->Offset(1));
}

TEST(ArrivalSchedule, ZeroRateSchedulesNothing) {
  absl::StatusOr<ArrivalSchedule> s = ArrivalSchedule::Create(0, 0, 5);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->size(), 0u);
}

TEST(ArrivalSchedule, RejectsWhatCannotRun) {
  EXPECT_THAT(ArrivalSchedule::Create(1, 1, 0).status().message(),
              HasSubstr("seconds 0 must be positive"));
  EXPECT_THAT(ArrivalSchedule::Create(-1, 1, 1).status().message(),
              HasSubstr("rate -1 requests/s"));
  EXPECT_THAT(ArrivalSchedule::Create(1, NAN, 1).status().message(),
              HasSubstr("rate nan"));
  EXPECT_THAT(ArrivalSchedule::Create(1e9, 1e9, 1).status().message(),
              HasSubstr("more than the 100000000"));
}

}  // namespace
}  // namespace perfcell
