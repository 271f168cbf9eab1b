// Boots //images:base with a tiny payload under QEMU (KVM where usable, TCG
// otherwise) and checks what the runner relies on: the guest's READY line,
// a metrics answer that describes this VM, and a clean power-off.
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "runner/vm/qemu_vm.h"
#include "tests/testing/argv_main.h"

namespace perfcell {
namespace {

// Makes an empty data disk as the cell runner does:
// mkext4 --out=PATH --size=50G --label=perfcell-data.
bool MakeDataDisk(const std::string& mkext4, const std::string& path) {
  std::string out = "--out=" + path;
  char size[] = "--size=50G";
  char label[] = "--label=perfcell-data";
  char* argv[] = {const_cast<char*>(mkext4.c_str()), out.data(), size, label,
                  nullptr};
  pid_t pid;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv, environ) != 0) {
    return false;
  }
  int status = 0;
  return waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
         WEXITSTATUS(status) == 0;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(BootTest, BaseImageBootsToReadyAndAnswersMetrics) {
  std::string tmp = getenv("TEST_TMPDIR");
  VmConfig config;
  config.kernel = TestArg(1);
  config.initramfs = TestArg(2);
  config.base_image = TestArg(3);
  config.payload_image = TestArg(4);
  config.data_image = tmp + "/data.ext4";
  ASSERT_TRUE(MakeDataDisk(TestArg(5), config.data_image));
  config.memory_mib = 192;
  config.work_dir = tmp;
  config.console_log = tmp + "/console.log";
  config.boot_timeout = absl::Minutes(3);

  auto vm = MakeQemuVm(config, QemuOptions());
  ASSERT_TRUE(vm.ok()) << vm.status();
  absl::Status started = (*vm)->Start();
  ASSERT_TRUE(started.ok()) << started;
  EXPECT_GT((*vm)->BootSeconds(), 0);
  EXPECT_NE((*vm)->Info().backend_version.find("QEMU"), std::string::npos);

  absl::StatusOr<GuestMetrics> m = (*vm)->Metrics();
  ASSERT_TRUE(m.ok()) << m.status();
  // The guest sees about the memory it was given, and the 50 GiB data disk.
  EXPECT_GT(m->mem_total_bytes(), 100u << 20);
  EXPECT_LE(m->mem_total_bytes(), 192u << 20);
  EXPECT_GT(m->mem_available_bytes(), 0u);
  EXPECT_GT(m->data_disk_total_bytes(), 40ull << 30);
  EXPECT_GT(m->server_rss_bytes(), 0u);
  EXPECT_EQ(m->tmp_leftover_files(), 0u);
  EXPECT_TRUE((*vm)->Health().ok()) << (*vm)->Health();

  EXPECT_TRUE((*vm)->Stop(absl::Seconds(30)).ok());
  std::string console = Slurp(config.console_log);
  EXPECT_NE(console.find("PERFCELL READY uptime_ms="), std::string::npos)
      << console;
  EXPECT_NE(console.find("PERFCELL POWEROFF"), std::string::npos) << console;
  // The payload names no address: the guest took QEMU's user-mode address
  // from perfcell.net on the kernel command line.
  EXPECT_NE(console.find("perfcell-init: network eth0 10.0.2.15/24 via "
                         "10.0.2.2"),
            std::string::npos)
      << console;
  // The data disk stayed sparse: the guest wrote little to it.
  struct stat st;
  ASSERT_EQ(stat(config.data_image.c_str(), &st), 0);
  EXPECT_LT(st.st_blocks * 512, 64 << 20);
}

}  // namespace
}  // namespace perfcell
