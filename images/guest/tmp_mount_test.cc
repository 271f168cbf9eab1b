#include "images/guest/tmp_mount.h"

#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "images/guest/system.h"
#include "tools/cc/atomic_file.h"

namespace perfcell::guest {
namespace {

using ::testing::HasSubstr;

constexpr long kTmpfsMagic = 0x01021994;

GuestConfig WithDataDisk() {
  GuestConfig config;
  config.set_data_device("/dev/vdc");
  config.set_data_mount("/data");
  config.set_tmp_size_bytes(64 << 20);
  return config;
}

TEST(PlanTmp, DiskIsTheDefaultWithADataDisk) {
  absl::StatusOr<TmpPlan> plan = PlanTmp("console=ttyS0 quiet", WithDataDisk());
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->kind, TmpPlan::Kind::kDisk);
  EXPECT_EQ(plan->disk_dir, "/data/tmp");
  EXPECT_EQ(DescribeTmp(*plan), "/data/tmp on the data disk");
}

TEST(PlanTmp, TmpfsWhenAskedWithTheConfiguredSize) {
  absl::StatusOr<TmpPlan> plan =
      PlanTmp("console=ttyS0 perfcell.tmp=tmpfs", WithDataDisk());
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->kind, TmpPlan::Kind::kTmpfs);
  EXPECT_EQ(plan->tmpfs_bytes, 64u << 20);
  EXPECT_EQ(DescribeTmp(*plan), "a tmpfs of 64.0 MiB");
}

TEST(PlanTmp, TmpfsWithoutADataDisk) {
  absl::StatusOr<TmpPlan> plan = PlanTmp("", GuestConfig());
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->kind, TmpPlan::Kind::kTmpfs);
  EXPECT_THAT(DescribeTmp(*plan), HasSubstr("half the memory"));
}

TEST(PlanTmp, RefusesUnknownModesAndDiskWithoutADisk) {
  absl::StatusOr<TmpPlan> bad = PlanTmp("perfcell.tmp=ram", WithDataDisk());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("use disk or tmpfs"));
  absl::StatusOr<TmpPlan> no_disk = PlanTmp("perfcell.tmp=disk", GuestConfig());
  EXPECT_THAT(no_disk.status().message(), HasSubstr("no data_device"));
}

// Real mounts, in a mount namespace of this test process alone: a tmpfs at
// ROOT/data stands in for the data disk (any file system other than the one
// ROOT is on), then MountTmp puts ROOT/tmp where the plan says.
class MountTmpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (unshare(CLONE_NEWNS) != 0) {
      GTEST_SKIP() << "no mount namespace here (unshare: " << strerror(errno)
                   << "); the mounts are checked by //images:boot_test";
    }
    ASSERT_EQ(mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr), 0)
        << strerror(errno);
    root_ = absl::StrCat(
        std::getenv("TEST_TMPDIR"), "/",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_EQ(mkdir(root_.c_str(), 0755), 0);
    ASSERT_TRUE(MountTmpfs(root_ + "/data", 0).ok());
  }

  void TearDown() override {
    umount2((root_ + "/tmp").c_str(), MNT_DETACH);
    umount2((root_ + "/data").c_str(), MNT_DETACH);
  }

  static struct stat Stat(const std::string& path) {
    struct stat st = {};
    EXPECT_EQ(stat(path.c_str(), &st), 0) << path << ": " << strerror(errno);
    return st;
  }

  std::string root_;
};

TEST_F(MountTmpTest, DiskModePutsTmpOnTheDataDisk) {
  absl::StatusOr<TmpPlan> plan = PlanTmp("perfcell.tmp=disk", WithDataDisk());
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_TRUE(MountTmp(*plan, root_).ok());

  EXPECT_EQ(Stat(root_ + "/tmp").st_dev, Stat(root_ + "/data").st_dev);
  EXPECT_EQ(Stat(root_ + "/data/tmp").st_mode & 07777, 01777u);
  // A spooled upload lands in the data disk's tmp directory.
  ASSERT_TRUE(WriteFileAtomically(root_ + "/tmp/multipart-1", "spool").ok());
  EXPECT_EQ(*ReadFile(root_ + "/data/tmp/multipart-1"), "spool");
}

TEST_F(MountTmpTest, TmpfsModePutsTmpInMemory) {
  absl::StatusOr<TmpPlan> plan = PlanTmp("perfcell.tmp=tmpfs", WithDataDisk());
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_TRUE(MountTmp(*plan, root_).ok());

  EXPECT_NE(Stat(root_ + "/tmp").st_dev, Stat(root_ + "/data").st_dev);
  struct statfs fs;
  ASSERT_EQ(statfs((root_ + "/tmp").c_str(), &fs), 0);
  EXPECT_EQ(fs.f_type, kTmpfsMagic);
  EXPECT_EQ(static_cast<uint64_t>(fs.f_blocks) * fs.f_bsize, 64u << 20);
  ASSERT_TRUE(WriteFileAtomically(root_ + "/tmp/multipart-1", "spool").ok());
  EXPECT_FALSE(ReadFile(root_ + "/data/tmp/multipart-1").ok());
}

}  // namespace
}  // namespace perfcell::guest
