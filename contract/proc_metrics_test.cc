#include "contract/proc_metrics.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace perfcell::contract {
namespace {

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path) << content;
}

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
  WriteFile(dir + "/a", "12345");
  WriteFile(dir + "/sub/b", "123");
  ASSERT_EQ(symlink("a", (dir + "/link").c_str()), 0);
  FileCount c = CountRegularFiles(dir);
  EXPECT_EQ(c.files, 2u);
  EXPECT_EQ(c.bytes, 8u);
  EXPECT_GT(c.allocated_bytes, 0u);  // two non-empty files take blocks
  EXPECT_EQ(CountRegularFiles(dir + "/nonexistent").files, 0u);
}

TEST(AddTmpPlacement, TellsFileSystemsApart) {
  GuestMetrics m;
  AddTmpPlacement("/proc", std::getenv("TEST_TMPDIR"), &m);
  EXPECT_EQ(m.tmp_filesystem(), "0x9fa0");  // proc
  EXPECT_FALSE(m.tmp_on_data_disk());
  EXPECT_EQ(FileSystemName("/nonexistent"), "");
}

TEST(AddTmpPlacement, SameDirectoryIsOnTheDataDisk) {
  GuestMetrics m;
  AddTmpPlacement(std::getenv("TEST_TMPDIR"), std::getenv("TEST_TMPDIR"), &m);
  EXPECT_TRUE(m.tmp_on_data_disk());
  EXPECT_GT(m.tmp_total_bytes(), 0u);
  EXPECT_FALSE(m.tmp_filesystem().empty());
  AddTmpPlacement(std::getenv("TEST_TMPDIR"), "", &m);
  EXPECT_FALSE(m.tmp_on_data_disk());  // no data disk
}

}  // namespace
}  // namespace perfcell::contract
