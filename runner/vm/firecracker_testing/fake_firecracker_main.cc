// fake_firecracker: behaves like the `firecracker` CLI for perfcell's tests
// (no KVM, no kernel). `--version` prints a version line; `--api-sock PATH`
// serves FakeFirecrackerApi there; InstanceStart "boots" a FakeGuest whose
// serial console goes to stdout, like Firecracker's. The process exits 0
// when the guest powers off (POST /poweroff or SendCtrlAltDel), like
// Firecracker does when a guest booted with reboot=k reboots.
//
// Environment (all optional):
//   FAKE_FIRECRACKER_GUEST         ready | never_ready | oom | server_exit
//   FAKE_FIRECRACKER_SERVER_PORT   loopback port of the server stand-in
//   FAKE_FIRECRACKER_METRICS_PORT  loopback port of GET /metrics
//   FAKE_FIRECRACKER_REQUEST_LOG   file that gets one JSON line per API call
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "runner/vm/firecracker_testing/fake_firecracker_api.h"
#include "runner/vm/firecracker_testing/fake_guest.h"

namespace {

using perfcell::firecracker_testing::FakeFirecrackerApi;
using perfcell::firecracker_testing::FakeFirecrackerApiOptions;
using perfcell::firecracker_testing::FakeGuest;
using perfcell::firecracker_testing::FakeGuestOptions;
using perfcell::firecracker_testing::FakeMachine;
using perfcell::firecracker_testing::GuestScenario;

constexpr char kVersion[] = "1.7.0";

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

uint16_t PortFromEnv(const char* name) {
  uint32_t port = 0;
  std::string value = Env(name);
  if (!value.empty() && (!absl::SimpleAtoi(value, &port) || port > 65535)) {
    std::fprintf(stderr, "fake_firecracker: bad %s=%s\n", name, value.c_str());
    std::exit(1);
  }
  return static_cast<uint16_t>(port);
}

}  // namespace

int main(int argc, char** argv) {
  std::string api_sock = "/run/firecracker.socket";  // Firecracker's default
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--version") {
      std::printf("Firecracker v%s-perfcell-fake\n", kVersion);
      return 0;
    }
    if ((arg == "--api-sock" || arg == "--id" || arg == "--level") &&
        i + 1 < argc) {
      if (arg == "--api-sock") api_sock = argv[i + 1];
      ++i;
      continue;
    }
    std::fprintf(stderr,
                 "Arguments parsing error: Found argument '%s' which wasn't "
                 "expected, or isn't valid in this context.\n",
                 arg.c_str());
    return 1;
  }

  auto scenario = perfcell::firecracker_testing::ParseGuestScenario(
      Env("FAKE_FIRECRACKER_GUEST"));
  if (!scenario.ok()) {
    std::fprintf(stderr, "fake_firecracker: %s\n",
                 std::string(scenario.status().message()).c_str());
    return 1;
  }

  absl::Notification powered_off;
  absl::Mutex guest_mu;
  std::unique_ptr<FakeGuest> guest;  // guarded by guest_mu

  FakeGuestOptions guest_options;
  guest_options.scenario = *scenario;
  guest_options.server_port = PortFromEnv("FAKE_FIRECRACKER_SERVER_PORT");
  guest_options.metrics_port = PortFromEnv("FAKE_FIRECRACKER_METRICS_PORT");
  guest_options.on_poweroff = [&powered_off] { powered_off.Notify(); };

  FakeFirecrackerApiOptions options;
  options.socket_path = api_sock;
  options.vmm_version = kVersion;
  options.request_log = Env("FAKE_FIRECRACKER_REQUEST_LOG");
  options.on_instance_start = [&](const FakeMachine& machine) {
    auto booted = FakeGuest::Boot(machine, guest_options);
    if (!booted.ok()) {
      std::fprintf(stderr, "fake_firecracker: guest failed to boot: %s\n",
                   std::string(booted.status().message()).c_str());
      std::_Exit(1);
    }
    absl::MutexLock lock(&guest_mu);
    guest = *std::move(booted);
  };
  options.on_ctrl_alt_del = [&] {
    absl::MutexLock lock(&guest_mu);
    if (guest != nullptr) guest->PowerOff();
  };

  std::fprintf(stderr, "[anonymous-instance:main] Running Firecracker v%s\n",
               kVersion);
  auto api = FakeFirecrackerApi::Listen(options);
  if (!api.ok()) {
    std::fprintf(stderr,
                 "Failed to open the API socket at: %s. Check that it is not "
                 "already used. (%s)\n",
                 api_sock.c_str(), std::string(api.status().message()).c_str());
    return 1;
  }
  powered_off.WaitForNotification();
  std::fflush(stdout);
  std::fflush(stderr);
  unlink(api_sock.c_str());
  // Like a VMM whose guest rebooted: leave at once, without tearing down
  // the servers (the request that asked for this has been answered).
  std::_Exit(0);
}
