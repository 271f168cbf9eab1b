// The firecracker backend end to end against fake_firecracker
// (runner/vm/firecracker_testing): a real child process, its API on a real
// unix socket, the guest's console in a real file and its ports on loopback.
#include "runner/vm/firecracker_vm.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "re2/re2.h"
#include "runner/vm/firecracker_testing/temp_dir.h"
#include "runner/vm/http_call.h"
#include "tools/cc/loopback_port.h"

namespace perfcell {
namespace {

using firecracker_testing::ScopedTempDir;
using google::protobuf::Struct;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr uint64_t kMiB = 1024 * 1024;

std::string FakeFirecracker() {
  return absl::StrCat(std::getenv("TEST_SRCDIR"), "/",
                      std::getenv("TEST_WORKSPACE"),
                      "/runner/vm/firecracker_testing/fake_firecracker");
}

// A loopback port nobody listens on right now.
uint16_t UnusedPort() { return *PickFreeLoopbackPort(); }

std::string ReadFile(const std::string& path) {
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  return text.str();
}

bool ProcessExists(pid_t pid) { return kill(pid, 0) == 0 || errno != ESRCH; }

// One API request as the fake logged it.
struct Logged {
  std::string route;  // "PUT /drives/rootfs"
  int status = 0;
  Struct body;
};

class FirecrackerVmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    config_.kernel = dir_.WriteFile("vmlinux", "kernel");
    config_.initramfs = dir_.WriteFile("initramfs.cpio", "cpio");
    config_.base_image = dir_.WriteFile("base.ext4", "base");
    config_.payload_image = dir_.WriteFile("payload.ext4", "payload");
    config_.data_image = dir_.WriteFile("data.ext4", "");
    ASSERT_EQ(truncate(config_.data_image.c_str(), 64 * kMiB), 0);
    config_.work_dir = dir_.path();
    config_.console_log = dir_.path() + "/console.log";
    config_.memory_mib = 256;
    config_.vcpus = 2;
    config_.boot_timeout = absl::Seconds(60);
    config_.guest_server_port = UnusedPort();
    config_.guest_metrics_port = UnusedPort();

    options_.binary = FakeFirecracker();
    options_.guest_address = "127.0.0.1";
    options_.extra_env = {
        absl::StrCat("FAKE_FIRECRACKER_SERVER_PORT=",
                     config_.guest_server_port),
        absl::StrCat("FAKE_FIRECRACKER_METRICS_PORT=",
                     config_.guest_metrics_port),
        absl::StrCat("FAKE_FIRECRACKER_REQUEST_LOG=", RequestLog()),
    };
  }

  std::string RequestLog() const { return dir_.path() + "/requests.jsonl"; }

  std::unique_ptr<Vm> MakeVm() {
    auto vm = MakeFirecrackerVm(config_, options_);
    EXPECT_TRUE(vm.ok()) << vm.status();
    return vm.ok() ? *std::move(vm) : nullptr;
  }

  void SetScenario(const std::string& scenario) {
    options_.extra_env.push_back("FAKE_FIRECRACKER_GUEST=" + scenario);
  }

  std::vector<Logged> Requests() const {
    std::vector<Logged> requests;
    std::istringstream lines(ReadFile(RequestLog()));
    std::string line;
    while (std::getline(lines, line)) {
      Struct entry;
      EXPECT_TRUE(
          google::protobuf::util::JsonStringToMessage(line, &entry).ok());
      Logged logged;
      logged.route =
          absl::StrCat(entry.fields().at("method").string_value(), " ",
                       entry.fields().at("path").string_value());
      logged.status =
          static_cast<int>(entry.fields().at("status").number_value());
      EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(
                      entry.fields().at("body").string_value(), &logged.body)
                      .ok());
      requests.push_back(logged);
    }
    return requests;
  }

  static std::vector<std::string> Routes(const std::vector<Logged>& requests) {
    std::vector<std::string> routes;
    for (const Logged& request : requests) {
      routes.push_back(absl::StrCat(request.route, " ", request.status));
    }
    return routes;
  }

  // The fake's pid, which it prints as the server's in the READY line.
  pid_t FakePid() const {
    int pid = 0;
    EXPECT_TRUE(RE2::PartialMatch(
        ReadFile(config_.console_log),
        R"(PERFCELL READY uptime_ms=\d+ server_pid=(\d+))", &pid));
    return pid;
  }

  ScopedTempDir dir_;
  VmConfig config_;
  FirecrackerOptions options_;
};

TEST_F(FirecrackerVmTest, StartConfiguresTheDocumentedSequenceAndBoots) {
  std::unique_ptr<Vm> vm = MakeVm();
  ASSERT_NE(vm, nullptr);
  ASSERT_TRUE(vm->Start().ok()) << ReadFile(config_.console_log);
  EXPECT_GT(vm->BootSeconds(), 0);

  std::vector<Logged> requests = Requests();
  EXPECT_THAT(Routes(requests),
              ElementsAre("PUT /boot-source 204", "PUT /drives/rootfs 204",
                          "PUT /drives/payload 204", "PUT /drives/data 204",
                          "PUT /machine-config 204", "PUT /actions 204"));
  ASSERT_EQ(requests.size(), 6u);

  const auto& boot = requests[0].body.fields();
  EXPECT_EQ(boot.at("kernel_image_path").string_value(), config_.kernel);
  EXPECT_EQ(boot.at("initrd_path").string_value(), config_.initramfs);
  std::string args = boot.at("boot_args").string_value();
  for (const char* arg : {"console=ttyS0", "reboot=k", "panic=1", "pci=off"}) {
    EXPECT_THAT(args, HasSubstr(arg));
  }

  struct ExpectedDrive {
    std::string id, path;
    bool root, read_only;
  };
  const ExpectedDrive drives[] = {
      {"rootfs", config_.base_image, true, true},
      {"payload", config_.payload_image, false, true},
      {"data", config_.data_image, false, false}};
  for (int i = 0; i < 3; ++i) {
    const auto& drive = requests[1 + i].body.fields();
    SCOPED_TRACE(drives[i].id);
    EXPECT_EQ(drive.size(), 5u);
    EXPECT_EQ(drive.at("drive_id").string_value(), drives[i].id);
    EXPECT_EQ(drive.at("path_on_host").string_value(), drives[i].path);
    EXPECT_EQ(drive.at("is_root_device").bool_value(), drives[i].root);
    EXPECT_EQ(drive.at("is_read_only").bool_value(), drives[i].read_only);
    EXPECT_EQ(drive.at("cache_type").string_value(), "Writeback");
  }

  const auto& machine = requests[4].body.fields();
  EXPECT_EQ(machine.at("vcpu_count").number_value(), 2);
  EXPECT_EQ(machine.at("mem_size_mib").number_value(), 256);
  EXPECT_EQ(requests[5].body.fields().at("action_type").string_value(),
            "InstanceStart");

  // The guest saw the drives in the order perfcell's guest expects.
  std::string console = ReadFile(config_.console_log);
  EXPECT_THAT(console, HasSubstr("[vda] ro " + config_.base_image));
  EXPECT_THAT(console, HasSubstr("[vdb] ro " + config_.payload_image));
  EXPECT_THAT(console, HasSubstr("[vdc] rw " + config_.data_image));
}

TEST_F(FirecrackerVmTest, ServesMetricsAndServerThenStopsCleanly) {
  std::unique_ptr<Vm> vm = MakeVm();
  ASSERT_NE(vm, nullptr);
  ASSERT_TRUE(vm->Start().ok());
  const pid_t pid = FakePid();

  EXPECT_EQ(vm->ServerUrl(),
            absl::StrCat("http://127.0.0.1:", config_.guest_server_port));
  HttpCall get;
  get.url = vm->ServerUrl() + "/";
  auto answer = PerformHttp(get);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->status, 200);

  auto metrics = vm->Metrics();
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_EQ(metrics->mem_total_bytes(), 256 * kMiB);
  EXPECT_EQ(metrics->data_disk_total_bytes(), 64 * kMiB);
  EXPECT_TRUE(vm->Health().ok());

  VmInfo info = vm->Info();
  EXPECT_EQ(info.backend_version, "Firecracker v1.7.0-perfcell-fake");
  EXPECT_EQ(info.accelerator, "kvm");
  EXPECT_EQ(info.cache_mode, "Writeback");

  EXPECT_TRUE(vm->Stop(absl::Seconds(30)).ok());
  EXPECT_FALSE(ProcessExists(pid));
  EXPECT_THAT(ReadFile(config_.console_log), HasSubstr("PERFCELL POWEROFF"));
  EXPECT_TRUE(vm->Stop(absl::Seconds(30)).ok());  // again: nothing to do
  EXPECT_FALSE(vm->Health().ok());                // the VM is gone
}

TEST_F(FirecrackerVmTest, ServerArgvIsWhatTheGuestReportsFromItsPayload) {
  // The stand-in reads its payload drive as a text GuestConfig.
  config_.payload_image = dir_.WriteFile("payload.ext4", R"pb(
    server {
      argv: "/payload/bin/server"
      argv: "--download_batch_chunks=8"
      argv: "a \"quoted\" word"
      port: 8080
    }
  )pb");
  std::unique_ptr<Vm> vm = MakeVm();
  ASSERT_NE(vm, nullptr);
  EXPECT_TRUE(absl::IsFailedPrecondition(vm->ServerArgv().status()));
  ASSERT_TRUE(vm->Start().ok()) << ReadFile(config_.console_log);
  absl::StatusOr<std::vector<std::string>> argv = vm->ServerArgv();
  ASSERT_TRUE(argv.ok()) << argv.status();
  EXPECT_THAT(*argv,
              ElementsAre("/payload/bin/server", "--download_batch_chunks=8",
                          "a \"quoted\" word"));
  EXPECT_TRUE(vm->Stop(absl::Seconds(10)).ok());
  // Kept from the first answer: still known once the guest is gone.
  absl::StatusOr<std::vector<std::string>> again = vm->ServerArgv();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *argv);
}

TEST_F(FirecrackerVmTest, StopFallsBackToCtrlAltDelWhenTheGuestDoesNotAnswer) {
  // The fake serves metrics elsewhere, so POST /poweroff finds nobody.
  options_.extra_env[1] =
      absl::StrCat("FAKE_FIRECRACKER_METRICS_PORT=", UnusedPort());
  std::unique_ptr<Vm> vm = MakeVm();
  ASSERT_NE(vm, nullptr);
  ASSERT_TRUE(vm->Start().ok());
  const pid_t pid = FakePid();
  EXPECT_TRUE(vm->Stop(absl::Seconds(30)).ok());
  EXPECT_FALSE(ProcessExists(pid));
  EXPECT_EQ(Routes(Requests()).back(), "PUT /actions 204");
  EXPECT_EQ(Requests().back().body.fields().at("action_type").string_value(),
            "SendCtrlAltDel");
}

TEST_F(FirecrackerVmTest, DestructorLeavesNoProcessBehind) {
  pid_t pid = 0;
  {
    std::unique_ptr<Vm> vm = MakeVm();
    ASSERT_NE(vm, nullptr);
    ASSERT_TRUE(vm->Start().ok());
    pid = FakePid();
    EXPECT_TRUE(ProcessExists(pid));
  }
  EXPECT_FALSE(ProcessExists(pid));
}

TEST_F(FirecrackerVmTest, TapAndCacheModeReachTheApi) {
  options_.tap_device = "tap7";
  options_.guest_ip = "172.16.0.2";
  options_.guest_mac = "AA:FC:00:00:00:07";
  config_.cache_mode = "Unsafe";
  std::unique_ptr<Vm> vm = MakeVm();
  ASSERT_NE(vm, nullptr);
  ASSERT_TRUE(vm->Start().ok());
  EXPECT_EQ(vm->Info().cache_mode, "Unsafe");

  std::vector<Logged> requests = Requests();
  EXPECT_THAT(
      Routes(requests),
      ElementsAre("PUT /boot-source 204", "PUT /drives/rootfs 204",
                  "PUT /drives/payload 204", "PUT /drives/data 204",
                  "PUT /machine-config 204", "PUT /network-interfaces/eth0 204",
                  "PUT /actions 204"));
  ASSERT_EQ(requests.size(), 7u);
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(requests[i].body.fields().at("cache_type").string_value(),
              "Unsafe");
  }
  const auto& iface = requests[5].body.fields();
  EXPECT_EQ(iface.at("iface_id").string_value(), "eth0");
  EXPECT_EQ(iface.at("host_dev_name").string_value(), "tap7");
  EXPECT_EQ(iface.at("guest_mac").string_value(), "AA:FC:00:00:00:07");
}

TEST_F(FirecrackerVmTest, TheGuestAddressComesFromTheKernelCommandLine) {
  options_.tap_device = "tap7";
  options_.guest_ip = "172.16.0.2";
  options_.guest_gateway = "172.16.0.1";
  std::unique_ptr<Vm> vm = MakeVm();
  ASSERT_NE(vm, nullptr);
  ASSERT_TRUE(vm->Start().ok()) << ReadFile(config_.console_log);

  // What Firecracker's API received as the boot source's boot_args...
  std::vector<Logged> requests = Requests();
  ASSERT_FALSE(requests.empty());
  ASSERT_EQ(requests[0].route, "PUT /boot-source");
  std::string args = requests[0].body.fields().at("boot_args").string_value();
  EXPECT_THAT(args, HasSubstr(" perfcell.net=172.16.0.2/24,172.16.0.1 "));
  // ...is where the guest took its address from.
  EXPECT_THAT(ReadFile(config_.console_log),
              HasSubstr("perfcell-init: network eth0 172.16.0.2/24 via "
                        "172.16.0.1\n"));
}

TEST_F(FirecrackerVmTest, NoGuestIpNoNetworkArgument) {
  std::unique_ptr<Vm> vm = MakeVm();  // the test address only: no tap
  ASSERT_NE(vm, nullptr);
  ASSERT_TRUE(vm->Start().ok());
  std::vector<Logged> requests = Requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_THAT(requests[0].body.fields().at("boot_args").string_value(),
              Not(HasSubstr("perfcell.net")));
  EXPECT_THAT(ReadFile(config_.console_log),
              Not(HasSubstr("perfcell-init: network")));
}

TEST_F(FirecrackerVmTest, AMalformedNetworkArgumentFailsTheBoot) {
  // Appended after the backend's own: the last perfcell.net counts.
  config_.kernel_cmdline_extra = "perfcell.net=172.16.0.2";
  std::unique_ptr<Vm> vm = MakeVm();
  ASSERT_NE(vm, nullptr);
  absl::Status status = vm->Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(),
              HasSubstr("the guest init failed: perfcell.net=\"172.16.0.2\""));
}

TEST_F(FirecrackerVmTest, RefusesAGuestAddressThatIsNone) {
  options_.tap_device = "tap7";
  options_.guest_ip = "172.16.0.300";
  auto vm = MakeFirecrackerVm(config_, options_);
  EXPECT_EQ(vm.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(vm.status().message(), HasSubstr("guest_ip"));
  EXPECT_THAT(vm.status().message(),
              HasSubstr("\"172.16.0.300\" is not an IPv4 address"));
  options_.guest_ip = "172.16.0.2";
  options_.guest_gateway = "10.0.0.1";
  vm = MakeFirecrackerVm(config_, options_);
  EXPECT_THAT(vm.status().message(), HasSubstr("not another address"));
}

TEST_F(FirecrackerVmTest, BootTimeoutQuotesTheLastConsoleLines) {
  SetScenario("never_ready");
  config_.boot_timeout = absl::Seconds(1);
  std::unique_ptr<Vm> vm = MakeVm();
  ASSERT_NE(vm, nullptr);
  absl::Status status = vm->Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(status.message(), HasSubstr("no PERFCELL READY line within 1s"));
  EXPECT_THAT(status.message(), HasSubstr(config_.console_log));
  EXPECT_THAT(status.message(), HasSubstr("  | [    0.100000] Run /init"));
  EXPECT_THAT(status.message(),
              HasSubstr("  | perfcell-init: waiting for the server's port"));
  EXPECT_FALSE(vm->Health().ok());  // Start() failed: nothing runs
}

TEST_F(FirecrackerVmTest, HealthReportsTheOomKiller) {
  SetScenario("oom");
  std::unique_ptr<Vm> vm = MakeVm();
  ASSERT_NE(vm, nullptr);
  ASSERT_TRUE(vm->Start().ok());
  absl::Status health = vm->Health();
  EXPECT_EQ(health.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(health.message(), HasSubstr("OOM killer"));
  EXPECT_THAT(health.message(), HasSubstr("\"server\""));  // the victim
  EXPECT_THAT(health.message(), HasSubstr("Out of memory: Killed process"));
}

TEST_F(FirecrackerVmTest, HealthReportsTheServerExit) {
  SetScenario("server_exit");
  std::unique_ptr<Vm> vm = MakeVm();
  ASSERT_NE(vm, nullptr);
  ASSERT_TRUE(vm->Start().ok());
  absl::Status health = vm->Health();
  EXPECT_EQ(health.code(), absl::StatusCode::kAborted);
  EXPECT_THAT(health.message(),
              HasSubstr("server in the guest ended (code=2)"));
}

TEST_F(FirecrackerVmTest, ApiRefusalFailsStartNamingRouteAndFault) {
  config_.kernel = dir_.path() + "/no-such-vmlinux";
  std::unique_ptr<Vm> vm = MakeVm();
  ASSERT_NE(vm, nullptr);
  absl::Status status = vm->Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("PUT /boot-source"));
  EXPECT_THAT(status.message(), HasSubstr("The kernel file cannot be opened"));
  EXPECT_THAT(Routes(Requests()), ElementsAre("PUT /boot-source 400"));
}

TEST_F(FirecrackerVmTest, MissingBinaryNamesItAndKvm) {
  options_.binary = "firecracker-not-installed-here";
  auto vm = MakeFirecrackerVm(config_, options_);
  EXPECT_EQ(vm.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(vm.status().message(),
              HasSubstr("\"firecracker-not-installed-here\""));
  EXPECT_THAT(vm.status().message(), HasSubstr("/dev/kvm"));
}

TEST_F(FirecrackerVmTest, ProcessThatExitsEarlyIsReported) {
  options_.binary = "false";  // exits 1 at once, as firecracker without KVM
  std::unique_ptr<Vm> vm = MakeVm();
  ASSERT_NE(vm, nullptr);
  absl::Status status = vm->Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("firecracker exited with code 1"));
  EXPECT_THAT(status.message(), HasSubstr("before opening its API socket"));
}

TEST_F(FirecrackerVmTest, RefusesCacheModesFirecrackerDoesNotHave) {
  config_.cache_mode = "none";  // a qemu mode
  auto vm = MakeFirecrackerVm(config_, options_);
  EXPECT_EQ(vm.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(vm.status().message(), HasSubstr("Writeback"));
}

TEST_F(FirecrackerVmTest, NeedsATapWhenNoTestAddressIsGiven) {
  options_.guest_address.clear();
  auto vm = MakeFirecrackerVm(config_, options_);
  EXPECT_EQ(vm.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(vm.status().message(), HasSubstr("tap_device"));
}

TEST(FirecrackerKernelCommandLine, DefaultsThenExtraArguments) {
  VmConfig config;
  config.kernel_cmdline_extra = "quiet loglevel=3";
  FirecrackerOptions options;
  options.guest_ip = "172.16.0.2";
  std::string line = FirecrackerKernelCommandLine(config, options);
  EXPECT_THAT(line, HasSubstr("console=ttyS0 reboot=k panic=1 pci=off"));
  EXPECT_THAT(line, HasSubstr("perfcell.payload=/dev/vdb"));
  EXPECT_THAT(line, HasSubstr(" perfcell.tmp=disk"));
  EXPECT_THAT(line, HasSubstr(" perfcell.net=172.16.0.2/24 "));
  EXPECT_THAT(line, Not(HasSubstr("8250.nr_uarts=0")));  // keeps the console
  EXPECT_THAT(line, testing::EndsWith(" quiet loglevel=3"));
}

}  // namespace
}  // namespace perfcell
