#include "contract/latency_histogram.h"

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace perfcell {
namespace {

const LatencyLayout& Layout() { return LatencyLayout::Default(); }

TEST(LatencyLayout, DefaultIsNanosecondsSevenBitsUpToHundredSeconds) {
  EXPECT_DOUBLE_EQ(Layout().unit_seconds(), 1e-9);
  EXPECT_EQ(Layout().sub_bucket_bits(), 7u);
  EXPECT_DOUBLE_EQ(Layout().highest_seconds(), 100);
  // 256 one-unit buckets, 128 per octave from 2^8 to 2^36 ns (68.7 s),
  // then the octave of 1e11 ns up to its bucket (1e11 >> 29 = 186).
  EXPECT_EQ(Layout().bucket_count(), 256 + 28 * 128 + (186 - 128) + 1);
  EXPECT_LE(Layout().LowerSeconds(Layout().bucket_count() - 1), 100.0);
  EXPECT_GT(Layout().UpperSeconds(Layout().bucket_count() - 1), 100.0);
}

TEST(LatencyLayout, BucketsTileTheRangeWithoutGaps) {
  const LatencyLayout& l = Layout();
  EXPECT_DOUBLE_EQ(l.LowerSeconds(0), 0);
  for (int i = 0; i + 1 < l.bucket_count(); ++i) {
    ASSERT_DOUBLE_EQ(l.UpperSeconds(i), l.LowerSeconds(i + 1)) << i;
    ASSERT_LT(l.LowerSeconds(i), l.UpperSeconds(i)) << i;
    if (i >= 256) {
      // At most 1/128 of the lower bound wide.
      ASSERT_LE(l.UpperSeconds(i) - l.LowerSeconds(i),
                l.LowerSeconds(i) / 128 * (1 + 1e-12))
          << i;
    }
  }
}

TEST(LatencyLayout, RelativeErrorAtMostOnePercentFromMicrosecondToHundredS) {
  const LatencyLayout& l = Layout();
  std::mt19937_64 rng(12);
  std::uniform_real_distribution<double> exponent(-6, 2);  // 1 us .. 100 s
  double worst = 0;
  auto check = [&](double x) {
    const int i = l.IndexOf(x);
    ASSERT_GE(i, 0) << x;
    ASSERT_LE(l.LowerSeconds(i), x * (1 + 1e-12)) << x;
    ASSERT_GT(l.UpperSeconds(i), x * (1 - 1e-12)) << x;
    worst = std::max(worst, std::fabs(l.MidSeconds(i) - x) / x);
  };
  for (int k = 0; k < 200000; ++k) check(std::pow(10.0, exponent(rng)));
  // Every bucket edge and its neighbours, over the whole range.
  for (int i = 1; i < l.bucket_count(); ++i) {
    const double edge = l.LowerSeconds(i);
    if (edge < 1e-6) continue;
    check(edge);
    check(std::nextafter(edge, 0.0));
    check(std::nextafter(edge, 1e9));
  }
  check(1e-6);
  check(100.0);
  EXPECT_LE(worst, 0.01);
  EXPECT_LE(worst, 1.0 / 256 + 1e-9);  // what the layout promises
}

TEST(LatencyLayout, OverflowNanAndNegatives) {
  EXPECT_EQ(Layout().IndexOf(100.0), Layout().bucket_count() - 1);
  EXPECT_EQ(Layout().IndexOf(100.001), -1);
  EXPECT_EQ(Layout().IndexOf(std::numeric_limits<double>::infinity()), -1);
  EXPECT_EQ(Layout().IndexOf(std::nan("")), -1);
  EXPECT_EQ(Layout().IndexOf(-1), 0);
  EXPECT_EQ(Layout().IndexOf(0), 0);
}

TEST(LatencyLayout, CreateChecksParameters) {
  EXPECT_TRUE(LatencyLayout::Create(1e-9, 7, 100).ok());
  EXPECT_FALSE(LatencyLayout::Create(0, 7, 100).ok());
  EXPECT_FALSE(LatencyLayout::Create(1e-9, 0, 100).ok());
  EXPECT_FALSE(LatencyLayout::Create(1e-9, 17, 100).ok());
  EXPECT_FALSE(LatencyLayout::Create(1e-9, 7, 1e-8).ok());  // 10 units
  EXPECT_FALSE(LatencyLayout::Create(1e-9, 7, 1e9).ok());   // > 2^52 units
  EXPECT_FALSE(LatencyLayout::Create(std::nan(""), 7, 100).ok());
  // A coarser layout a reader must rebuild from its parameters alone.
  absl::StatusOr<LatencyLayout> coarse = LatencyLayout::Create(1e-6, 4, 10);
  ASSERT_TRUE(coarse.ok());
  EXPECT_EQ(coarse->IndexOf(31e-6), 31);  // below 2^5 units: one per unit
  EXPECT_DOUBLE_EQ(coarse->LowerSeconds(32), 32e-6);
  EXPECT_DOUBLE_EQ(coarse->UpperSeconds(32), 34e-6);  // 16 per octave
}

TEST(LatencyCounts, CountsMinMaxSumAndOverflow) {
  LatencyCounts counts;
  counts.Add(0.0042);
  counts.Add(0.0042);
  counts.Add(1.5);
  counts.Add(500);  // over 100 s
  EXPECT_EQ(counts.total(), 4u);
  EXPECT_EQ(counts.overflow(), 1u);
  EXPECT_DOUBLE_EQ(counts.min_seconds(), 0.0042);
  EXPECT_DOUBLE_EQ(counts.max_seconds(), 500);
  EXPECT_DOUBLE_EQ(counts.sum_seconds(), 0.0084 + 1.5 + 500);
  EXPECT_EQ(counts.counts()[Layout().IndexOf(0.0042)], 2u);
  EXPECT_EQ(counts.counts()[Layout().IndexOf(1.5)], 1u);
}

TEST(LatencyCounts, MergeIsTheHistogramOfBothSamplesTogether) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> latency(std::log(0.01), 1.5);
  LatencyCounts a, b, all;
  for (int k = 0; k < 20000; ++k) {
    const double x = latency(rng);
    (k % 3 == 0 ? a : b).Add(x);
    all.Add(x);
  }
  a.Add(250);  // overflow on one side only
  all.Add(250);
  a.Merge(b);
  EXPECT_EQ(a.counts(), all.counts());
  EXPECT_EQ(a.total(), all.total());
  EXPECT_EQ(a.overflow(), all.overflow());
  EXPECT_EQ(a.min_seconds(), all.min_seconds());
  EXPECT_EQ(a.max_seconds(), all.max_seconds());
  EXPECT_NEAR(a.sum_seconds(), all.sum_seconds(), 1e-9 * all.sum_seconds());
  LatencyHistogram pa = a.ToProto("x"), pall = all.ToProto("x");
  EXPECT_THAT(pa.bucket_index(),
              ::testing::ElementsAreArray(pall.bucket_index().begin(),
                                          pall.bucket_index().end()));
  EXPECT_THAT(pa.bucket_count(),
              ::testing::ElementsAreArray(pall.bucket_count().begin(),
                                          pall.bucket_count().end()));
}

TEST(LatencyCounts, ProtoIsSparseAndCarriesItsLayout) {
  LatencyCounts counts;
  for (int k = 0; k < 1000; ++k) counts.Add(0.010);  // one bucket
  counts.Add(0.020);
  counts.Add(1000);
  const LatencyHistogram h = counts.ToProto("stage 0: 2 clients");
  EXPECT_EQ(h.name(), "stage 0: 2 clients");
  EXPECT_DOUBLE_EQ(h.unit_seconds(), 1e-9);
  EXPECT_EQ(h.sub_bucket_bits(), 7u);
  EXPECT_DOUBLE_EQ(h.highest_seconds(), 100);
  ASSERT_EQ(h.bucket_index_size(), 2);
  ASSERT_EQ(h.bucket_count_size(), 2);
  EXPECT_EQ(h.bucket_index(0), static_cast<uint32_t>(Layout().IndexOf(0.01)));
  EXPECT_EQ(h.bucket_count(0), 1000u);
  EXPECT_LT(h.bucket_index(0), h.bucket_index(1));
  EXPECT_EQ(h.overflow(), 1u);
  EXPECT_EQ(h.total(), 1002u);
  EXPECT_DOUBLE_EQ(h.min_seconds(), 0.010);
  EXPECT_DOUBLE_EQ(h.max_seconds(), 1000);
  EXPECT_EQ(h.upper_bound_seconds_size(), 0);
  EXPECT_EQ(h.counts_size(), 0);
  EXPECT_LT(h.ByteSizeLong(), 100u);
  absl::StatusOr<LatencyLayout> layout = LatencyLayout::FromProto(h);
  ASSERT_TRUE(layout.ok());
  EXPECT_TRUE(*layout == Layout());
}

TEST(LatencyCounts, EmptyProtoHasNoBucketsAndZeroMinMax) {
  const LatencyHistogram h = LatencyCounts().ToProto("stage 0: 1 client");
  EXPECT_EQ(h.total(), 0u);
  EXPECT_EQ(h.bucket_index_size(), 0);
  EXPECT_EQ(h.min_seconds(), 0);
  EXPECT_EQ(h.max_seconds(), 0);
}

TEST(LatencyCounts, SurvivesResultJson) {
  LatencyCounts counts;
  counts.Add(0.003);
  counts.Add(1000);
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(
                  counts.ToProto("stage 0: 1 client"), &json)
                  .ok());
  LatencyHistogram back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &back).ok());
  EXPECT_EQ(back.SerializeAsString(),
            counts.ToProto("stage 0: 1 client").SerializeAsString());
}

}  // namespace
}  // namespace perfcell
