#include "images/guest/metrics.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tools/cc/atomic_file.h"

namespace perfcell::guest {
namespace {

TEST(KilobyteField, ReadsMeminfoAndStatusLines) {
  const char kMeminfo[] =
      "MemTotal:        2048 kB\nMemFree:  10 kB\nMemAvailable:    1024 kB\n";
  EXPECT_EQ(KilobyteField(kMeminfo, "MemTotal"), 2048u * 1024);
  EXPECT_EQ(KilobyteField(kMeminfo, "MemAvailable"), 1024u * 1024);
  EXPECT_FALSE(KilobyteField(kMeminfo, "VmRSS").has_value());
  EXPECT_FALSE(KilobyteField(kMeminfo, "Total").has_value());
}

TEST(CountRegularFiles, CountsNestedFilesNotDirsOrLinks) {
  std::string dir = absl::StrCat(std::getenv("TEST_TMPDIR"), "/count");
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  ASSERT_EQ(mkdir((dir + "/sub").c_str(), 0755), 0);
  ASSERT_TRUE(WriteFileAtomically(dir + "/a", "12345").ok());
  ASSERT_TRUE(WriteFileAtomically(dir + "/sub/b", "123").ok());
  ASSERT_EQ(symlink("a", (dir + "/link").c_str()), 0);
  FileCount c = CountRegularFiles(dir);
  EXPECT_EQ(c.files, 2u);
  EXPECT_EQ(c.bytes, 8u);
  EXPECT_GT(c.allocated_bytes, 0u);  // two non-empty files take blocks
  EXPECT_EQ(CountRegularFiles(dir + "/nonexistent").files, 0u);
}

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
  EXPECT_EQ(m.data_disk_used_bytes(),
            CountRegularFiles(data).allocated_bytes);  // no fs overhead
  EXPECT_GE(m.data_disk_used_bytes(), 8192u);
  EXPECT_GE(m.server_rss_peak_bytes(), m.server_rss_bytes());
  EXPECT_GT(m.server_rss_peak_bytes(), 0u);
}

TEST(AddTmpPlacement, TellsFileSystemsApart) {
  GuestMetrics m;
  AddTmpPlacement("/proc", std::getenv("TEST_TMPDIR"), &m);
  EXPECT_EQ(m.tmp_filesystem(), "0x9fa0");  // proc
  EXPECT_FALSE(m.tmp_on_data_disk());
  EXPECT_EQ(FileSystemName("/nonexistent"), "");
}

}  // namespace
}  // namespace perfcell::guest
