#include "contract/latency_percentiles.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "contract/latency_histogram.h"
#include "gtest/gtest.h"

namespace perfcell {
namespace {

// The ceil(q n)-th smallest value (at least the first): nearest rank.
double Truth(std::vector<double> sorted, double q) {
  std::sort(sorted.begin(), sorted.end());
  const auto n = static_cast<double>(sorted.size());
  const size_t rank =
      std::max<size_t>(1, static_cast<size_t>(std::ceil(q * n - 1e-9)));
  return sorted[rank - 1];
}

LatencyDistribution FromCounts(const LatencyCounts& counts) {
  absl::StatusOr<LatencyDistribution> d =
      LatencyDistribution::FromProto(counts.ToProto("stage 0: 4 clients"));
  EXPECT_TRUE(d.ok()) << d.status();
  return d.ok() ? *d : LatencyDistribution();
}

void ExpectPercentilesWithinOnePercent(const std::vector<double>& sample) {
  LatencyCounts counts;
  for (double x : sample) counts.Add(x);
  const LatencyDistribution d = FromCounts(counts);
  for (double q : {0.0, 0.001, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0}) {
    const double truth = Truth(sample, q);
    EXPECT_NEAR(d.Percentile(q), truth, 0.01 * truth)
        << PercentileName(q) << " of " << sample.size();
  }
  EXPECT_EQ(d.Percentile(1), Truth(sample, 1));  // max is exact
}

TEST(LatencyPercentiles, MatchSortedSamplesWithinOnePercent) {
  std::mt19937_64 rng(99);
  std::lognormal_distribution<double> lognormal(std::log(0.004), 1.2);
  std::uniform_real_distribution<double> exponent(-6, 2);  // 1 us .. 100 s
  for (int n : {1, 7, 100, 1000, 50000}) {
    std::vector<double> a, b;
    for (int k = 0; k < n; ++k) {
      a.push_back(lognormal(rng));
      b.push_back(std::pow(10.0, exponent(rng)));
    }
    ExpectPercentilesWithinOnePercent(a);
    ExpectPercentilesWithinOnePercent(b);
  }
  // A tight cluster: every request within a few microseconds of 12 ms.
  std::normal_distribution<double> tight(0.012, 2e-6);
  std::vector<double> c;
  for (int k = 0; k < 5000; ++k) c.push_back(tight(rng));
  ExpectPercentilesWithinOnePercent(c);
}

TEST(LatencyPercentiles, ReportedSetAndNames) {
  std::vector<std::string> names;
  for (double q : ReportedPercentiles()) names.push_back(PercentileName(q));
  EXPECT_EQ(names, (std::vector<std::string>{"p50", "p90", "p95", "p99",
                                             "p99.9", "max"}));
}

TEST(LatencyPercentiles, MergedDistributionIsThatOfTheConcatenation) {
  std::mt19937_64 rng(5);
  std::exponential_distribution<double> slow(20), fast(2000);
  std::vector<double> all;
  LatencyCounts a, b;
  for (int k = 0; k < 3000; ++k) {
    const double x = slow(rng), y = fast(rng);
    a.Add(x);
    b.Add(y);
    all.push_back(x);
    all.push_back(y);
  }
  LatencyDistribution d = FromCounts(a);
  ASSERT_TRUE(d.Merge(FromCounts(b)).ok());
  LatencyCounts together = a;
  together.Merge(b);
  const LatencyDistribution whole = FromCounts(together);
  EXPECT_EQ(d.total(), 6000u);
  for (double q : ReportedPercentiles()) {
    EXPECT_EQ(d.Percentile(q), whole.Percentile(q)) << q;
    EXPECT_NEAR(d.Percentile(q), Truth(all, q), 0.01 * Truth(all, q)) << q;
  }
  // Merging into an empty distribution copies.
  LatencyDistribution empty;
  ASSERT_TRUE(empty.Merge(d).ok());
  EXPECT_EQ(empty.Percentile(0.99), d.Percentile(0.99));
}

TEST(LatencyPercentiles, OverflowReportsTheExactMaximum) {
  LatencyCounts counts;
  for (int k = 0; k < 98; ++k) counts.Add(0.010);
  counts.Add(150);
  counts.Add(300);
  const LatencyDistribution d = FromCounts(counts);
  EXPECT_NEAR(d.Percentile(0.5), 0.010, 0.0001);
  EXPECT_EQ(d.Percentile(0.99), 300);  // rank 99 is in the overflow
  EXPECT_EQ(d.Percentile(1), 300);
}

TEST(LatencyPercentiles, EmptyAndOutOfRange) {
  const LatencyDistribution d = FromCounts(LatencyCounts());
  EXPECT_TRUE(d.empty());
  EXPECT_TRUE(std::isnan(d.Percentile(0.5)));
  LatencyCounts one;
  one.Add(0.5);
  EXPECT_TRUE(std::isnan(FromCounts(one).Percentile(1.5)));
}

// The format of results written before the log-linear histogram.
LatencyHistogram OldDense(const std::vector<uint64_t>& counts) {
  LatencyHistogram h;
  h.set_name("baseline run 0: stage 1: 4 clients");
  for (int k = 0; k <= 20; ++k) {
    h.add_upper_bound_seconds(std::round(std::pow(10.0, -3 + k / 4.0) * 1e6) /
                              1e6);
  }
  h.add_upper_bound_seconds(INFINITY);
  uint64_t total = 0;
  for (int k = 0; k < h.upper_bound_seconds_size(); ++k) {
    const uint64_t c = static_cast<size_t>(k) < counts.size() ? counts[k] : 0;
    h.add_counts(c);
    total += c;
  }
  h.set_total(total);
  return h;
}

TEST(LatencyPercentiles, OldDenseHistogramsStillReadAsUpperBounds) {
  // 50 requests <= 1 ms, 45 in (5.623, 10] ms, 5 over 100 s.
  std::vector<uint64_t> counts(22, 0);
  counts[0] = 50;
  counts[4] = 45;
  counts[21] = 5;
  absl::StatusOr<LatencyDistribution> d =
      LatencyDistribution::FromProto(OldDense(counts));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_FALSE(d->fine());
  EXPECT_EQ(d->total(), 100u);
  EXPECT_DOUBLE_EQ(d->Percentile(0.5), 0.001);
  EXPECT_DOUBLE_EQ(d->Percentile(0.9), 0.01);
  EXPECT_TRUE(std::isinf(d->Percentile(0.99)));
  // Old and new buckets do not line up: no silent mixing.
  LatencyCounts fresh;
  fresh.Add(0.002);
  LatencyDistribution mixed = *d;
  EXPECT_EQ(mixed.Merge(FromCounts(fresh)).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(LatencyPercentiles, InconsistentHistogramsAreErrors) {
  LatencyCounts counts;
  counts.Add(0.002);
  LatencyHistogram h = counts.ToProto("x");
  h.set_total(5);
  EXPECT_EQ(LatencyDistribution::FromProto(h).status().code(),
            absl::StatusCode::kInvalidArgument);
  h = counts.ToProto("x");
  h.add_bucket_index(3);  // no count for it
  EXPECT_FALSE(LatencyDistribution::FromProto(h).ok());
  h = counts.ToProto("x");
  h.set_bucket_index(0, 1000000);  // past the layout
  EXPECT_FALSE(LatencyDistribution::FromProto(h).ok());
  h = counts.ToProto("x");
  h.set_sub_bucket_bits(40);
  EXPECT_FALSE(LatencyDistribution::FromProto(h).ok());
  LatencyHistogram dense = OldDense({1});
  dense.set_upper_bound_seconds(3, 0.0001);  // not ascending
  EXPECT_FALSE(LatencyDistribution::FromProto(dense).ok());
}

}  // namespace
}  // namespace perfcell
