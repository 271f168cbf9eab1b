#include "runner/vm/firecracker_vm.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "contract/console_protocol.h"
#include "contract/guest_layout.h"
#include "contract/kernel_cmdline.h"
#include "re2/re2.h"
#include "runner/vm/console_log.h"
#include "runner/vm/firecracker_api.h"
#include "runner/vm/guest_client.h"
#include "runner/vm/guest_vm.h"
#include "runner/vm/process.h"
#include "tools/cc/status_macros.h"

namespace perfcell {
namespace {

constexpr int kQuotedConsoleLines = 20;
constexpr size_t kMaxUnixSocketPath = sizeof(sockaddr_un::sun_path) - 1;
constexpr absl::Duration kVersionTimeout = absl::Seconds(20);

// perfcell's kernel arguments for a Firecracker guest, each with its reason.
// Firecracker itself appends `root=/dev/vda ro` for the read-only root drive
// and the virtio_mmio.device= entries that describe the drives.
// Firecracker's own default line also has `nomodule` and `8250.nr_uarts=0`;
// both are left out on purpose: the initramfs loads the virtio modules, and
// the serial port is our console.
const char* const kDefaultKernelArgs[] = {
    // The kernel's console on the 8250 serial port, which Firecracker copies
    // to its stdout: the console log the runner reads READY from.
    "console=ttyS0",
    // Reboot through the keyboard controller; Firecracker ends the VM (the
    // process exits) when the guest does that, so a guest power-off or
    // reboot ends the firecracker process instead of restarting the guest.
    "reboot=k",
    // On a kernel panic, reboot (so: exit) after 1 s rather than hang until
    // the boot timeout.
    "panic=1",
    // Firecracker's devices are virtio-mmio; there is no PCI bus to scan.
    "pci=off",
    // Firecracker emulates just enough of the i8042 controller for the reset
    // line (reboot=k, SendCtrlAltDel): skip probing for a mouse port, a
    // multiplexer and PnP, and don't drive keyboard LEDs (boot time).
    "i8042.noaux",
    "i8042.nomux",
    "i8042.nopnp",
    "i8042.dumbkbd",
};

bool IsFirecrackerCacheType(const std::string& mode) {
  return mode == "Writeback" || mode == "Unsafe";
}

// Whether something accepts connections on the unix socket at `path`.
bool SocketAccepts(const std::string& path) {
  sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  if (path.size() > kMaxUnixSocketPath) return false;
  std::memcpy(addr.sun_path, path.data(), path.size());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

// The first non-empty line of `text`, e.g. "Firecracker v1.7.0".
std::string FirstNonEmptyLine(absl::string_view text) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!line.empty()) return std::string(line);
  }
  return "";
}

class FirecrackerVm : public GuestVm {
 public:
  FirecrackerVm(VmConfig config, FirecrackerOptions options, std::string binary,
                std::string version, std::string cache_type)
      : GuestVm("the Firecracker VM was not started"),
        config_(std::move(config)),
        options_(std::move(options)),
        binary_(std::move(binary)),
        version_(std::move(version)),
        cache_type_(std::move(cache_type)),
        address_(options_.guest_address.empty() ? options_.guest_ip
                                                : options_.guest_address),
        api_(options_.api_socket),
        console_(config_.console_log) {}

  ~FirecrackerVm() override {
    process_.reset();  // kills the process group if it still runs
    if (spawned_) unlink(options_.api_socket.c_str());
  }

  absl::Status Start() override;
  std::string ServerUrl() const override {
    return absl::StrCat("http://", address_, ":", config_.guest_server_port);
  }
  absl::Status Health() override;
  absl::Status Stop(absl::Duration grace) override;
  double BootSeconds() const override { return boot_seconds_; }
  VmInfo Info() const override {
    return VmInfo{.backend_version = version_,
                  .accelerator = "kvm",
                  .cache_mode = cache_type_};
  }

 private:
  // The guest init's metrics endpoint (GET /metrics, GET /server, POST
  // /poweroff, ...).
  std::string MetricsUrl() const override {
    return absl::StrCat("http://", address_, ":", config_.guest_metrics_port);
  }
  bool Started() const override { return process_ != nullptr; }
  absl::Status Spawn();
  // "firecracker exited with code 1"; call once the process ended.
  std::string DescribeExit() const;
  absl::Status WaitForApiSocket();
  absl::Status Configure();
  absl::Status WaitForReady(absl::Time started);
  // `status` with the last console lines appended; also stops the VM, since
  // a failed Start() leaves nothing running.
  absl::Status FailStart(const absl::Status& status, bool quote_console);

  const VmConfig config_;
  const FirecrackerOptions options_;
  const std::string binary_;
  const std::string version_;
  const std::string cache_type_;
  const std::string address_;
  FirecrackerApi api_;
  ConsoleLog console_;
  std::unique_ptr<Process> process_;
  bool spawned_ = false;
  double boot_seconds_ = 0;
};

absl::Status FirecrackerVm::Start() {
  if (spawned_) {
    return absl::FailedPreconditionError(
        "this Firecracker VM was started already; make a new one");
  }
  const absl::Time started = absl::Now();
  absl::Status status = Spawn();
  if (!status.ok()) return status;
  status = WaitForApiSocket();
  if (!status.ok()) return FailStart(status, true);
  status = Configure();
  if (!status.ok()) return FailStart(status, false);
  status = WaitForReady(started);
  if (!status.ok()) return FailStart(status, true);
  return absl::OkStatus();
}

absl::Status FirecrackerVm::Spawn() {
  if (unlink(options_.api_socket.c_str()) != 0 && errno != ENOENT) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot remove the stale API socket \"",
                     options_.api_socket, "\": ", std::strerror(errno)));
  }
  // A fresh console log per boot: READY must come from this boot.
  if (truncate(config_.console_log.c_str(), 0) != 0 && errno != ENOENT) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot truncate the console log \"", config_.console_log,
                     "\": ", std::strerror(errno)));
  }
  console_ = ConsoleLog(config_.console_log);
  SpawnOptions spawn;
  spawn.output_file = config_.console_log;
  spawn.env = options_.extra_env;
  spawn.cpus = config_.cpus;
  ASSIGN_OR_RETURN(
      process_,
      Process::Spawn({binary_, "--api-sock", options_.api_socket}, spawn));
  spawned_ = true;
  return absl::OkStatus();
}

std::string FirecrackerVm::DescribeExit() const {
  std::optional<ExitStatus> status = process_->exit_status();
  return absl::StrCat("firecracker ",
                      status.has_value() ? status->ToString() : "still runs");
}

absl::Status FirecrackerVm::WaitForApiSocket() {
  const absl::Time deadline = absl::Now() + options_.api_socket_timeout;
  while (!SocketAccepts(options_.api_socket)) {
    if (!process_->Running()) {
      return absl::UnavailableError(absl::StrCat(
          DescribeExit(), " (", binary_, ") before opening its API socket \"",
          options_.api_socket,
          "\"; Firecracker needs read-write access to /dev/kvm"));
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "firecracker did not open its API socket \"", options_.api_socket,
          "\" within ", absl::FormatDuration(options_.api_socket_timeout)));
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  return absl::OkStatus();
}

absl::Status FirecrackerVm::Configure() {
  RETURN_IF_ERROR(
      api_.PutBootSource({config_.kernel, config_.initramfs,
                          FirecrackerKernelCommandLine(config_, options_)}));
  // Firecracker makes the root device the first virtio-blk device (/dev/vda)
  // and attaches the others in the order they were put: payload is
  // /dev/vdb, data /dev/vdc, as contract/guest_layout.h expects.
  RETURN_IF_ERROR(api_.PutDrive({"rootfs", config_.base_image,
                                 /*is_root_device=*/true,
                                 /*is_read_only=*/true, cache_type_}));
  if (!config_.payload_image.empty()) {
    RETURN_IF_ERROR(api_.PutDrive({"payload", config_.payload_image,
                                   /*is_root_device=*/false,
                                   /*is_read_only=*/true, cache_type_}));
  }
  if (!config_.data_image.empty()) {
    RETURN_IF_ERROR(api_.PutDrive({"data", config_.data_image,
                                   /*is_root_device=*/false,
                                   /*is_read_only=*/false, cache_type_}));
  }
  RETURN_IF_ERROR(api_.PutMachineConfig({config_.vcpus, config_.memory_mib}));
  if (!options_.tap_device.empty()) {
    RETURN_IF_ERROR(api_.PutNetworkInterface(
        {"eth0", options_.tap_device, options_.guest_mac}));
  }
  return api_.PutAction("InstanceStart");
}

absl::Status FirecrackerVm::WaitForReady(absl::Time started) {
  // Only a complete line counts; lookalikes ("echo PERFCELL READY ...") not.
  absl::StatusOr<std::string> ready = console_.WaitForLine(
      "a PERFCELL READY line", contract::IsReadyLine,
      started + config_.boot_timeout, [this] {
        return process_->Running() && GuestFailureFromConsole(console_).ok();
      });
  if (ready.ok()) {
    boot_seconds_ = absl::ToDoubleSeconds(absl::Now() - started);
    return absl::OkStatus();
  }
  absl::Status failure = GuestFailureFromConsole(console_);
  if (!failure.ok()) {
    return absl::Status(
        failure.code(),
        absl::StrCat("the guest failed before READY: ", failure.message()));
  }
  if (!process_->Running()) {
    return absl::UnavailableError(absl::StrCat(
        DescribeExit(), " before the guest printed PERFCELL READY"));
  }
  if (absl::IsDeadlineExceeded(ready.status())) {
    return absl::DeadlineExceededError(absl::StrCat(
        "the guest printed no PERFCELL READY line within ",
        absl::FormatDuration(config_.boot_timeout), " (boot_timeout)"));
  }
  return ready.status();
}

absl::Status FirecrackerVm::FailStart(const absl::Status& status,
                                      bool quote_console) {
  std::string message(status.message());
  if (quote_console) {
    absl::StrAppend(&message, "; last console lines of ", config_.console_log,
                    ":\n", console_.Tail(kQuotedConsoleLines));
  }
  if (process_ != nullptr) process_->Kill();
  return absl::Status(status.code(), message);
}

absl::Status FirecrackerVm::Health() {
  if (process_ == nullptr) {
    return absl::FailedPreconditionError("the Firecracker VM was not started");
  }
  RETURN_IF_ERROR(GuestFailureFromConsole(console_));
  if (!process_->Running()) {
    return absl::UnavailableError(
        absl::StrCat("the VM is gone: ", DescribeExit(),
                     "; last console lines:\n", console_.Tail(5)));
  }
  return absl::OkStatus();
}

absl::Status FirecrackerVm::Stop(absl::Duration grace) {
  if (process_ == nullptr || !process_->Running()) return absl::OkStatus();
  // The guest's clean power-off (server stopped, disks synced); if the
  // metrics endpoint does not answer, Ctrl+Alt+Del through Firecracker.
  absl::Status asked = RequestGuestPoweroff(
      MetricsUrl(),
      std::clamp(grace, absl::Milliseconds(100), absl::Seconds(5)));
  if (!asked.ok()) (void)api_.PutAction("SendCtrlAltDel");
  if (process_->WaitFor(grace).has_value()) return absl::OkStatus();
  process_->Kill();
  return absl::DeadlineExceededError(absl::StrCat(
      "firecracker did not exit within ", absl::FormatDuration(grace),
      " of the power-off request; killed it"));
}

}  // namespace

std::string FirecrackerKernelCommandLine(const VmConfig& config,
                                         const FirecrackerOptions& options) {
  // Where the guest init finds the payload image: the second virtio-blk
  // device Start() attaches.
  std::string line =
      absl::StrCat(absl::StrJoin(kDefaultKernelArgs, " "), " ",
                   contract::kPayloadKey, "=", contract::kPayloadDevice);
  // The address the guest gives eth0: the tap's guest side.
  if (!options.guest_ip.empty()) {
    absl::StrAppend(
        &line, " ",
        contract::NetArgument({options.guest_ip, options.guest_prefix_length,
                               options.guest_gateway}));
  }
  absl::StrAppend(&line, " ", contract::kTmpKey, "=", config.tmp);
  if (!config.kernel_cmdline_extra.empty()) {
    absl::StrAppend(&line, " ", config.kernel_cmdline_extra);
  }
  return line;
}

absl::StatusOr<std::unique_ptr<Vm>> MakeFirecrackerVm(
    const VmConfig& config, const FirecrackerOptions& options) {
  std::string cache_type =
      config.cache_mode.empty() ? options.cache_type : config.cache_mode;
  if (!IsFirecrackerCacheType(cache_type)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Firecracker block cache mode \"", cache_type,
        "\" is not one of Writeback (guest flushes reach the host disk) or "
        "Unsafe (flushes are ignored)"));
  }
  if (config.kernel.empty() || config.base_image.empty()) {
    return absl::InvalidArgumentError(
        "a Firecracker VM needs VmConfig.kernel and VmConfig.base_image");
  }
  if (config.work_dir.empty()) {
    return absl::InvalidArgumentError(
        "a Firecracker VM needs VmConfig.work_dir (for its API socket)");
  }
  FirecrackerOptions resolved = options;
  if (resolved.api_socket.empty()) {
    resolved.api_socket = absl::StrCat(config.work_dir, "/firecracker.sock");
  }
  if (resolved.api_socket.size() > kMaxUnixSocketPath) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the API socket path \"", resolved.api_socket, "\" is longer than ",
        kMaxUnixSocketPath,
        " bytes, the limit of a unix socket path; use a shorter work_dir or "
        "set FirecrackerOptions.api_socket"));
  }
  if (resolved.guest_address.empty()) {
    if (resolved.tap_device.empty() || resolved.guest_ip.empty()) {
      return absl::InvalidArgumentError(
          "Firecracker has no user-mode network: set "
          "FirecrackerOptions.tap_device and guest_ip (creating a tap needs "
          "root: `sudo ip tuntap add tap0 mode tap user $USER`)");
    }
  }
  if (!resolved.guest_ip.empty()) {
    absl::StatusOr<contract::GuestNetwork> net = contract::ParseNetValue(
        contract::NetValue({resolved.guest_ip, resolved.guest_prefix_length,
                            resolved.guest_gateway}));
    if (!net.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("FirecrackerOptions guest_ip, guest_prefix_length and "
                       "guest_gateway: ",
                       net.status().message()));
    }
  }
  static const LazyRE2 kMac = {"([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}"};
  if (!resolved.tap_device.empty() &&
      !RE2::FullMatch(resolved.guest_mac, *kMac)) {
    return absl::InvalidArgumentError(
        absl::StrCat("guest_mac \"", resolved.guest_mac,
                     "\" is not a MAC address like AA:FC:00:00:00:01"));
  }
  VmConfig resolved_config = config;
  if (resolved_config.console_log.empty()) {
    resolved_config.console_log =
        absl::StrCat(config.work_dir, "/firecracker-console.log");
  }

  absl::StatusOr<std::string> binary = FindExecutable(resolved.binary);
  if (!binary.ok()) {
    return absl::NotFoundError(absl::StrCat(
        "the firecracker binary \"", resolved.binary,
        "\" was not found: ", binary.status().message(),
        ". Install a release binary from "
        "https://github.com/firecracker-microvm/firecracker/releases (Debian "
        "has no package) or set FirecrackerOptions.binary; Firecracker also "
        "needs read-write access to /dev/kvm (without KVM, use the qemu "
        "backend)"));
  }
  absl::StatusOr<std::string> version =
      RunCommand({*binary, "--version"}, kVersionTimeout);
  std::string version_line =
      version.ok() ? FirstNonEmptyLine(*version)
                   : absl::StrCat("unknown (", version.status().message(), ")");
  if (version_line.empty()) version_line = "unknown (no --version output)";
  return std::unique_ptr<Vm>(new FirecrackerVm(
      std::move(resolved_config), std::move(resolved), *std::move(binary),
      std::move(version_line), std::move(cache_type)));
}

}  // namespace perfcell
