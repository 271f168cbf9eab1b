#include "analysis/latency_report.h"

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "analysis/html_report.h"
#include "analysis/load_cell_fixture.h"
#include "analysis/text_report.h"
#include "contract/latency_histogram.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perfcell::analysis {
namespace {

using ::testing::HasSubstr;

CellResult LoadCell(int blocks, double speedup, bool dense = false) {
  LoadCellOptions options;
  options.blocks = blocks;
  options.speedup = speedup;
  options.dense = dense;
  return perfcell::analysis::LoadCell(options);
}

struct Analysed {
  Report report;
  LatencyReport latency;
};

Analysed Analyse(const CellResult& r) {
  std::vector<LoadedResult> loaded = {{"result.pb", r}};
  absl::StatusOr<AnalysisInput> input =
      PairForReport(GroupResults(loaded, "", -1), "baseline");
  EXPECT_TRUE(input.ok()) << input.status();
  Analysed a;
  a.report = Analyze(*std::move(input), AnalysisOptions());
  a.latency = AnalyzeLatency(loaded, a.report, -1);
  return a;
}

TEST(AnalyzeLatency, PercentilesPerBranchAndStageWithoutWarmup) {
  const Analysed a = Analyse(LoadCell(10, 0.8));
  ASSERT_EQ(a.latency.series.size(), 2u);
  const LatencySeries& base = a.latency.series[0];
  EXPECT_EQ(base.series, "baseline");
  EXPECT_EQ(base.stage, "4 clients");
  EXPECT_TRUE(base.interleaved);
  EXPECT_EQ(base.units.size(), 10u);
  EXPECT_EQ(base.pooled.total(), 10u * 2 * 400);  // warm-up stages left out
  ASSERT_EQ(base.percentiles.size(), ReportedPercentiles().size());
  EXPECT_LT(base.percentiles.back().pooled, 1.0);  // no 5 s warm-up latency
  const PercentileEstimate& p50 = base.percentiles[0];
  EXPECT_NEAR(p50.pooled, 0.020, 0.002);
  EXPECT_LE(p50.ci.low, p50.estimate);
  EXPECT_GE(p50.ci.high, p50.estimate);
  EXPECT_TRUE(p50.reached);
}

TEST(AnalyzeLatency, AnyLoadLabelAndOperationMakeTheirOwnSeries) {
  // Open-model and ramping stages (runner/workload/load_plan.h) name their
  // load in words; a mix labels each histogram with its operation.
  CellResult r = LoadCell(4, 1.0);
  for (LatencyHistogram& h : *r.mutable_histograms()) {
    const std::string name = h.name();
    h.set_name(name.substr(0, name.rfind(": ")) + ": 100/s, up to 8 clients");
    h.set_operation("download");
  }
  const Analysed a = Analyse(r);
  ASSERT_EQ(a.latency.series.size(), 2u);
  EXPECT_EQ(a.latency.series[0].stage, "100/s, up to 8 clients");
  EXPECT_EQ(a.latency.series[0].operation, "download");
  EXPECT_EQ(a.latency.series[0].pooled.total(), 4u * 2 * 400);
}

TEST(AnalyzeLatency, ComparesP50AndP99PerBlockLikeThroughput) {
  const Analysed a = Analyse(LoadCell(10, 0.8));
  ASSERT_EQ(a.latency.comparisons.size(), 2u);
  for (const LatencyComparison& c : a.latency.comparisons) {
    EXPECT_EQ(a.latency.series[c.candidate].series, "fast");
    EXPECT_NEAR(c.ratio, 0.8, 0.05) << c.q;
    EXPECT_LT(c.ratio_ci.high, 1);
    EXPECT_EQ(c.blocks.n_units, 10);
    EXPECT_EQ(c.blocks.verdict, Verdict::kFaster) << c.q;
    EXPECT_LT(c.blocks.p_adjusted, 0.05);
  }
  EXPECT_EQ(a.latency.comparisons[0].q, 0.5);
  EXPECT_EQ(a.latency.comparisons[1].q, 0.99);
}

TEST(AnalyzeLatency, SameLatencyIsNoDifferenceOrInconclusive) {
  const Analysed a = Analyse(LoadCell(12, 1.0));
  ASSERT_EQ(a.latency.comparisons.size(), 2u);
  for (const LatencyComparison& c : a.latency.comparisons) {
    EXPECT_NE(c.blocks.verdict, Verdict::kFaster);
    EXPECT_NE(c.blocks.verdict, Verdict::kSlower);
  }
}

TEST(AnalyzeLatency, OldDenseHistogramsAreStillRead) {
  const Analysed a = Analyse(LoadCell(8, 0.5, /*dense=*/true));
  ASSERT_EQ(a.latency.series.size(), 2u);
  EXPECT_TRUE(a.latency.warnings.empty());
  const LatencySeries& base = a.latency.series[0];
  EXPECT_FALSE(base.pooled.fine());
  // Upper bound of the (17.8, 31.6] ms bucket.
  EXPECT_DOUBLE_EQ(base.percentiles[0].pooled, 0.031623);
  // Too coarse to compare; the summary says so.
  EXPECT_TRUE(a.latency.comparisons.empty());
  EXPECT_THAT(LatencyMarkdown(a.latency, a.report.options),
              HasSubstr("four buckets per decade"));
}

TEST(AnalyzeLatency, NoLoadCellsNoLatency) {
  CellResult r = LoadCell(3, 1.0);
  r.clear_histograms();
  const Analysed a = Analyse(r);
  EXPECT_TRUE(a.latency.series.empty());
  EXPECT_EQ(LatencyMarkdown(a.latency, a.report.options), "");
  EXPECT_THAT(SummaryMarkdown(a.report, &a.latency),
              ::testing::Not(HasSubstr("## Latency")));
}

TEST(LatencyWriters, SummaryAndHtmlShowTablesAndSpectrum) {
  const Analysed a = Analyse(LoadCell(10, 0.8));
  const std::string md = SummaryMarkdown(a.report, &a.latency);
  EXPECT_THAT(md, HasSubstr("## Latency"));
  EXPECT_THAT(md, HasSubstr("### load 16 MiB, 256 MiB RAM, 4 clients"));
  EXPECT_THAT(md, HasSubstr("| branch | units | p50 | p95 | p99 | p50 vs "
                            "baseline | p99 vs baseline |"));
  EXPECT_THAT(md, HasSubstr("| fast | 10 blocks, 8000 requests |"));
  EXPECT_THAT(md, HasSubstr("**faster**"));
  EXPECT_THAT(md, HasSubstr("| branch (pooled) | p50 | p90 | p95 | p99 | "
                            "p99.9 | max |"));
  EXPECT_LT(md.find("## Latency"), md.find("## Warnings"));
  const std::string html = HtmlReport(a.report, &a.latency);
  EXPECT_THAT(html, HasSubstr("<h2>Latency</h2>"));
  EXPECT_THAT(html, HasSubstr("percentile (log scale of 1/(1-q))"));
  EXPECT_THAT(html, HasSubstr("99.9%"));
  EXPECT_THAT(html, HasSubstr("fast p99: "));
}

// Run A and run B of the same LOAD cell, `sessions` result files each; in
// run B every latency is `scale_b` times run A's.
struct ComparedRuns {
  Report report;
  LatencyReport latency;
};

ComparedRuns CompareRuns(int sessions, double scale_b) {
  std::vector<LoadedResult> a, b;
  for (int i = 0; i < sessions; ++i) {
    LoadCellOptions o;
    o.seed = 10 + i;
    a.push_back({absl::StrCat("a/", i, "/result.pb"), LoadCell(o)});
    o.seed = 100 + i;
    o.scale = scale_b;
    b.push_back({absl::StrCat("b/", i, "/result.pb"), LoadCell(o)});
  }
  AnalysisInput input =
      PairForCompare(GroupResults(a, " (A)", -1), GroupResults(b, " (B)", -1));
  input.runs->run_a = "/runs/a";
  input.runs->run_b = "/runs/b";
  ComparedRuns out;
  out.report = Analyze(std::move(input), AnalysisOptions());
  out.latency = AnalyzeCompareLatency(a, b, out.report, -1);
  return out;
}

TEST(AnalyzeCompareLatency, ComparesEachBranchOfBWithItselfInA) {
  const ComparedRuns c = CompareRuns(/*sessions=*/5, /*scale_b=*/0.7);
  // Both branches in both runs.
  ASSERT_EQ(c.latency.series.size(), 4u);
  EXPECT_EQ(c.latency.series[0].series, "baseline (A)");
  // p50 and p99 of each branch, B against A.
  ASSERT_EQ(c.latency.comparisons.size(), 4u);
  for (const LatencyComparison& lc : c.latency.comparisons) {
    const std::string& a = c.latency.series[lc.baseline].series;
    const std::string& b = c.latency.series[lc.candidate].series;
    EXPECT_EQ(a.substr(0, a.size() - 4), b.substr(0, b.size() - 4));
    EXPECT_THAT(a, ::testing::EndsWith(" (A)"));
    EXPECT_THAT(b, ::testing::EndsWith(" (B)"));
    EXPECT_EQ(lc.blocks.unit, Unit::kSessions);
    EXPECT_EQ(lc.blocks.n_units, 5);
    // Run B's latencies are 0.7x: about -30 %, decided with 5 sessions a
    // side (Holm over the four comparisons).
    EXPECT_NEAR(lc.ratio, 0.7, 0.07) << a << " q " << lc.q;
    EXPECT_LT(lc.ratio_ci.high, 1);
    EXPECT_EQ(lc.blocks.verdict, Verdict::kFaster) << a << " q " << lc.q;
  }
  const std::string md = LatencyMarkdown(c.latency, c.report.options);
  EXPECT_THAT(md, HasSubstr("| branch | units | p50 | p95 | p99 | p50 vs run "
                            "A | p99 vs run A |"));
  EXPECT_THAT(md, HasSubstr("run B / run A percentile of the same branch"));
  EXPECT_THAT(md, HasSubstr("| fast (B) | 30 blocks, 24000 requests |"));
  EXPECT_THAT(md, HasSubstr("**faster**"));
  EXPECT_THAT(SummaryMarkdown(c.report, &c.latency), HasSubstr("## Latency"));
}

TEST(AnalyzeCompareLatency, OneSessionASideGivesThePooledRatioUndecided) {
  const ComparedRuns c = CompareRuns(/*sessions=*/1, /*scale_b=*/1.5);
  ASSERT_EQ(c.latency.comparisons.size(), 4u);
  for (const LatencyComparison& lc : c.latency.comparisons) {
    EXPECT_TRUE(std::isnan(lc.ratio_ci.low));
    EXPECT_NEAR(lc.pooled_ratio, 1.5, 0.15);
    EXPECT_EQ(lc.blocks.verdict, Verdict::kInconclusive);
  }
  const std::string md = LatencyMarkdown(c.latency, c.report.options);
  EXPECT_THAT(
      md, ::testing::ContainsRegex(
              R"(\| \+[0-9.]+% pooled, inconclusive \(1 vs 1 sessions\) \|)"));
}

TEST(AnalyzeCompareLatency, NotForAReportOfOneRun) {
  const Analysed a = Analyse(LoadCell(4, 1.0));
  std::vector<LoadedResult> loaded = {{"result.pb", LoadCell(4, 1.0)}};
  EXPECT_TRUE(
      AnalyzeCompareLatency(loaded, loaded, a.report, -1).series.empty());
}

TEST(LatencyCsv, P50P95P99PerOperationPooledOverStagesEmptyWithout) {
  const Analysed a = Analyse(LoadCell(10, 0.8));
  EXPECT_EQ(LatencyCsvHeader(),
            (std::vector<std::string>{"download_p50_s", "download_p95_s",
                                      "download_p99_s", "upload_p50_s",
                                      "upload_p95_s", "upload_p99_s"}));
  const CellKey key = a.latency.series[0].key;
  const std::vector<std::string> fast =
      LatencyCsvFields(&a.latency, key, "fast");
  ASSERT_EQ(fast.size(), 6u);
  const LatencySeries* series = nullptr;
  for (const LatencySeries& s : a.latency.series) {
    if (s.series == "fast") series = &s;
  }
  ASSERT_NE(series, nullptr);
  // A LOAD cell without a mix downloads; seconds, as the pooled percentiles.
  EXPECT_NEAR(std::stod(fast[0]), series->pooled.Percentile(0.5), 1e-6);
  EXPECT_NEAR(std::stod(fast[2]), series->pooled.Percentile(0.99), 1e-6);
  EXPECT_LT(std::stod(fast[0]), std::stod(fast[1]));
  EXPECT_LT(std::stod(fast[1]), std::stod(fast[2]));
  EXPECT_EQ(fast[3], "");  // no uploads
  EXPECT_EQ(LatencyCsvFields(&a.latency, key, "nobody"),
            std::vector<std::string>(6, ""));
  EXPECT_EQ(LatencyCsvFields(nullptr, key, "fast"),
            std::vector<std::string>(6, ""));
  // In cells.csv, after the other columns.
  const std::string csv = CellsCsv(a.report, &a.latency);
  EXPECT_THAT(csv, HasSubstr(",sources,download_p50_s,download_p95_s,"
                             "download_p99_s,upload_p50_s,upload_p95_s,"
                             "upload_p99_s\r\n"));
  EXPECT_THAT(csv, HasSubstr(absl::StrCat(",", fast[0], ",", fast[1], ",",
                                          fast[2], ",,,\r\n")));
}

TEST(LatencyCsv, CompareCsvHasBothRunsLatency) {
  const ComparedRuns c = CompareRuns(/*sessions=*/3, /*scale_b=*/0.5);
  const std::string csv = CellsCsv(c.report, &c.latency);
  EXPECT_THAT(csv, HasSubstr(",sources_a,sources_b,a_download_p50_s,"));
  EXPECT_THAT(csv, HasSubstr(",a_upload_p99_s,b_download_p50_s,"));
  const CellKey key = c.latency.series[0].key;
  const std::vector<std::string> a =
      LatencyCsvFields(&c.latency, key, "baseline (A)");
  const std::vector<std::string> b =
      LatencyCsvFields(&c.latency, key, "baseline (B)");
  EXPECT_NEAR(std::stod(b[0]) / std::stod(a[0]), 0.5, 0.05);
  EXPECT_THAT(csv, HasSubstr(absl::StrJoin(a, ",") + "," +
                             absl::StrJoin(b, ",") + "\r\n"));
}

TEST(FormatLatency, UnitsByMagnitude) {
  EXPECT_EQ(FormatLatency(0.0123), "12.3 ms");
  EXPECT_EQ(FormatLatency(0.00085), "850 us");
  EXPECT_EQ(FormatLatency(1.52), "1.52 s");
  EXPECT_EQ(FormatLatency(INFINITY), "> 100 s");
  EXPECT_EQ(FormatLatency(NAN), "-");
  EXPECT_EQ(FormatLatency(0), "0");
}

}  // namespace
}  // namespace perfcell::analysis
