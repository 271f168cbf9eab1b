#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "analysis/html_report.h"
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

TEST(TextReport, CsvHasOneRowPerCellAndSeries) {
  const std::string csv = CellsCsv(DemoReport());
  std::vector<std::string> lines = absl::StrSplit(csv, "\r\n");
  ASSERT_EQ(lines.size(), 1 + 6 + 1u);  // header, 2 cells x 3 series, ""
  EXPECT_TRUE(absl::StartsWith(lines[0], "workload,bytes_per_request,"));
  EXPECT_TRUE(absl::StrContains(csv, ",slower,"));
  // The odd series name is quoted once, by the RFC 4180 helper.
  EXPECT_TRUE(absl::StrContains(csv, "\"<b>odd, \"\"name\"\"</b>\""));
}

TEST(TextReport, SummaryReadsLikeATable) {
  const std::string md = SummaryMarkdown(DemoReport());
  EXPECT_TRUE(absl::StrContains(md, "### upload 8 MiB (qemu, 2 vCPU)"));
  EXPECT_TRUE(absl::StrContains(
      md, "| memory | baseline | <b>odd, \"name\"</b> | slow |"));
  EXPECT_TRUE(absl::StrContains(md, "| 256 MiB | baseline: "));
  EXPECT_TRUE(absl::StrContains(md, "**slower**"));
  EXPECT_TRUE(absl::StrContains(md, "## Warnings"));
  EXPECT_TRUE(absl::StrContains(md, "Holm-corrected p < 0.05"));
}

TEST(HtmlReport, IsSelfContainedAndEscaped) {
  const std::string html = HtmlReport(DemoReport());
  EXPECT_TRUE(absl::StartsWith(html, "<!DOCTYPE html>"));
  // Forest plot, two strip plots, time plot.
  int svgs = 0;
  for (size_t pos = 0; (pos = html.find("<svg ", pos)) != std::string::npos;
       ++pos) {
    ++svgs;
  }
  EXPECT_EQ(svgs, 4);
  EXPECT_FALSE(absl::StrContains(html, "<script"));
  EXPECT_FALSE(absl::StrContains(html, "src=\"http"));
  EXPECT_FALSE(absl::StrContains(html, "href=\"http"));
  EXPECT_FALSE(absl::StrContains(html, "<b>odd"));
  EXPECT_TRUE(absl::StrContains(html, "&lt;b&gt;odd"));
  EXPECT_TRUE(absl::StrContains(html, "no-difference band"));
}

}  // namespace
}  // namespace perfcell::analysis
