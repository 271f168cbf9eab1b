#include "analysis/guest_metrics_report.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perfcell::analysis {
namespace {

using ::testing::HasSubstr;

// One run per branch; `leak` bytes more in /tmp after every iteration.
LoadedResult Cell(uint64_t leak) {
  LoadedResult r;
  CellSpec* spec = r.result.mutable_spec();
  spec->mutable_workload()->set_kind(Workload::UPLOAD);
  spec->mutable_workload()->set_bytes_per_request(8 << 20);
  spec->set_memory_mib(256);
  spec->add_binaries()->set_branch("baseline");
  spec->add_binaries()->set_branch("leaky");
  for (uint32_t i = 0; i < 4; ++i) {
    for (const char* branch : {"baseline", "leaky"}) {
      const bool leaky = std::string(branch) == "leaky";
      Iteration* it = r.result.add_iterations();
      it->set_branch(branch);
      it->set_index(i);
      it->set_warmup(i == 0);
      it->set_ok(true);
      GuestMetrics* m = it->mutable_metrics();
      m->set_server_rss_bytes(20 << 20);
      m->set_server_rss_peak_bytes((leaky ? 90 : 30) << 20);
      m->set_tmp_leftover_bytes(leaky ? leak * (i + 1) : 0);
      m->set_tmp_leftover_files(leaky ? i + 1 : 0);
      m->set_data_disk_used_bytes((1 << 20) * (i + 1));
      m->set_data_disk_total_bytes(uint64_t{50} << 30);
      m->set_tmp_filesystem("ext4");
      m->set_tmp_on_data_disk(true);
    }
  }
  return r;
}

TEST(GuestMetricsReport, PeaksPerCellAndBranchOverMeasuredIterations) {
  const GuestMetricsReport g =
      AnalyzeGuestMetrics({Cell(8 << 20)}, {"baseline", "leaky"}, -1);
  ASSERT_EQ(g.rows.size(), 2u);
  EXPECT_EQ(g.rows[0].branch, "baseline");
  EXPECT_EQ(g.rows[0].iterations, 3);
  EXPECT_EQ(g.rows[0].rss_peak, 30u << 20);
  EXPECT_EQ(g.rows[1].tmp_leftover_max, 32u << 20);
  EXPECT_EQ(g.rows[1].tmp_files_max, 4u);
  EXPECT_EQ(g.rows[1].disk_used_max, 4u << 20);
  const std::string md = GuestMetricsMarkdown(g);
  EXPECT_THAT(md, HasSubstr("| upload 8 MiB, 256 MiB RAM | leaky | 3 | 90.0 "
                            "MiB | 32.0 MiB (4 files) | 4.0 MiB of 50.00 GiB "
                            "| ext4 on the data disk |"));
  EXPECT_THAT(GuestMetricsHtml(g), HasSubstr("<td>90.0 MiB</td>"));
}

TEST(GuestMetricsReport, WarnsWhenLeftoversGrowOverARun) {
  const GuestMetricsReport g =
      AnalyzeGuestMetrics({Cell(8 << 20)}, {"baseline", "leaky"}, -1);
  ASSERT_EQ(g.warnings.size(), 1u);
  EXPECT_EQ(g.warnings[0].kind, "leftovers");
  EXPECT_THAT(g.warnings[0].message,
              HasSubstr("/tmp leftovers grow in upload 8 MiB, 256 MiB RAM, "
                        "branch leaky (run 0): 8.0 MiB in 1 files after "
                        "iteration 1, 32.0 MiB in 4 files after iteration 4"));
  EXPECT_TRUE(AnalyzeGuestMetrics({Cell(0)}, {}, -1).warnings.empty());
}

TEST(GuestMetricsReport, NothingWithoutMetrics) {
  LoadedResult r = Cell(0);
  for (Iteration& it : *r.result.mutable_iterations()) it.clear_metrics();
  const GuestMetricsReport g = AnalyzeGuestMetrics({r}, {}, -1);
  EXPECT_TRUE(g.rows.empty());
  EXPECT_EQ(GuestMetricsMarkdown(g), "");
}

}  // namespace
}  // namespace perfcell::analysis
