#include "runner/workload/latency_histogram.h"

#include <cmath>
#include <numeric>

#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace perfcell {
namespace {

TEST(LatencyBucketBounds, OneMillisecondToHundredSecondsFourPerDecade) {
  const std::vector<double>& bounds = LatencyBucketBoundsSeconds();
  ASSERT_EQ(bounds.size(), 22u);  // 5 decades x 4 + 1, then +infinity
  EXPECT_DOUBLE_EQ(bounds[0], 0.001);
  EXPECT_DOUBLE_EQ(bounds[1], 0.001778);
  EXPECT_DOUBLE_EQ(bounds[4], 0.01);
  EXPECT_DOUBLE_EQ(bounds[8], 0.1);
  EXPECT_DOUBLE_EQ(bounds[12], 1.0);
  EXPECT_DOUBLE_EQ(bounds[20], 100.0);
  EXPECT_TRUE(std::isinf(bounds[21]));
  for (size_t i = 1; i < bounds.size(); ++i)
    EXPECT_LT(bounds[i - 1], bounds[i]);
}

TEST(LatencyCounts, EachLatencyLandsInTheFirstBucketThatHoldsIt) {
  LatencyCounts counts;
  counts.Add(0.0001);  // under 1 ms: first bucket
  counts.Add(0.001);   // exactly a bound: that bucket
  counts.Add(0.0011);  // just over: the next
  counts.Add(1.0);
  counts.Add(5000);  // over 100 s: the +infinity bucket
  const std::vector<uint64_t>& c = counts.counts();
  EXPECT_EQ(c[0], 2u);
  EXPECT_EQ(c[1], 1u);
  EXPECT_EQ(c[12], 1u);
  EXPECT_EQ(c[21], 1u);
  EXPECT_EQ(counts.total(), 5u);
  EXPECT_DOUBLE_EQ(counts.sum_seconds(), 0.0001 + 0.001 + 0.0011 + 1.0 + 5000);
}

TEST(LatencyCounts, MergeAddsAndProtoCarriesEverything) {
  LatencyCounts a, b;
  a.Add(0.002);
  b.Add(0.002);
  b.Add(0.5);
  a.Merge(b);
  LatencyHistogram h = a.ToProto("stage 0: 2 clients");
  EXPECT_EQ(h.name(), "stage 0: 2 clients");
  ASSERT_EQ(h.upper_bound_seconds_size(), h.counts_size());
  EXPECT_EQ(h.total(), 3u);
  EXPECT_EQ(std::accumulate(h.counts().begin(), h.counts().end(), uint64_t{0}),
            3u);
  EXPECT_DOUBLE_EQ(h.sum_seconds(), 0.504);
  EXPECT_EQ(h.counts(2), 2u);  // (1.778 ms, 3.162 ms]
}

TEST(LatencyCounts, InfiniteLastBoundSurvivesResultJson) {
  LatencyCounts counts;
  counts.Add(1000);
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(
                  counts.ToProto("stage 0: 1 client"), &json)
                  .ok());
  EXPECT_THAT(json, ::testing::HasSubstr("\"Infinity\""));
  LatencyHistogram back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &back).ok());
  EXPECT_TRUE(std::isinf(back.upper_bound_seconds(21)));
  EXPECT_EQ(back.counts(21), 1u);
}

}  // namespace
}  // namespace perfcell
