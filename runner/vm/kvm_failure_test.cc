#include "runner/vm/kvm_failure.h"

#include "gtest/gtest.h"

namespace perfcell {
namespace {

TEST(KvmFailureFromStderr, EmulationFailureKeepsTheErrorNotTheDump) {
  // As QEMU 7.2 printed it on a machine whose KVM could not run the guest.
  std::vector<std::string> lines = {
      "KVM internal error. Suberror: 1",
      "extra data[0]: 0x0000000000000000",
      "extra data[1]: 0x0000000000000000",
      "emulation failure",
      "RAX=0000000000000000 RBX=0000000000000000 RCX=0000000000000000",
      "RSI=0000000000000000 RDI=0000000000000000 RBP=0000000000000000",
      "ES =0000 00000000 0000ffff 00009300",
      "Code=00 00 00 00 <f0> 48 0f c7 0e 00 00 00 00",
  };
  std::optional<std::string> why = KvmFailureFromStderr(lines);
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(*why, "KVM internal error. Suberror: 1; emulation failure");
}

TEST(KvmFailureFromStderr, MsrErrorAtStart) {
  std::optional<std::string> why = KvmFailureFromStderr(
      {"qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69",
       "qemu-system-x86_64: ../../target/i386/kvm/kvm.c:3183: "
       "kvm_buf_set_msrs: Assertion `ret == cpu->kvm_msr_buf->nmsrs' failed."});
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("failed to set MSR 0x10a"), std::string::npos);
}

TEST(KvmFailureFromStderr, OtherErrorsAreNotKvm) {
  EXPECT_FALSE(KvmFailureFromStderr({}).has_value());
  EXPECT_FALSE(KvmFailureFromStderr(
                   {"qemu-system-x86_64: -drive file=x: Could not open 'x': "
                    "No such file or directory"})
                   .has_value());
}

TEST(QmpStatusMeansStopped, StoppedStatesOnly) {
  EXPECT_TRUE(QmpStatusMeansStopped("internal-error"));
  EXPECT_TRUE(QmpStatusMeansStopped("guest-panicked"));
  EXPECT_TRUE(QmpStatusMeansStopped("shutdown"));
  EXPECT_TRUE(QmpStatusMeansStopped("paused"));
  EXPECT_FALSE(QmpStatusMeansStopped("running"));
  EXPECT_FALSE(QmpStatusMeansStopped("prelaunch"));
  EXPECT_FALSE(QmpStatusMeansStopped(""));
}

}  // namespace
}  // namespace perfcell
