#include "runner/vm/firecracker_testing/fake_guest.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "contract/console_protocol.h"
#include "contract/guest_layout.h"
#include "contract/kernel_cmdline.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "proto/cell.pb.h"
#include "proto/guest.pb.h"

namespace perfcell {
namespace firecracker_testing {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;

// A payload that is no text GuestConfig is expected (see fake_guest.h).
class SilentErrors : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int, int, const std::string&) override {}
};

}  // namespace

absl::StatusOr<GuestScenario> ParseGuestScenario(absl::string_view name) {
  if (name.empty() || name == "ready") return GuestScenario::kReady;
  if (name == "never_ready") return GuestScenario::kNeverReady;
  if (name == "oom") return GuestScenario::kOom;
  if (name == "server_exit") return GuestScenario::kServerExit;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown fake guest scenario \"", name,
                   "\"; expected ready, never_ready, oom or server_exit"));
}

FakeGuest::FakeGuest(FakeMachine machine, FakeGuestOptions options)
    : machine_(std::move(machine)), options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<FakeGuest>> FakeGuest::Boot(
    const FakeMachine& machine, FakeGuestOptions options) {
  std::unique_ptr<FakeGuest> guest(new FakeGuest(machine, std::move(options)));
  const FakeGuestOptions& opts = guest->options_;

  std::string boot = absl::StrCat(
      "[    0.000000] Linux version 6.1.0-perfcell-fake (fake_firecracker: "
      "no kernel runs here)\n",
      "[    0.000000] Command line: ", machine.boot_args, "\n",
      "[    0.004000] Memory: ", machine.mem_size_mib * 1024, "K available, ",
      machine.vcpu_count, " vCPU(s)\n");
  for (size_t i = 0; i < machine.drives.size(); ++i) {
    const FakeDrive& drive = machine.drives[i];
    absl::StrAppend(&boot, "[    0.050000] virtio_blk virtio", i, ": [vd",
                    std::string(1, static_cast<char>('a' + i)), "] ",
                    drive.is_read_only ? "ro" : "rw", " ", drive.path_on_host,
                    " (", drive.drive_id, ", cache ", drive.cache_type, ")\n");
  }
  for (const FakeNetworkInterface& iface : machine.network_interfaces) {
    absl::StrAppend(&boot, "[    0.060000] virtio_net: ", iface.iface_id,
                    " mac ", iface.guest_mac, " on host tap ",
                    iface.host_dev_name, "\n");
  }
  absl::StrAppend(&boot, "[    0.100000] Run /init as init process\n",
                  "perfcell-init: root ", contract::kBaseDevice,
                  " mounted read-only\n");
  // The network as perfcell-init takes it: from the kernel command line.
  absl::StatusOr<std::optional<contract::GuestNetwork>> net =
      contract::NetworkFromCommandLine(machine.boot_args);
  if (!net.ok()) {
    absl::StrAppend(&boot, contract::ErrorLine(net.status().message()), "\n");
    guest->WriteConsole(boot);
    return guest;
  }
  if (net->has_value()) {
    absl::StrAppend(&boot, "perfcell-init: network ",
                    contract::kNetworkInterface, " ", (*net)->address, "/",
                    (*net)->prefix_length);
    if (!(*net)->gateway.empty()) {
      absl::StrAppend(&boot, " via ", (*net)->gateway);
    }
    absl::StrAppend(&boot, "\n");
  }
  absl::Status config = guest->ReadServerCommand();
  if (!config.ok()) {
    absl::StrAppend(&boot, contract::ErrorLine(config.message()), "\n");
    guest->WriteConsole(boot);
    return guest;
  }
  guest->WriteConsole(boot);

  if (opts.scenario == GuestScenario::kNeverReady) {
    guest->WriteConsole(
        "perfcell-init: waiting for the server's port (it never opens)\n");
    return guest;
  }

  FakeGuest* raw = guest.get();
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::ListenTcp(
      opts.address, opts.server_port, [](const HttpRequest&) {
        return HttpResponse{200, "text/plain", "perfcell fake server\n"};
      });
  if (!server.ok()) return server.status();
  guest->server_ = *std::move(server);
  absl::StatusOr<std::unique_ptr<HttpServer>> metrics = HttpServer::ListenTcp(
      opts.address, opts.metrics_port, [raw](const HttpRequest& request) {
        return raw->HandleMetrics(request);
      });
  if (!metrics.ok()) return metrics.status();
  guest->metrics_ = *std::move(metrics);

  // One write, so whoever sees READY also sees what happened right after.
  const int pid = getpid();
  std::string ready = absl::StrCat(contract::ReadyLine(412, pid), "\n");
  if (opts.scenario == GuestScenario::kOom) {
    absl::StrAppend(
        &ready, "[    3.141592] Out of memory: Killed process ", pid,
        " (server) total-vm:1048576kB, anon-rss:900000kB, "
        "file-rss:0kB, shmem-rss:0kB\n",
        contract::ServerExitLine(contract::ServerExit::Signal(9)), "\n");
  } else if (opts.scenario == GuestScenario::kServerExit) {
    absl::StrAppend(
        &ready, contract::ServerExitLine(contract::ServerExit::Code(2)), "\n");
  }
  guest->WriteConsole(ready);
  return guest;
}

uint16_t FakeGuest::server_port() const {
  return server_ == nullptr ? 0 : server_->port();
}

uint16_t FakeGuest::metrics_port() const {
  return metrics_ == nullptr ? 0 : metrics_->port();
}

void FakeGuest::WriteConsole(absl::string_view text) {
  while (!text.empty()) {
    ssize_t n = write(options_.console_fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text.remove_prefix(static_cast<size_t>(n));
  }
}

void FakeGuest::PowerOff() {
  {
    absl::MutexLock lock(&mu_);
    if (powered_off_) return;
    powered_off_ = true;
  }
  WriteConsole(absl::StrCat(contract::PoweroffLine(),
                            "\n[    9.000000] reboot: Restarting system\n"));
  if (options_.on_poweroff) options_.on_poweroff();
}

absl::Status FakeGuest::ReadServerCommand() {
  const std::string device =
      contract::KernelArgument(machine_.boot_args, contract::kPayloadKey)
          .value_or(contract::kPayloadDevice);
  // "/dev/vdb" is the second drive, in the order the machine has them.
  const size_t index = static_cast<size_t>(device.back() - 'a');
  ServerCommand command;
  command.add_argv(contract::kServerInPayload);
  if (absl::StartsWith(device, "/dev/vd") && index < machine_.drives.size()) {
    const std::string& path = machine_.drives[index].path_on_host;
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot read the payload ", device, " (", path, ")"));
    }
    GuestConfig config;
    SilentErrors silent;
    google::protobuf::TextFormat::Parser quiet;
    quiet.RecordErrorsTo(&silent);
    if (quiet.ParseFromString(text.str(), &config) &&
        config.server().argv_size() > 0) {
      command = config.server();
    }
  }
  google::protobuf::TextFormat::PrintToString(command, &server_command_);
  return absl::OkStatus();
}

HttpResponse FakeGuest::HandleMetrics(const HttpRequest& request) {
  if (request.method == "POST" && request.path == "/poweroff") {
    return HttpResponse{200, "text/plain", "powering off\n",
                        [this] { PowerOff(); }};
  }
  if (request.method == "GET" && request.path == "/server") {
    return HttpResponse{200, "text/plain", server_command_};
  }
  if (request.method != "GET" || request.path != "/metrics") {
    return HttpResponse{404, "text/plain", "not found\n"};
  }
  GuestMetrics metrics;
  metrics.set_mem_total_bytes(machine_.mem_size_mib * kMiB);
  metrics.set_mem_available_bytes(machine_.mem_size_mib * kMiB / 4 * 3);
  // The first writable drive plays the data disk.
  for (const FakeDrive& drive : machine_.drives) {
    struct stat st;
    if (drive.is_read_only || stat(drive.path_on_host.c_str(), &st) != 0) {
      continue;
    }
    metrics.set_data_disk_total_bytes(static_cast<uint64_t>(st.st_size));
    metrics.set_data_disk_used_bytes(static_cast<uint64_t>(st.st_blocks) * 512);
    break;
  }
  metrics.set_server_rss_bytes(24 * kMiB);
  std::string text;
  google::protobuf::TextFormat::PrintToString(metrics, &text);
  return HttpResponse{200, "text/plain", text};
}

}  // namespace firecracker_testing
}  // namespace perfcell
