#include "runner/vm/firecracker_testing/fake_guest.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "proto/cell.pb.h"
#include "proto/guest.pb.h"
#include "runner/vm/firecracker_testing/temp_dir.h"
#include "runner/vm/http_call.h"

namespace perfcell {
namespace firecracker_testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class FakeGuestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    console_path_ = dir_.path() + "/console.log";
    console_fd_ = open(console_path_.c_str(), O_WRONLY | O_CREAT, 0644);
    ASSERT_GE(console_fd_, 0);
    machine_.boot_args = "console=ttyS0 reboot=k";
    machine_.mem_size_mib = 256;
    machine_.drives.push_back(
        {"rootfs", dir_.WriteFile("rootfs", ""), true, true, "Writeback"});
    machine_.drives.push_back({"data",
                               dir_.WriteFile("data", std::string(8192, 'x')),
                               false, false, "Writeback"});
  }
  void TearDown() override { close(console_fd_); }

  std::unique_ptr<FakeGuest> Boot(GuestScenario scenario) {
    FakeGuestOptions options;
    options.scenario = scenario;
    options.console_fd = console_fd_;
    options.on_poweroff = [this] { powered_off_.Notify(); };
    auto guest = FakeGuest::Boot(machine_, options);
    EXPECT_TRUE(guest.ok()) << guest.status();
    return guest.ok() ? *std::move(guest) : nullptr;
  }

  std::string Console() {
    std::stringstream text;
    text << std::ifstream(console_path_).rdbuf();
    return text.str();
  }

  ScopedTempDir dir_;
  std::string console_path_;
  int console_fd_ = -1;
  FakeMachine machine_;
  absl::Notification powered_off_;
};

TEST(ParseGuestScenario, KnowsTheScenariosAndRefusesOthers) {
  EXPECT_EQ(*ParseGuestScenario(""), GuestScenario::kReady);
  EXPECT_EQ(*ParseGuestScenario("oom"), GuestScenario::kOom);
  EXPECT_EQ(*ParseGuestScenario("never_ready"), GuestScenario::kNeverReady);
  EXPECT_EQ(*ParseGuestScenario("server_exit"), GuestScenario::kServerExit);
  EXPECT_FALSE(ParseGuestScenario("crash").ok());
}

TEST_F(FakeGuestTest, ReadyGuestPrintsConsoleAndServesMetricsAndServer) {
  auto guest = Boot(GuestScenario::kReady);
  ASSERT_NE(guest, nullptr);
  std::string console = Console();
  EXPECT_THAT(console, HasSubstr("Command line: console=ttyS0 reboot=k"));
  EXPECT_THAT(console, HasSubstr("[vda] ro"));
  EXPECT_THAT(console, HasSubstr("[vdb] rw"));
  EXPECT_THAT(console,
              HasSubstr(absl::StrCat(
                  "PERFCELL READY uptime_ms=412 server_pid=", getpid(), "\n")));

  HttpCall metrics_call;
  metrics_call.url =
      absl::StrCat("http://127.0.0.1:", guest->metrics_port(), "/metrics");
  auto metrics = PerformHttp(metrics_call);
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  GuestMetrics parsed;
  ASSERT_TRUE(
      google::protobuf::TextFormat::ParseFromString(metrics->body, &parsed));
  EXPECT_EQ(parsed.mem_total_bytes(), 256u << 20);
  EXPECT_EQ(parsed.data_disk_total_bytes(), 8192u);

  HttpCall server_call;
  server_call.url =
      absl::StrCat("http://127.0.0.1:", guest->server_port(), "/");
  auto server = PerformHttp(server_call);
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ(server->status, 200);

  HttpCall poweroff;
  poweroff.method = "POST";
  poweroff.url =
      absl::StrCat("http://127.0.0.1:", guest->metrics_port(), "/poweroff");
  auto answered = PerformHttp(poweroff);
  ASSERT_TRUE(answered.ok()) << answered.status();
  EXPECT_EQ(answered->status, 200);
  ASSERT_TRUE(powered_off_.WaitForNotificationWithTimeout(absl::Seconds(30)));
  EXPECT_THAT(Console(), HasSubstr("PERFCELL POWEROFF\n"));
}

// GET /server on the guest's metrics port, parsed.
ServerCommand GetServer(const FakeGuest& guest) {
  HttpCall call;
  call.url = absl::StrCat("http://127.0.0.1:", guest.metrics_port(), "/server");
  auto answer = PerformHttp(call);
  EXPECT_TRUE(answer.ok()) << answer.status();
  ServerCommand server;
  if (answer.ok()) {
    EXPECT_EQ(answer->status, 200) << answer->body;
    EXPECT_TRUE(
        google::protobuf::TextFormat::ParseFromString(answer->body, &server))
        << answer->body;
  }
  return server;
}

TEST_F(FakeGuestTest, ServerAnswersTheArgvOfThePayloadsConfig) {
  // The payload is the second drive (/dev/vdb), as perfcell-init finds it.
  machine_.drives.insert(machine_.drives.begin() + 1,
                         {"payload", dir_.WriteFile("payload", R"pb(
                            server {
                              argv: "/payload/lib/ld-linux-x86-64.so.2"
                              argv: "--library-path"
                              argv: "/payload/lib"
                              argv: "/payload/bin/server"
                              argv: "--sync=off"
                              argv: "two words"
                              port: 8080
                            }
                          )pb"),
                          false, true, "Writeback"});
  auto guest = Boot(GuestScenario::kReady);
  ASSERT_NE(guest, nullptr);
  EXPECT_THAT(GetServer(*guest).argv(),
              ElementsAre("/payload/lib/ld-linux-x86-64.so.2", "--library-path",
                          "/payload/lib", "/payload/bin/server", "--sync=off",
                          "two words"));
}

TEST_F(FakeGuestTest, APayloadThatIsNoConfigGivesTheBareServer) {
  auto guest = Boot(GuestScenario::kReady);
  ASSERT_NE(guest, nullptr);
  EXPECT_THAT(GetServer(*guest).argv(), ElementsAre("/payload/bin/server"));
}

TEST_F(FakeGuestTest, AnUnreadablePayloadFailsTheBoot) {
  machine_.drives.insert(
      machine_.drives.begin() + 1,
      {"payload", dir_.path() + "/missing.ext4", false, true, "Writeback"});
  auto guest = Boot(GuestScenario::kReady);
  ASSERT_NE(guest, nullptr);
  EXPECT_THAT(Console(), HasSubstr("PERFCELL ERROR cannot read the payload "
                                   "/dev/vdb"));
  EXPECT_THAT(Console(), Not(HasSubstr("PERFCELL READY")));
}

TEST_F(FakeGuestTest, NeverReadyGuestPrintsNoReadyLine) {
  auto guest = Boot(GuestScenario::kNeverReady);
  ASSERT_NE(guest, nullptr);
  EXPECT_THAT(Console(), HasSubstr("Run /init"));
  EXPECT_THAT(Console(), Not(HasSubstr("PERFCELL READY")));
}

TEST_F(FakeGuestTest, OomGuestReportsTheKillAfterReady) {
  auto guest = Boot(GuestScenario::kOom);
  ASSERT_NE(guest, nullptr);
  EXPECT_THAT(Console(), HasSubstr("Out of memory: Killed process"));
  EXPECT_THAT(Console(), HasSubstr("PERFCELL SERVER_EXIT signal=9"));
}

TEST_F(FakeGuestTest, ServerExitGuestReportsTheExitCode) {
  auto guest = Boot(GuestScenario::kServerExit);
  ASSERT_NE(guest, nullptr);
  EXPECT_THAT(Console(), HasSubstr("PERFCELL SERVER_EXIT code=2"));
}

}  // namespace
}  // namespace firecracker_testing
}  // namespace perfcell
