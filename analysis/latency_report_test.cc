#include "analysis/latency_report.h"

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "analysis/html_report.h"
#include "analysis/text_report.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runner/workload/latency_histogram.h"

namespace perfcell::analysis {
namespace {

using ::testing::HasSubstr;

// An interleaved LOAD cell: `blocks` blocks of baseline and candidate, each
// run one warm-up stage (latencies of 5 s, to be left out) and two measured
// stages of 4 clients. The candidate's latencies are `speedup` times the
// baseline's. `dense` writes the old four-per-decade format instead.
CellResult LoadCell(int blocks, double speedup, bool dense = false) {
  CellResult r;
  r.set_schema_version(SCHEMA_VERSION_CURRENT);
  r.set_status(CellResult::PASSED);
  CellSpec& spec = *r.mutable_spec();
  spec.set_cell("quick_256mb_16m_load");
  spec.set_memory_mib(256);
  spec.set_backend(BACKEND_HOST);
  spec.mutable_workload()->set_kind(Workload::LOAD);
  spec.mutable_workload()->set_bytes_per_request(16 << 20);
  spec.mutable_workload()->set_concurrency(4);
  spec.mutable_workload()->set_iterations(2);
  spec.mutable_workload()->set_warmup_iterations(1);
  spec.add_binaries()->set_branch("baseline");
  spec.add_binaries()->set_branch("fast");
  spec.mutable_design()->set_mode(Design::INTERLEAVED);
  spec.mutable_design()->set_baseline("baseline");
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> latency(std::log(0.020), 0.3);
  std::normal_distribution<double> block_effect(0, 0.03);
  uint32_t run_index = 0;
  for (int b = 0; b < blocks; ++b) {
    Block& block = *r.add_blocks();
    block.set_index(b);
    block.set_complete(true);
    const double shared = std::exp(block_effect(rng));  // drift in a block
    for (const std::string branch : {"baseline", "fast"}) {
      block.add_order(branch);
      Run& run = *block.add_runs();
      run.set_branch(branch);
      run.set_index(run_index);
      run.set_ok(true);
      const double scale = shared * (branch == "fast" ? speedup : 1.0);
      for (int stage = 0; stage < 3; ++stage) {
        Iteration& it = *r.add_iterations();
        it.set_index(stage);
        it.set_warmup(stage == 0);
        it.set_branch(branch);
        it.set_bytes(uint64_t{100} << 20);
        it.set_seconds(2 * scale);
        it.set_ok(true);
        it.set_block(b);
        it.set_run(run_index);
        LatencyCounts counts;
        for (int k = 0; k < 400; ++k) {
          counts.Add(stage == 0 ? 5.0 : latency(rng) * scale);
        }
        LatencyHistogram h = counts.ToProto(absl::StrCat(
            branch, " run ", run_index, ": stage ", stage, ": 4 clients"));
        if (dense) {
          LatencyHistogram old;
          old.set_name(h.name());
          std::vector<uint64_t> c(22, 0);
          for (int k = 0; k < h.bucket_index_size(); ++k) {
            const double mid =
                LatencyLayout::Default().MidSeconds(h.bucket_index(k));
            int i = 0;
            while (i < 21 && std::pow(10.0, -3 + i / 4.0) < mid) ++i;
            c[i] += h.bucket_count(k);
          }
          for (int i = 0; i < 22; ++i) {
            old.add_upper_bound_seconds(
                i < 21 ? std::round(std::pow(10.0, -3 + i / 4.0) * 1e6) / 1e6
                       : INFINITY);
            old.add_counts(c[i]);
          }
          old.set_total(h.total());
          h = old;
        }
        *r.add_histograms() = h;
      }
      ++run_index;
    }
  }
  return r;
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
