#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "analysis/html_report.h"
#include "analysis/latency_report.h"
#include "analysis/synthetic.h"
#include "analysis/text_report.h"
#include "gtest/gtest.h"

namespace perfcell::analysis {
namespace {

Report DemoReport() {
  SyntheticOptions options;
  options.branches = {{.name = "baseline"},
                      {.name = "slow", .relative_speed = 0.9},
                      {.name = "<b>odd, \"name\"</b>"}};
  options.sizes = {8 << 20};
  options.memory_mib = {256, 1024};
  options.interleaved = true;  // with the A/A copy baseline~aa
  options.blocks = 10;
  std::vector<LoadedResult> loaded;
  for (CellResult& r : MakeSyntheticResults(options)) {
    loaded.push_back({"synthetic", std::move(r)});
  }
  AnalysisOptions analysis;
  analysis.bootstrap_resamples = 500;
  auto input = PairForReport(GroupResults(loaded, "", -1), "baseline");
  EXPECT_TRUE(input.ok());
  return Analyze(*std::move(input), analysis);
}

std::vector<LoadedResult> Loaded(const SyntheticOptions& options) {
  std::vector<LoadedResult> loaded;
  for (CellResult& r : MakeSyntheticResults(options)) {
    loaded.push_back({"synthetic", std::move(r)});
  }
  return loaded;
}

// Run B against run A, both with branches baseline and topic; B also holds
// a branch that A lacks.
Report CompareReport(bool extra_branch_in_b,
                     bool drop_topic_cell_in_b = false) {
  SyntheticOptions a;
  a.branches = {{.name = "baseline"}, {.name = "topic"}};
  a.sizes = {8 << 20};
  a.memory_mib = {256, 1024};
  a.sessions = 5;  // each result file is one session
  SyntheticOptions b = a;
  b.branches[1].relative_speed = 0.8;
  if (extra_branch_in_b) b.branches.push_back({.name = "only-b"});
  b.seed = 7;
  std::vector<LoadedResult> loaded_b = Loaded(b);
  if (drop_topic_cell_in_b) {
    // Every session of the cell.
    auto it =
        std::remove_if(loaded_b.begin(), loaded_b.end(), [](const auto& r) {
          return r.result.spec().binaries(0).branch() == "topic" &&
                 r.result.spec().memory_mib() == 1024;
        });
    EXPECT_EQ(loaded_b.end() - it, 5);
    loaded_b.erase(it, loaded_b.end());
  }
  AnalysisInput input = PairForCompare(GroupResults(Loaded(a), " (A)", -1),
                                       GroupResults(loaded_b, " (B)", -1));
  input.runs->run_a = "/runs/a";
  input.runs->run_b = "/runs/b";
  AnalysisOptions analysis;
  analysis.bootstrap_resamples = 500;
  return Analyze(std::move(input), analysis);
}

std::vector<std::string> TableRows(const std::string& md) {
  std::vector<std::string> rows;
  for (absl::string_view line : absl::StrSplit(md, '\n')) {
    if (absl::StartsWith(line, "| ")) rows.emplace_back(line);
  }
  return rows;
}

TEST(CompareReport, SummaryPairsEachBranchWithItself) {
  const Report report = CompareReport(false);
  const std::string tables = SummaryTables(report);
  EXPECT_FALSE(absl::StrContains(tables, "missing")) << tables;
  EXPECT_FALSE(absl::StrContains(tables, "not in run")) << tables;
  EXPECT_FALSE(absl::StrContains(tables, "not compared")) << tables;
  EXPECT_TRUE(absl::StrContains(
      tables,
      "| memory | baseline (A) | baseline (B) vs A | topic (A) | topic (B) vs "
      "A |"))
      << tables;
  // One header and one row per memory size, each with A's median and the
  // change for both branches: baseline unchanged, topic 20% slower.
  const std::vector<std::string> rows = TableRows(tables);
  ASSERT_EQ(rows.size(), 3u) << tables;
  for (const std::string& row : {rows[1], rows[2]}) {
    std::vector<std::string> cells = absl::StrSplit(row, " | ");
    ASSERT_EQ(cells.size(), 5u) << row;
    EXPECT_TRUE(absl::StrContains(cells[1], "MiB/s (CV ")) << row;
    EXPECT_FALSE(absl::StrContains(cells[2], "slower")) << row;
    EXPECT_TRUE(absl::StrContains(cells[3], "MiB/s (CV ")) << row;
    EXPECT_TRUE(absl::StrContains(cells[4], "**slower**")) << row;
  }
  EXPECT_TRUE(absl::StartsWith(rows[1], "| 256 MiB | "));
  EXPECT_TRUE(absl::StartsWith(rows[2], "| 1024 MiB | "));
  const std::string md = SummaryMarkdown(report);
  EXPECT_TRUE(absl::StrContains(
      md,
      "Run B (/runs/b) against run A (/runs/a), each branch against "
      "itself: branches baseline, topic."))
      << md;
  EXPECT_FALSE(absl::StrContains(md, "not compared (in one run only)"));
}

TEST(CompareReport, BranchesOfOneRunAreNamedNotFilled) {
  const Report report = CompareReport(true);
  const std::string tables = SummaryTables(report);
  EXPECT_TRUE(absl::StartsWith(
      tables,
      "Branches not compared (in one run only): only in run B: only-b.\n"))
      << tables;
  EXPECT_FALSE(absl::StrContains(tables, "missing")) << tables;
  EXPECT_FALSE(absl::StrContains(tables, "only-b (B)")) << tables;
  for (const Warning& w : report.warnings) EXPECT_NE(w.kind, "missing");
  const std::string html = HtmlReport(report);
  EXPECT_TRUE(absl::StrContains(html, "only in run B: only-b"));
  EXPECT_FALSE(absl::StrContains(html, "<td>missing</td>"));
  EXPECT_TRUE(absl::StrContains(html, "<th>topic (B) vs A</th>"));
  // Forest plot rows are named by branch, its axis by run.
  EXPECT_TRUE(absl::StrContains(html, ">topic</text>"));
  EXPECT_TRUE(absl::StrContains(html, "faster in run B -&gt;"));
}

TEST(CompareReport, ACellOneRunLacksSaysSo) {
  const Report report = CompareReport(false, true);
  const std::string tables = SummaryTables(report);
  const std::vector<std::string> rows = TableRows(tables);
  ASSERT_EQ(rows.size(), 3u) << tables;
  EXPECT_TRUE(absl::StartsWith(rows[2], "| 1024 MiB | ")) << tables;
  EXPECT_TRUE(absl::EndsWith(rows[2], " | not in run B |")) << tables;
  EXPECT_FALSE(absl::StrContains(tables, "missing")) << tables;
}

TEST(CompareReport, CsvHasOneRowPerComparedCellAndBranch) {
  const std::string csv = CellsCsv(CompareReport(true));
  std::vector<std::string> lines = absl::StrSplit(csv, "\r\n");
  ASSERT_EQ(lines.size(), 1 + 4 + 1u);  // header, 2 cells x 2 branches, ""
  EXPECT_TRUE(absl::StartsWith(
      lines[0],
      "workload,bytes_per_request,memory_mib,backend,vcpus,concurrency,"
      "branch,run_a,series_a,run_b,series_b,a_results,a_n,"));
  EXPECT_TRUE(absl::StrContains(lines[0], ",b_median_mib_s,"));
  for (size_t i = 1; i <= 4; ++i) {
    const bool topic = absl::StrContains(lines[i], ",topic,");
    EXPECT_TRUE(absl::StrContains(
        lines[i], topic ? ",topic,/runs/a,topic (A),/runs/b,topic (B),"
                        : ",baseline,/runs/a,baseline (A),/runs/b,"
                          "baseline (B),"))
        << lines[i];
  }
  EXPECT_FALSE(absl::StrContains(csv, "only-b"));
}

TEST(TextReport, CsvHasOneRowPerCellAndSeries) {
  const std::string csv = CellsCsv(DemoReport());
  std::vector<std::string> lines = absl::StrSplit(csv, "\r\n");
  ASSERT_EQ(lines.size(), 1 + 8 + 1u);  // header, 2 cells x 4 series, ""
  EXPECT_TRUE(absl::StartsWith(lines[0], "workload,bytes_per_request,"));
  EXPECT_TRUE(absl::StrContains(csv, ",slower,"));
  EXPECT_TRUE(absl::StrContains(lines[0], ",unit,units_baseline,"));
  EXPECT_TRUE(absl::StrContains(csv, ",blocks,10,10,"));
  // The backend column names Provenance.backend_kind as the cell's --backend.
  for (size_t i = 1; i <= 8; ++i) {
    EXPECT_TRUE(absl::StrContains(lines[i], ",8388608,256,qemu,") ||
                absl::StrContains(lines[i], ",8388608,1024,qemu,"))
        << lines[i];
  }
  // The odd series name is quoted once, by the RFC 4180 helper.
  EXPECT_TRUE(absl::StrContains(csv, "\"<b>odd, \"\"name\"\"</b>\""));
}

TEST(TextReport, CsvLatencyColumnsAreEmptyForCellsWithoutLatency) {
  const Report report = DemoReport();  // upload cells: no latency histograms
  const LatencyReport none;
  for (const std::string& csv : {CellsCsv(report), CellsCsv(report, &none)}) {
    std::vector<std::string> lines = absl::StrSplit(csv, "\r\n");
    ASSERT_EQ(lines.size(), 1 + 8 + 1u);
    EXPECT_TRUE(absl::EndsWith(lines[0],
                               ",sources,download_p50_s,download_p95_s,"
                               "download_p99_s,upload_p50_s,upload_p95_s,"
                               "upload_p99_s"))
        << lines[0];
    for (size_t i = 1; i <= 8; ++i) {
      EXPECT_TRUE(absl::EndsWith(lines[i], ".pb,,,,,,") ||
                  absl::EndsWith(lines[i], "synthetic,,,,,,"))
          << lines[i];
    }
  }
  const std::string compare = CellsCsv(CompareReport(false));
  EXPECT_TRUE(absl::StrContains(
      compare, ",sources_a,sources_b,a_download_p50_s,a_download_p95_s,"));
  EXPECT_TRUE(absl::StrContains(compare, ",b_upload_p99_s\r\n"));
}

TEST(TextReport, SummaryReadsLikeATable) {
  const std::string md = SummaryMarkdown(DemoReport());
  // The A/A check comes first; nothing was called different.
  EXPECT_TRUE(absl::StartsWith(
      md,
      "A/A check: 0 of 2 A/A comparisons (baseline~aa vs baseline) came out "
      "faster or slower (expected: none).\n"))
      << md;
  EXPECT_FALSE(absl::StrContains(md, "WARNING"));
  EXPECT_TRUE(absl::StrContains(md, "### upload 8 MiB (qemu, 2 vCPU)"));
  // Old and new first, then change, interval, corrected p, verdict.
  EXPECT_TRUE(absl::StrContains(
      md,
      "| memory | branch | baseline (old) | new | change | interval | p "
      "(Holm) | verdict | units |"));
  const std::vector<std::string> rows = TableRows(md);
  auto slow = std::find_if(rows.begin(), rows.end(), [](const auto& row) {
    return absl::StartsWith(row, "| 256 MiB | slow | ");
  });
  ASSERT_NE(slow, rows.end()) << md;
  std::vector<std::string> cells = absl::StrSplit(*slow, " | ");
  ASSERT_EQ(cells.size(), 9u) << *slow;
  EXPECT_TRUE(absl::EndsWith(cells[2], " MiB/s")) << *slow;
  EXPECT_TRUE(absl::EndsWith(cells[3], " MiB/s")) << *slow;
  EXPECT_TRUE(absl::StartsWith(cells[4], "-")) << *slow;
  EXPECT_TRUE(absl::StartsWith(cells[5], "[-")) << *slow;
  EXPECT_EQ(cells[7], "**slower**") << *slow;
  EXPECT_EQ(cells[8], "10 blocks |") << *slow;
  EXPECT_TRUE(absl::StrContains(md, "## Warnings"));
  EXPECT_TRUE(absl::StrContains(md, "Holm-corrected p < 0.05"));
}

TEST(HtmlReport, IsSelfContainedAndEscaped) {
  const std::string html = HtmlReport(DemoReport());
  EXPECT_TRUE(absl::StartsWith(html, "<!DOCTYPE html>"));
  // Forest plot, two strip plots, two block-ratio series (one per cell).
  int svgs = 0;
  for (size_t pos = 0; (pos = html.find("<svg ", pos)) != std::string::npos;
       ++pos) {
    ++svgs;
  }
  EXPECT_EQ(svgs, 5);
  EXPECT_TRUE(absl::StrContains(html, "<p class=\"aa\">A/A check: 0 of 2"));
  EXPECT_LT(html.find("A/A check"), html.find("<h1>"));
  // Grey dots for the blocks behind the intervals, on a log-ratio axis.
  EXPECT_TRUE(absl::StrContains(html, "<title>block 1: "));
  EXPECT_TRUE(absl::StrContains(html, "log-ratio axis"));
  EXPECT_FALSE(absl::StrContains(html, "<script"));
  EXPECT_FALSE(absl::StrContains(html, "src=\"http"));
  EXPECT_FALSE(absl::StrContains(html, "href=\"http"));
  EXPECT_FALSE(absl::StrContains(html, "<b>odd"));
  EXPECT_TRUE(absl::StrContains(html, "&lt;b&gt;odd"));
  EXPECT_TRUE(absl::StrContains(html, "no-difference band"));
}

// An A/A copy called slower: the first line says so, and the second warns
// before anything else.
TEST(TextReport, FalseAaVerdictWarnsBeforeEverythingElse) {
  Report report = DemoReport();
  for (Comparison& c : report.comparisons) {
    if (IsAaComparison(report, c)) c.verdict = Verdict::kSlower;
  }
  const std::string md = SummaryMarkdown(report);
  EXPECT_TRUE(absl::StartsWith(
      md,
      "A/A check: 2 of 2 A/A comparisons (baseline~aa vs baseline) came out "
      "faster or slower (expected: none).\n\nWARNING: identical binaries "
      "were called different: this machine or these settings cannot be "
      "trusted"))
      << md;
  const std::string html = HtmlReport(report);
  EXPECT_LT(html.find("aa-warning"), html.find("<h1>"));
}

// A real result of 1.3 M iterations ran over 300 s in the bootstrap and
// would plot every iteration. Here 1 M iterations (two branches, 3 sessions
// each) go through the analysis and every writer with the default 2000
// resamples: the work is O(n log n) and the HTML stays small.
TEST(LargeResults, MillionIterationsAreAnalysedAndPlottedThinned) {
  SyntheticOptions options;
  options.branches = {{.name = "baseline"},
                      {.name = "slow", .relative_speed = 0.9}};
  options.sizes = {8 << 20};
  options.memory_mib = {256};
  options.sessions = 3;
  options.iterations = 1000000 / 6;
  options.interleave_cells = true;
  auto input = PairForReport(GroupResults(Loaded(options), "", -1), "baseline");
  ASSERT_TRUE(input.ok()) << input.status();
  const Report report = Analyze(*std::move(input), AnalysisOptions());
  ASSERT_EQ(report.stats.size(), 2u);
  EXPECT_GE(report.stats[0].n, 1000000u / 6);
  EXPECT_LT(report.stats[0].median_ci.low, report.stats[0].median);
  EXPECT_GT(report.stats[0].median_ci.high, report.stats[0].median);
  const std::string html = HtmlReport(report);
  EXPECT_LT(html.size(), 4u << 20);
  EXPECT_TRUE(absl::StrContains(html, "th iteration shown)"));
  EXPECT_FALSE(SummaryMarkdown(report).empty());
  EXPECT_FALSE(CellsCsv(report).empty());
}

}  // namespace
}  // namespace perfcell::analysis
