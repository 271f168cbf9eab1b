#include "contract/thresholds.h"

#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perfcell {
namespace {

using ::testing::HasSubstr;

TEST(ParseThreshold, ReadsOperatorNumberAndUnitIntoBaseUnits) {
  absl::StatusOr<Threshold> t = ParseThreshold("download.p95", "< 200ms");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->op(), Threshold::LESS);
  EXPECT_DOUBLE_EQ(t->limit(), 0.2);
  EXPECT_EQ(t->text(), "download.p95 < 200ms");

  t = ParseThreshold("upload.throughput", ">=50MiB/s");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->op(), Threshold::GREATER_OR_EQUAL);
  EXPECT_DOUBLE_EQ(t->limit(), 50.0 * (1 << 20));
  EXPECT_EQ(t->text(), "upload.throughput >= 50MiB/s");

  t = ParseThreshold("errors.rate", "< 0.1%");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_DOUBLE_EQ(t->limit(), 0.001);

  t = ParseThreshold("server.rss_max", "<= 128 MiB");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_DOUBLE_EQ(t->limit(), 128.0 * (1 << 20));
  EXPECT_EQ(t->text(), "server.rss_max <= 128MiB");

  t = ParseThreshold("download.p99.9", "< 1.5s");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_DOUBLE_EQ(t->limit(), 1.5);
  EXPECT_TRUE(ParseThreshold("upload.max", "< 800us").ok());
  EXPECT_TRUE(ParseThreshold("tmp.leftover_max", "<= 0B").ok());
  EXPECT_TRUE(ParseThreshold("disk.used_max", "< 2GiB").ok());
}

TEST(ParseThreshold, GivesOneClearMessagePerMistake) {
  absl::Status s = ParseThreshold("download.p97", "< 200ms").status();
  EXPECT_THAT(s.message(), HasSubstr("unknown threshold metric "
                                     "\"download.p97\": use download.<stat>"));
  s = ParseThreshold("delete.p95", "< 200ms").status();
  EXPECT_THAT(s.message(), HasSubstr("unknown threshold metric"));
  s = ParseThreshold("download.p95", "= 200ms").status();
  EXPECT_THAT(s.message(),
              HasSubstr("threshold download.p95 \"= 200ms\": operator \"=\": "
                        "start with <, <=, > or >="));
  s = ParseThreshold("download.p95", "200ms").status();
  EXPECT_THAT(s.message(), HasSubstr("no operator"));
  s = ParseThreshold("download.p95", "< 200MB").status();
  EXPECT_THAT(s.message(),
              HasSubstr("unit \"MB\": download.p95 is a latency; use us, ms "
                        "or s"));
  s = ParseThreshold("server.rss_max", "< 128MB").status();
  EXPECT_THAT(s.message(), HasSubstr("use B, KiB, MiB or GiB"));
  s = ParseThreshold("upload.throughput", "> 50").status();
  EXPECT_THAT(s.message(), HasSubstr("no unit"));
  s = ParseThreshold("errors.rate", "< 0.001").status();
  EXPECT_THAT(s.message(), HasSubstr("errors.rate is a rate; use %"));
  s = ParseThreshold("errors.rate", "< 120%").status();
  EXPECT_THAT(s.message(), HasSubstr("at most 100%"));
  s = ParseThreshold("download.p95", "< fast").status();
  EXPECT_THAT(s.message(), HasSubstr("\"fast\" is not a number and a unit"));
}

TEST(ParseThresholds, SplitsOnSemicolons) {
  absl::StatusOr<std::vector<Threshold>> all =
      ParseThresholds(" download.p95 < 200ms; errors.rate<0.1% ;");
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].text(), "errors.rate < 0.1%");
  EXPECT_TRUE(ParseThresholds("")->empty());
  EXPECT_FALSE(ParseThresholds("download.p95 < 200ms; < 3s").ok());
}

TEST(FormatMetricValue, ScalesLikeTheThresholds) {
  EXPECT_EQ(FormatMetricValue(MetricKind::kLatency, 0.312), "312ms");
  EXPECT_EQ(FormatMetricValue(MetricKind::kLatency, 1.523), "1.52s");
  EXPECT_EQ(FormatMetricValue(MetricKind::kLatency, 0.000085), "85.0us");
  EXPECT_EQ(FormatMetricValue(MetricKind::kThroughput, 48.25 * (1 << 20)),
            "48.2MiB/s");
  EXPECT_EQ(FormatMetricValue(MetricKind::kBytes, 140.0 * (1 << 20)), "140MiB");
  EXPECT_EQ(FormatMetricValue(MetricKind::kBytes, 0), "0B");
  EXPECT_EQ(FormatMetricValue(MetricKind::kFraction, 0.0025), "0.25%");
  EXPECT_EQ(FormatMetricValue(MetricKind::kFraction, NAN), "no data");
}

Iteration* AddIteration(CellResult* r, const std::string& branch,
                        uint32_t index, bool warmup, double seconds,
                        uint64_t rss) {
  Iteration* it = r->add_iterations();
  it->set_branch(branch);
  it->set_index(index);
  it->set_warmup(warmup);
  it->set_ok(true);
  it->set_bytes(1 << 20);
  it->set_seconds(seconds);
  it->mutable_metrics()->set_server_rss_bytes(rss);
  return it;
}

CellResult DownloadCell(const std::string& thresholds) {
  CellResult r;
  r.mutable_spec()->mutable_workload()->set_kind(Workload::DOWNLOAD);
  r.mutable_spec()->add_binaries()->set_branch("baseline");
  r.mutable_spec()->add_binaries()->set_branch("slow");
  const std::vector<Threshold> parsed = *ParseThresholds(thresholds);
  for (const Threshold& t : parsed) *r.mutable_spec()->add_thresholds() = t;
  // Warm-up iterations are slow and big: they must not count.
  AddIteration(&r, "baseline", 0, true, 9, 900 << 20);
  AddIteration(&r, "slow", 0, true, 9, 900 << 20);
  for (uint32_t i = 1; i <= 20; ++i) {
    AddIteration(&r, "baseline", i, false, 0.010 * i, 50 << 20);
    AddIteration(&r, "slow", i, false, 0.020 * i, 60 << 20);
  }
  return r;
}

TEST(CheckThresholds, BreaksPerBranchOverMeasuredIterationsOnly) {
  const CellResult r =
      DownloadCell("download.p95 < 200ms; server.rss_max < 128MiB");
  std::vector<ThresholdCheck> checks = CheckThresholds(r);
  ASSERT_EQ(checks.size(), 4u);
  // Nearest rank: p95 of 20 is the 19th smallest.
  EXPECT_EQ(checks[0].branch, "baseline");
  EXPECT_DOUBLE_EQ(checks[0].value, 0.19);
  EXPECT_FALSE(checks[0].broken);
  EXPECT_EQ(checks[1].branch, "slow");
  EXPECT_DOUBLE_EQ(checks[1].value, 0.38);
  EXPECT_TRUE(checks[1].broken);
  EXPECT_NEAR(checks[1].relative, 0.9, 1e-9);
  EXPECT_DOUBLE_EQ(checks[3].value, 60 << 20);
  EXPECT_FALSE(checks[3].broken);
  EXPECT_EQ(BrokenLine(checks),
            "threshold download.p95 < 200ms broken by branch slow: 380ms "
            "(+90%)");
  // Counting the warm-up (override 0) breaks the memory limit too.
  EXPECT_THAT(BrokenLine(CheckThresholds(r, 0)),
              HasSubstr("threshold server.rss_max < 128MiB broken by branch "
                        "baseline: 900MiB (+603%)"));
}

TEST(CheckThresholds, ThroughputIsTheMedianAndPeakRssWins) {
  CellResult r = DownloadCell(
      "download.throughput > 50MiB/s; "
      "server.rss_max < 100MiB; upload.p50 < 1ms");
  r.mutable_iterations(4)->mutable_metrics()->set_server_rss_peak_bytes(
      uint64_t{200} << 20);
  std::vector<ThresholdCheck> checks = CheckThresholds(r);
  ASSERT_EQ(checks.size(), 4u);  // upload.p50 applies to no download cell
  // Median of 1 MiB / (0.01 i s), i = 1..20: mean of i = 10 and 11.
  EXPECT_NEAR(checks[0].value, (100.0 / 10 + 100.0 / 11) / 2 * (1 << 20), 1e-3);
  EXPECT_TRUE(checks[1].broken);  // 1 MiB / 0.2 s = 5 MiB/s median
  EXPECT_EQ(checks[2].branch, "baseline");
  EXPECT_DOUBLE_EQ(checks[2].value, 200 << 20);
  EXPECT_TRUE(checks[2].broken);
}

LatencyHistogram Dense(const std::string& name, const std::string& operation,
                       const std::vector<uint64_t>& counts) {
  LatencyHistogram h;
  h.set_name(name);
  h.set_operation(operation);
  for (double bound :
       {0.001, 0.01, 0.1, 1.0, std::numeric_limits<double>::infinity()}) {
    h.add_upper_bound_seconds(bound);
  }
  uint64_t total = 0;
  for (uint64_t c : counts) {
    h.add_counts(c);
    total += c;
  }
  h.set_total(total);
  h.mutable_requests()->set_ok(operation == "download" ? 90 : 8);
  return h;
}

TEST(CheckThresholds, LoadCellsUseTheOperationsHistogramsAndCounts) {
  CellResult r;
  CellSpec* spec = r.mutable_spec();
  spec->mutable_workload()->set_kind(Workload::LOAD);
  spec->mutable_workload()->set_bytes_per_request(1 << 20);
  OperationWeight* w = spec->mutable_workload()->add_mix();
  w->set_operation("download");
  w->set_weight(0.9);
  w = spec->mutable_workload()->add_mix();
  w->set_operation("upload");
  w->set_weight(0.1);
  spec->add_binaries()->set_branch("b");
  const std::vector<Threshold> parsed = *ParseThresholds(
      "download.p99 < 100ms; upload.p99 < 100ms; "
      "download.throughput > 1MiB/s; errors.rate < 1%");
  for (const Threshold& t : parsed) *spec->add_thresholds() = t;
  for (uint32_t stage = 0; stage < 2; ++stage) {
    Iteration* it = AddIteration(&r, "b", stage, stage == 0, 10, 0);
    it->mutable_requests()->set_sent(100);
    it->mutable_requests()->set_ok(98);
    it->mutable_requests()->set_dropped(stage == 0 ? 50 : 0);
    // Dense histograms (bounds 1 ms, 10 ms, 100 ms, 1 s, +inf): downloads
    // all at most 10 ms, uploads at most 1 ms in the warm-up stage and at
    // most 1 s in the measured one.
    const std::string name =
        absl::StrCat("b run 0: stage ", stage, ": 4 clients");
    *r.add_histograms() = Dense(name, "download", {0, 90, 0, 0, 0});
    *r.add_histograms() =
        Dense(name, "upload",
              stage == 0 ? std::vector<uint64_t>{10, 0, 0, 0, 0}
                         : std::vector<uint64_t>{0, 0, 0, 10, 0});
  }
  std::vector<ThresholdCheck> checks = CheckThresholds(r);
  ASSERT_EQ(checks.size(), 4u);
  EXPECT_DOUBLE_EQ(checks[0].value, 0.010);
  EXPECT_FALSE(checks[0].broken);
  EXPECT_DOUBLE_EQ(checks[1].value, 1);
  EXPECT_TRUE(checks[1].broken);
  EXPECT_DOUBLE_EQ(checks[2].value, 9.0 * (1 << 20));  // 90 MiB in 10 s
  EXPECT_DOUBLE_EQ(checks[3].value, 0.02);  // warm-up's drops left out
  EXPECT_TRUE(checks[3].broken);
}

TEST(CheckThresholds, NoDataBreaksNothing) {
  CellResult r = DownloadCell("disk.used_max < 1MiB");
  for (Iteration& it : *r.mutable_iterations()) it.clear_metrics();
  std::vector<ThresholdCheck> checks = CheckThresholds(r);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_TRUE(std::isnan(checks[0].value));
  EXPECT_EQ(BrokenLine(checks), "");
}

}  // namespace
}  // namespace perfcell
