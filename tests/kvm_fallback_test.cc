// The qemu backend on hosts whose /dev/kvm opens but cannot run a guest, in
// the shapes seen on machines of this kind, played by a stand-in QEMU
// (testing/fake_kvm_qemu.sh) that hands every TCG start to the real QEMU:
// the cell must boot under TCG, say why in the accelerator note, remember
// the decision for later VMs on the host, and, when KVM is forced, fail with
// what to do.
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "runner/vm/process.h"
#include "runner/vm/qemu_vm.h"
#include "tests/testing/argv_main.h"

namespace perfcell {
namespace {

class KvmFallbackTest : public testing::Test {
 protected:
  // A VM of the tiny payload whose QEMU is the stand-in in `shape`.
  std::unique_ptr<Vm> MakeVm(const std::string& shape,
                             const std::string& accel = "auto") {
    setenv("FAKE_KVM_SHAPE", shape.c_str(), 1);
    std::string dir =
        absl::StrCat(getenv("TEST_TMPDIR"), "/", shape, "-", ++count_);
    absl::StatusOr<std::string> made =
        RunCommand({"mkdir", "-p", dir}, absl::Seconds(10));
    EXPECT_TRUE(made.ok()) << made.status();
    made = RunCommand({TestArg(6), "--out=" + dir + "/data.ext4", "--size=1G",
                       "--label=perfcell-data"},
                      absl::Seconds(30));
    EXPECT_TRUE(made.ok()) << made.status();
    VmConfig config;
    config.kernel = TestArg(2);
    config.initramfs = TestArg(3);
    config.base_image = TestArg(4);
    config.payload_image = TestArg(5);
    config.data_image = dir + "/data.ext4";
    config.memory_mib = 192;
    config.work_dir = dir;
    config.console_log = dir + "/console.log";
    config.boot_timeout = absl::Minutes(2);
    QemuOptions options;
    options.qemu_binary = TestArg(1);
    options.accel = accel;
    options.cache_dir = cache_dir_;
    // Any file that opens read-write stands for a /dev/kvm that opens.
    options.kvm_device = kvm_device_;
    options.kvm_silence = absl::Seconds(4);
    absl::StatusOr<std::unique_ptr<Vm>> vm = MakeQemuVm(config, options);
    EXPECT_TRUE(vm.ok()) << vm.status();
    return vm.ok() ? std::move(*vm) : nullptr;
  }

  void SetUp() override {
    cache_dir_ = absl::StrCat(getenv("TEST_TMPDIR"), "/cache-", ++count_);
    kvm_device_ = absl::StrCat(getenv("TEST_TMPDIR"), "/kvm");
    std::ofstream(kvm_device_) << "";
  }

  static inline int count_ = 0;
  std::string cache_dir_;
  std::string kvm_device_;
};

TEST_F(KvmFallbackTest, EmulationFailureWhileQemuStaysAliveFallsBackToTcg) {
  std::unique_ptr<Vm> vm = MakeVm("dump");
  ASSERT_NE(vm, nullptr);
  absl::Time start = absl::Now();
  absl::Status started = vm->Start();
  ASSERT_TRUE(started.ok()) << started;
  std::cerr << "ready under TCG " << absl::Now() - start
            << " after starting (KVM attempt included)\n";
  VmInfo info = vm->Info();
  EXPECT_EQ(info.accelerator, "tcg");
  // The note quotes the error itself, not the register dump.
  EXPECT_NE(info.accelerator_note.find("KVM internal error"), std::string::npos)
      << info.accelerator_note;
  EXPECT_NE(info.accelerator_note.find("emulation failure"), std::string::npos)
      << info.accelerator_note;
  EXPECT_EQ(info.accelerator_note.find("RAX="), std::string::npos)
      << info.accelerator_note;
  EXPECT_TRUE(vm->Stop(absl::Seconds(30)).ok());

  // The next VM on this host goes straight to TCG and says why.
  std::unique_ptr<Vm> next = MakeVm("dump");
  ASSERT_NE(next, nullptr);
  ASSERT_TRUE(next->Start().ok());
  EXPECT_EQ(next->Info().accelerator, "tcg");
  EXPECT_NE(next->Info().accelerator_note.find("remembered in " + cache_dir_),
            std::string::npos)
      << next->Info().accelerator_note;
  EXPECT_TRUE(next->Stop(absl::Seconds(30)).ok());
}

TEST_F(KvmFallbackTest, QemuExitingAtOnceFallsBackToTcg) {
  std::unique_ptr<Vm> vm = MakeVm("exit");
  ASSERT_NE(vm, nullptr);
  absl::Status started = vm->Start();
  ASSERT_TRUE(started.ok()) << started;
  EXPECT_EQ(vm->Info().accelerator, "tcg");
  EXPECT_NE(vm->Info().accelerator_note.find("failed to set MSR 0x10a"),
            std::string::npos)
      << vm->Info().accelerator_note;
  EXPECT_TRUE(vm->Stop(absl::Seconds(30)).ok());
}

TEST_F(KvmFallbackTest, SilentGuestFallsBackToTcg) {
  std::unique_ptr<Vm> vm = MakeVm("silent");
  ASSERT_NE(vm, nullptr);
  absl::Status started = vm->Start();
  ASSERT_TRUE(started.ok()) << started;
  EXPECT_EQ(vm->Info().accelerator, "tcg");
  EXPECT_NE(vm->Info().accelerator_note.find("no console output"),
            std::string::npos)
      << vm->Info().accelerator_note;
  EXPECT_TRUE(vm->Stop(absl::Seconds(30)).ok());
}

TEST_F(KvmFallbackTest, ForcedKvmFailsWithWhatToDo) {
  std::unique_ptr<Vm> vm = MakeVm("dump", "kvm");
  ASSERT_NE(vm, nullptr);
  absl::Status started = vm->Start();
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.message().find("emulation failure"), std::string::npos)
      << started;
  EXPECT_NE(started.message().find("PERFCELL_ACCEL=tcg"), std::string::npos)
      << started;
}

}  // namespace
}  // namespace perfcell
