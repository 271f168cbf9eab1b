// The guest that fake_firecracker "boots" instead of a kernel: it writes a
// plausible serial console (kernel lines, the drives as the guest would see
// them, perfcell-init's lines from contract/console_protocol.h) and serves,
// on loopback, the guest metrics endpoint (GET /metrics, GET /server, POST
// /poweroff) and a tiny stand-in for the server under test. Like
// perfcell-init, it reads its network address from perfcell.net in the boot
// source's boot_args and says so ("perfcell-init: network eth0
// 172.16.0.2/24"), or fails the boot with PERFCELL ERROR when the value is
// malformed.
//
// Its config: perfcell-init reads the GuestConfig from the payload disk
// (perfcell.payload=, default /dev/vdb: the second drive); the fake reads no
// ext4, so it takes that drive's file as a GuestConfig in text format (what
// a real payload holds at perfcell/guest.textproto) and answers GET /server
// with its server command. A payload that is none (tests that do not care)
// gives the server command `argv: "/payload/bin/server"`; a drive that
// cannot be read fails the boot with PERFCELL ERROR, as perfcell-init
// would.
//
//   FakeGuestOptions options;
//   options.scenario = GuestScenario::kOom;
//   ASSIGN_OR_RETURN(auto guest, FakeGuest::Boot(machine, options));
//   // console: ... "PERFCELL READY uptime_ms=412 server_pid=1234"
//   //          "Out of memory: Killed process 1234 (server) ..."
#ifndef PERFCELL_RUNNER_VM_FIRECRACKER_TESTING_FAKE_GUEST_H_
#define PERFCELL_RUNNER_VM_FIRECRACKER_TESTING_FAKE_GUEST_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "runner/vm/firecracker_testing/fake_firecracker_api.h"
#include "runner/vm/firecracker_testing/http_server.h"

namespace perfcell {
namespace firecracker_testing {

// What the fake guest does after its kernel lines.
enum class GuestScenario {
  kReady,       // READY, then serves until powered off
  kNeverReady,  // the server never comes up: no READY line
  kOom,         // READY, then the OOM killer kills the server
  kServerExit,  // READY, then the server exits with code 2
};

// "ready", "never_ready", "oom", "server_exit".
absl::StatusOr<GuestScenario> ParseGuestScenario(absl::string_view name);

struct FakeGuestOptions {
  GuestScenario scenario = GuestScenario::kReady;
  std::string address = "127.0.0.1";
  uint16_t server_port = 0;   // 0: the kernel picks one
  uint16_t metrics_port = 0;  // 0: the kernel picks one
  int console_fd = 1;         // Firecracker's stdout carries the serial port
  // Called after "PERFCELL POWEROFF" was written (at most once).
  std::function<void()> on_poweroff;
};

class FakeGuest {
 public:
  static absl::StatusOr<std::unique_ptr<FakeGuest>> Boot(
      const FakeMachine& machine, FakeGuestOptions options);

  // Writes "PERFCELL POWEROFF" and calls on_poweroff; later calls do nothing.
  void PowerOff();

  uint16_t server_port() const;
  uint16_t metrics_port() const;

 private:
  FakeGuest(FakeMachine machine, FakeGuestOptions options);
  HttpResponse HandleMetrics(const HttpRequest& request);
  // The payload's ServerCommand, as the class comment says.
  absl::Status ReadServerCommand();
  void WriteConsole(absl::string_view text);

  const FakeMachine machine_;
  const FakeGuestOptions options_;
  absl::Mutex mu_;
  bool powered_off_ ABSL_GUARDED_BY(mu_) = false;
  std::string server_command_;  // GET /server's answer, text format
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<HttpServer> metrics_;
};

}  // namespace firecracker_testing
}  // namespace perfcell

#endif  // PERFCELL_RUNNER_VM_FIRECRACKER_TESTING_FAKE_GUEST_H_
