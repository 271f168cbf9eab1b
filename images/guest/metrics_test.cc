#include "images/guest/metrics.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "contract/proc_metrics.h"
#include "gtest/gtest.h"
#include "tools/cc/atomic_file.h"

namespace perfcell::guest {
namespace {

TEST(CollectMetrics, ReadsThisHost) {
  MetricsSources s;
  s.data_mount = std::getenv("TEST_TMPDIR");
  s.tmp_dir = std::getenv("TEST_TMPDIR");
  s.server_pid = getpid();
  GuestMetrics m = CollectMetrics(s);
  EXPECT_GT(m.mem_total_bytes(), 0u);
  EXPECT_GT(m.mem_available_bytes(), 0u);
  EXPECT_GT(m.data_disk_total_bytes(), 0u);
  EXPECT_LE(m.data_disk_used_bytes(), m.data_disk_total_bytes());
  EXPECT_GT(m.server_rss_bytes(), 0u);
  EXPECT_TRUE(m.tmp_on_data_disk());  // the same directory
  EXPECT_EQ(m.tmp_total_bytes(), m.data_disk_total_bytes());
  EXPECT_FALSE(m.tmp_filesystem().empty());
}

TEST(CollectMetrics, CountsFileBlocksAsTheHostBackendDoes) {
  const std::string data = absl::StrCat(std::getenv("TEST_TMPDIR"), "/data");
  const std::string tmp = data + "/tmp";
  ASSERT_EQ(mkdir(data.c_str(), 0755), 0);
  ASSERT_EQ(mkdir(tmp.c_str(), 0755), 0);
  ASSERT_TRUE(WriteFileAtomically(data + "/db", std::string(8192, 'x')).ok());
  // A sparse spool file: 1 MiB apparent, no blocks.
  ASSERT_TRUE(WriteFileAtomically(tmp + "/multipart-1", "").ok());
  ASSERT_EQ(truncate((tmp + "/multipart-1").c_str(), 1 << 20), 0);
  MetricsSources s;
  s.data_mount = data;
  s.tmp_dir = tmp;
  s.server_pid = getpid();
  GuestMetrics m = CollectMetrics(s);
  EXPECT_EQ(m.tmp_leftover_files(), 1u);
  EXPECT_LT(m.tmp_leftover_bytes(), 1u << 20);  // allocated, not apparent
  EXPECT_EQ(
      m.data_disk_used_bytes(),
      contract::CountRegularFiles(data).allocated_bytes);  // no fs overhead
  EXPECT_GE(m.data_disk_used_bytes(), 8192u);
  EXPECT_GE(m.server_rss_peak_bytes(), m.server_rss_bytes());
  EXPECT_GT(m.server_rss_peak_bytes(), 0u);
}

}  // namespace
}  // namespace perfcell::guest
