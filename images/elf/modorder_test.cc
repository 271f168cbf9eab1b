#include "images/elf/modorder.h"

#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "images/elf/modinfo.h"
#include "images/elf/testing/fake_elf.h"
#include "tools/cc/atomic_file.h"

namespace perfcell::elf {
namespace {

using testing::BuildFakeElf;
using ::testing::ElementsAre;
using testing::FakeElf;
using testing::FakeModinfo;
using ::testing::HasSubstr;

class ModorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(
        std::getenv("TEST_TMPDIR"), "/",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_EQ(mkdir(dir_.c_str(), 0755), 0);
    // The virtio part of Debian 12's cloud kernel, dependencies as there.
    Module("kernel/drivers/virtio/virtio.ko", "");
    Module("kernel/drivers/virtio/virtio_ring.ko", "");
    Module("kernel/drivers/virtio/virtio_pci_modern_dev.ko", "");
    Module("kernel/drivers/virtio/virtio_pci_legacy_dev.ko", "");
    Module("kernel/drivers/virtio/virtio_pci.ko",
           "virtio_pci_modern_dev,virtio_pci_legacy_dev,virtio_ring,virtio");
    Module("kernel/drivers/block/virtio_blk.ko", "virtio,virtio_ring");
    Module("kernel/net/core/failover.ko", "");
    Module("kernel/drivers/net/net_failover.ko", "failover");
    Module("kernel/drivers/net/virtio_net.ko",
           "net_failover,virtio_ring,virtio");
  }

  void Module(const std::string& rel, const std::string& depends) {
    std::string path = absl::StrCat(dir_, "/", rel);
    std::filesystem::create_directories(
        std::filesystem::path(path).parent_path());
    FakeElf ko;
    ko.type = ET_REL;
    ko.sections = {
        {".text", "x"},
        {".modinfo",
         FakeModinfo({"license=GPL", absl::StrCat("depends=", depends),
                      absl::StrCat("name=", ModuleNameFromPath(rel)),
                      "vermagic=6.1.0 SMP mod_unload modversions "})}};
    ASSERT_TRUE(WriteFileAtomically(path, BuildFakeElf(ko)).ok());
  }

  std::string dir_;
};

// Position of `path` in `order`, failing when it is absent.
size_t At(const std::vector<std::string>& order, const std::string& path) {
  auto it = std::find(order.begin(), order.end(), path);
  EXPECT_NE(it, order.end()) << path;
  return it - order.begin();
}

TEST_F(ModorderTest, DependenciesLoadFirstAndOnce) {
  absl::StatusOr<std::vector<std::string>> order =
      OrderModules(dir_, {"virtio_blk", "virtio_net", "virtio-pci"});
  ASSERT_TRUE(order.ok()) << order.status();
  EXPECT_EQ(order->size(), 9u);
  const std::string v = "kernel/drivers/virtio/";
  EXPECT_LT(At(*order, v + "virtio.ko"),
            At(*order, "kernel/drivers/block/virtio_blk.ko"));
  EXPECT_LT(At(*order, v + "virtio_ring.ko"),
            At(*order, "kernel/drivers/block/virtio_blk.ko"));
  EXPECT_LT(At(*order, "kernel/net/core/failover.ko"),
            At(*order, "kernel/drivers/net/net_failover.ko"));
  EXPECT_LT(At(*order, "kernel/drivers/net/net_failover.ko"),
            At(*order, "kernel/drivers/net/virtio_net.ko"));
  EXPECT_LT(At(*order, v + "virtio_pci_modern_dev.ko"),
            At(*order, v + "virtio_pci.ko"));
}

TEST_F(ModorderTest, BuiltinModulesAreSkipped) {
  ASSERT_TRUE(
      WriteFileAtomically(dir_ + "/modules.builtin", "kernel/fs/ext4/ext4.ko\n")
          .ok());
  absl::StatusOr<std::vector<std::string>> order =
      OrderModules(dir_, {"ext4", "virtio_blk"});
  ASSERT_TRUE(order.ok()) << order.status();
  EXPECT_THAT(*order, ElementsAre("kernel/drivers/virtio/virtio.ko",
                                  "kernel/drivers/virtio/virtio_ring.ko",
                                  "kernel/drivers/block/virtio_blk.ko"));
}

TEST_F(ModorderTest, MissingDependencyNamesWhoNeedsIt) {
  Module("kernel/fs/ext4/ext4.ko", "mbcache,jbd2");
  absl::StatusOr<std::vector<std::string>> order = OrderModules(dir_, {"ext4"});
  ASSERT_FALSE(order.ok());
  EXPECT_THAT(order.status().message(), HasSubstr("mbcache (needed by ext4)"));
}

TEST_F(ModorderTest, CycleIsAnError) {
  Module("kernel/a.ko", "b");
  Module("kernel/b.ko", "a");
  absl::StatusOr<std::vector<std::string>> order = OrderModules(dir_, {"a"});
  ASSERT_FALSE(order.ok());
  EXPECT_THAT(order.status().message(), HasSubstr("a -> b -> a"));
}

// Debian compresses its modules in newer releases (.ko.xz; other
// distributions .ko.zst): the order is the same as for plain files.
TEST_F(ModorderTest, CompressedModulesAreOrderedLikePlainOnes) {
  const std::string v = dir_ + "/kernel/drivers/virtio/";
  const std::string cmd = absl::StrCat(
      "xz -q ", v, "virtio.ko && zstd -q --rm ", v, "virtio_ring.ko && xz -q ",
      dir_, "/kernel/drivers/block/virtio_blk.ko");
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  absl::StatusOr<std::vector<std::string>> order =
      OrderModules(dir_, {"virtio_blk"});
  ASSERT_TRUE(order.ok()) << order.status();
  EXPECT_THAT(*order, ElementsAre("kernel/drivers/virtio/virtio.ko.xz",
                                  "kernel/drivers/virtio/virtio_ring.ko.zst",
                                  "kernel/drivers/block/virtio_blk.ko.xz"));
}

TEST_F(ModorderTest, CorruptCompressedModuleIsAClearError) {
  ASSERT_TRUE(WriteFileAtomically(dir_ + "/kernel/drivers/virtio/zz.ko.xz",
                                  "\xfd"
                                  "7zXZ")
                  .ok());
  absl::StatusOr<std::vector<std::string>> order = OrderModules(dir_, {"zz"});
  ASSERT_FALSE(order.ok());
  EXPECT_THAT(order.status().message(), HasSubstr("not a valid xz file"));
  EXPECT_THAT(order.status().message(), HasSubstr("zz.ko.xz"));
}

TEST(ModuleNameFromPath, StripsSuffixesAndDashes) {
  EXPECT_EQ(ModuleNameFromPath("kernel/drivers/block/virtio-blk.ko.zst"),
            "virtio_blk");
  EXPECT_EQ(ModuleNameFromPath("ext4.ko"), "ext4");
}

TEST(ParseModinfo, SplitsDependsAndKeepsFields) {
  ModuleInfo info = ParseModinfo(
      FakeModinfo({"alias=virtio:d00000002v*", "depends=", "name=virtio_blk",
                   "depends=virtio,virtio-ring"}));
  EXPECT_EQ(info.name, "virtio_blk");
  EXPECT_THAT(info.depends, ElementsAre("virtio", "virtio_ring"));
  EXPECT_EQ(info.fields.size(), 4u);
}

TEST(OrderModules, RealModulesOfThisKernel) {
  struct utsname u;
  ASSERT_EQ(uname(&u), 0);
  std::string dir = absl::StrCat("/lib/modules/", u.release);
  absl::StatusOr<std::vector<std::string>> order =
      OrderModules(dir, {"virtio_blk"});
  if (!order.ok() && order.status().code() == absl::StatusCode::kNotFound) {
    GTEST_SKIP() << "no virtio_blk module here: " << order.status();
  }
  ASSERT_TRUE(order.ok()) << order.status();
  if (order->empty()) GTEST_SKIP() << "virtio_blk is built in here";
  EXPECT_THAT(order->back(), HasSubstr("virtio_blk.ko"));
}

}  // namespace
}  // namespace perfcell::elf
