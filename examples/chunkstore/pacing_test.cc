#include "examples/chunkstore/pacing.h"

#include <cmath>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace chunkstore {
namespace {

using ::testing::HasSubstr;

TEST(ValidatePacingOptions, AcceptsTheDefaultsAndTheRangeEnds) {
  EXPECT_TRUE(ValidatePacingOptions({}).ok());
  PacingOptions max;
  max.slowdown_percent = 1000;
  max.drift_percent_per_minute = 1000;
  max.stall_every_seconds = 10;
  max.stall_seconds = 2;
  EXPECT_TRUE(ValidatePacingOptions(max).ok());
}

TEST(ValidatePacingOptions, NamesTheFlagAndItsRange) {
  for (double bad :
       {-1.0, 1000.5, std::nan(""), std::numeric_limits<double>::infinity()}) {
    PacingOptions slow;
    slow.slowdown_percent = bad;
    absl::Status s = ValidatePacingOptions(slow);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(s.message(), HasSubstr("--slowdown_percent"));
    EXPECT_THAT(s.message(), HasSubstr("0 to 1000"));
    PacingOptions drift;
    drift.drift_percent_per_minute = bad;
    EXPECT_THAT(ValidatePacingOptions(drift).message(),
                HasSubstr("--drift_percent_per_minute"));
  }
}

TEST(ValidatePacingOptions, StallNeedsBothAndAStallShorterThanItsPeriod) {
  PacingOptions only_stall;
  only_stall.stall_seconds = 1;
  EXPECT_THAT(ValidatePacingOptions(only_stall).message(),
              HasSubstr("--stall_every_seconds"));
  PacingOptions too_long;
  too_long.stall_every_seconds = 2;
  too_long.stall_seconds = 2;
  EXPECT_THAT(ValidatePacingOptions(too_long).message(),
              HasSubstr("--stall_seconds"));
  PacingOptions only_every;
  only_every.stall_every_seconds = 2;
  EXPECT_THAT(ValidatePacingOptions(only_every).message(),
              HasSubstr("--stall_seconds"));
}

TEST(DelayFactor, AddsSlowdownAndDriftPerMinute) {
  PacingOptions options;
  options.slowdown_percent = 50;
  options.drift_percent_per_minute = 10;
  EXPECT_DOUBLE_EQ(DelayFactor(options, absl::ZeroDuration()), 0.5);
  EXPECT_DOUBLE_EQ(DelayFactor(options, absl::Minutes(3)), 0.8);
  EXPECT_DOUBLE_EQ(DelayFactor({}, absl::Hours(5)), 0);
}

TEST(StallRemaining, StallsTheLastSecondsOfEveryPeriod) {
  PacingOptions options;
  options.stall_every_seconds = 10;
  options.stall_seconds = 3;
  EXPECT_EQ(StallRemaining(options, absl::Seconds(0)), absl::ZeroDuration());
  EXPECT_EQ(StallRemaining(options, absl::Seconds(6.5)), absl::ZeroDuration());
  EXPECT_EQ(StallRemaining(options, absl::Seconds(7)), absl::Seconds(3));
  EXPECT_EQ(StallRemaining(options, absl::Seconds(9.5)), absl::Seconds(0.5));
  EXPECT_EQ(StallRemaining(options, absl::Seconds(10)), absl::ZeroDuration());
  EXPECT_EQ(StallRemaining(options, absl::Seconds(28)), absl::Seconds(2));
  EXPECT_EQ(StallRemaining({}, absl::Seconds(28)), absl::ZeroDuration());
}

TEST(DelayOwed, ReachesFactorTimesWork) {
  EXPECT_EQ(DelayOwed(0.5, absl::Milliseconds(100), absl::ZeroDuration()),
            absl::Milliseconds(50));
  EXPECT_EQ(DelayOwed(0.5, absl::Milliseconds(100), absl::Milliseconds(20)),
            absl::Milliseconds(30));
  EXPECT_EQ(DelayOwed(0.5, absl::Milliseconds(100), absl::Milliseconds(80)),
            absl::ZeroDuration());
  EXPECT_EQ(DelayOwed(0, absl::Seconds(1), absl::ZeroDuration()),
            absl::ZeroDuration());
}

TEST(RequestPacer, SleepsInProportionToTheTimeBeforeTheWrite) {
  PacingOptions options;
  options.slowdown_percent = 100;
  Pacer pacer(options);
  RequestPacer request(&pacer);
  const absl::Time start = absl::Now();
  absl::SleepFor(absl::Milliseconds(100));  // the "work"
  request.BeforeWrite(true);
  // At least the work again; the upper bound only guards against a runaway.
  EXPECT_GE(request.delayed(), absl::Milliseconds(99));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(199));
  EXPECT_LT(request.delayed(), absl::Seconds(5));
}

TEST(RequestPacer, DoesNothingWhenOff) {
  Pacer pacer({});
  RequestPacer request(&pacer);
  absl::SleepFor(absl::Milliseconds(20));
  request.BeforeWrite(true);
  EXPECT_EQ(request.delayed(), absl::ZeroDuration());
  RequestPacer none(nullptr);
  none.BeforeWrite(true);
  EXPECT_EQ(none.delayed(), absl::ZeroDuration());
}

TEST(RequestPacer, TimeSinceTheWorkEndedCountsAsDelayPaid) {
  PacingOptions options;
  options.slowdown_percent = 100;
  Pacer pacer(options);
  RequestPacer request(&pacer);
  absl::SleepFor(absl::Milliseconds(100));  // the work
  const absl::Time work_ended = absl::Now();
  absl::SleepFor(absl::Milliseconds(60));  // waiting to see it had ended
  const absl::Time before = absl::Now();
  request.BeforeWrite(true, work_ended);
  // 100 ms owed, 60 of them already waited.
  EXPECT_GE(request.delayed(), absl::Milliseconds(99));
  EXPECT_GE(absl::Now() - before, absl::Milliseconds(39));
  EXPECT_LT(absl::Now() - before, absl::Milliseconds(90));
}

TEST(Pacer, SleepForWaitsAboutTheTimeAsked) {
  Pacer pacer({});
  for (absl::Duration wanted :
       {absl::Microseconds(300), absl::Milliseconds(5)}) {
    const absl::Duration waited = pacer.SleepFor(wanted);
    EXPECT_GE(waited, wanted);
    EXPECT_LT(waited, wanted + absl::Seconds(1));  // guards a runaway only
  }
}

}  // namespace
}  // namespace chunkstore
