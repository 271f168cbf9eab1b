#include "runner/vm/kvm_memo.h"

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"

namespace perfcell {
namespace {

TEST(KvmMemo, RemembersPerKernelAndQemuVersion) {
  std::string dir = std::string(getenv("TEST_TMPDIR")) + "/cache";
  std::string path =
      KvmMemoPath(dir, "6.1.0-50-cloud-amd64", "QEMU emulator version 7.2.19");
  EXPECT_EQ(path,
            dir + "/kvm/6.1.0-50-cloud-amd64--QEMU_emulator_version_7.2.19");
  EXPECT_FALSE(ReadKvmMemo(path).has_value());
  ASSERT_TRUE(
      WriteKvmMemo(path, "KVM stopped the guest: emulation failure").ok());
  EXPECT_EQ(ReadKvmMemo(path), "KVM stopped the guest: emulation failure");
  // Another QEMU starts over.
  EXPECT_FALSE(ReadKvmMemo(KvmMemoPath(dir, "6.1.0-50-cloud-amd64", "QEMU 8.0"))
                   .has_value());
}

TEST(KvmMemo, NoCacheDirRemembersNothing) {
  EXPECT_EQ(KvmMemoPath("", "6.1", "QEMU"), "");
  EXPECT_TRUE(WriteKvmMemo("", "x").ok());
  EXPECT_FALSE(ReadKvmMemo("").has_value());
}

TEST(DefaultCacheDir, PerfcellVariableWins) {
  setenv("PERFCELL_CACHE_DIR", "/somewhere", 1);
  EXPECT_EQ(DefaultCacheDir(), "/somewhere");
  unsetenv("PERFCELL_CACHE_DIR");
  setenv("XDG_CACHE_HOME", "/xdg", 1);
  EXPECT_EQ(DefaultCacheDir(), "/xdg/perfcell");
}

}  // namespace
}  // namespace perfcell
