#include "analysis/targets.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perfcell::analysis {
namespace {

using ::testing::HasSubstr;

// A download cell of two branches; `slow` takes twice as long per request.
LoadedResult Cell(double slow_factor) {
  LoadedResult r;
  CellSpec* spec = r.result.mutable_spec();
  spec->mutable_workload()->set_kind(Workload::DOWNLOAD);
  spec->mutable_workload()->set_bytes_per_request(1 << 20);
  spec->set_memory_mib(256);
  spec->add_binaries()->set_branch("baseline");
  spec->add_binaries()->set_branch("slow");
  const std::vector<Threshold> limits = *ParseThresholds(
      "download.p95 < 200ms; server.rss_max < 128MiB; upload.p50 < 1s");
  for (const Threshold& t : limits) *spec->add_thresholds() = t;
  for (uint32_t i = 0; i < 10; ++i) {
    for (const char* branch : {"baseline", "slow"}) {
      Iteration* it = r.result.add_iterations();
      it->set_branch(branch);
      it->set_index(i);
      it->set_ok(true);
      it->set_bytes(1 << 20);
      it->set_seconds(0.1 * (std::string(branch) == "slow" ? slow_factor : 1));
      it->mutable_metrics()->set_server_rss_peak_bytes(40 << 20);
    }
  }
  return r;
}

TEST(Targets, OneRowPerThresholdThatAppliesWithPassOrFailPerBranch) {
  const TargetsReport t = AnalyzeTargets({Cell(3.12)}, {"baseline"}, -1);
  ASSERT_EQ(t.rows.size(), 2u);  // upload.p50 applies to no download cell
  EXPECT_EQ(t.branches, (std::vector<std::string>{"baseline", "slow"}));
  EXPECT_EQ(t.broken, 1);
  const std::string md = TargetsMarkdown(t);
  EXPECT_THAT(md, HasSubstr("## Targets\n\n**1 broken.**"));
  EXPECT_THAT(md, HasSubstr("| cell | threshold | baseline | slow |"));
  EXPECT_THAT(md, HasSubstr("| download 1 MiB, 256 MiB RAM | download.p95 < "
                            "200ms | 100ms pass | 312ms **FAIL** (+56%) |"));
  EXPECT_THAT(md, HasSubstr("| server.rss_max < 128MiB | 40.0MiB pass | "
                            "40.0MiB pass |"));
  const std::string html = TargetsHtml(t);
  EXPECT_THAT(html, HasSubstr("<td class=\"slower\">312ms FAIL (+56%)</td>"));
}

TEST(Targets, TheWorstOfSeveralResultsStands) {
  const TargetsReport t =
      AnalyzeTargets({Cell(1.5), Cell(3), Cell(1)}, {"baseline"}, -1);
  EXPECT_THAT(TargetsMarkdown(t),
              HasSubstr("300ms **FAIL** (+50%) (worst of 3)"));
}

TEST(Targets, NothingWithoutThresholds) {
  LoadedResult r = Cell(1);
  r.result.mutable_spec()->clear_thresholds();
  const TargetsReport t = AnalyzeTargets({r}, {}, -1);
  EXPECT_TRUE(t.rows.empty());
  EXPECT_EQ(TargetsMarkdown(t), "");
  EXPECT_EQ(TargetsHtml(t), "");
}

}  // namespace
}  // namespace perfcell::analysis
