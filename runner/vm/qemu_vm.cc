#include "runner/vm/qemu_vm.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "contract/console_protocol.h"
#include "contract/guest_layout.h"
#include "contract/kernel_cmdline.h"
#include "runner/vm/console_log.h"
#include "runner/vm/guest_client.h"
#include "runner/vm/guest_vm.h"
#include "runner/vm/kvm_failure.h"
#include "runner/vm/kvm_memo.h"
#include "runner/vm/process.h"
#include "runner/vm/qmp_client.h"
#include "tools/cc/loopback_port.h"
#include "tools/cc/status_macros.h"

namespace perfcell {
namespace {

// Kernel arguments, each for a reason:
//   console=ttyS0     the serial port is the console log the runner reads
//   root=/dev/vda ro  the base image, read-only (the initramfs mounts it)
//   panic=-1          a panic powers off at once (with -no-reboot QEMU exits)
//   quiet             boot messages would slow TCG boots; errors still show,
//                     and the OOM killer's lines (KERN_ERR) too
//   perfcell.payload  where the guest init finds its config
//   perfcell.net      the guest's address in QEMU's user-mode network
//   perfcell.tmp      where the guest's /tmp lives (VmConfig::tmp)
std::string KernelArgs(const VmConfig& config) {
  // QEMU's user-mode network (slirp) has fixed addresses: the guest's
  // DHCP address 10.0.2.15/24, and the host as gateway 10.0.2.2.
  static const contract::GuestNetwork kUserNetwork = {"10.0.2.15", 24,
                                                      "10.0.2.2"};
  std::string args = absl::StrCat("console=ttyS0 root=", contract::kBaseDevice,
                                  " ro panic=-1 quiet ", contract::kPayloadKey,
                                  "=", contract::kPayloadDevice, " ",
                                  contract::NetArgument(kUserNetwork), " ",
                                  contract::kTmpKey, "=", config.tmp);
  if (!config.kernel_cmdline_extra.empty()) {
    absl::StrAppend(&args, " ", config.kernel_cmdline_extra);
  }
  return args;
}

constexpr int kPortAttempts = 3;

// How often the boot wait asks QEMU for its run state.
constexpr absl::Duration kQmpPollInterval = absl::Milliseconds(500);

// What to try when a VM does not boot, at the end of every such error.
constexpr char kBootAdvice[] =
    "to run without KVM: bazel test --test_env=PERFCELL_ACCEL=tcg ... (or "
    "perf_matrix(accel = \"tcg\")); to give a slow machine more time: "
    "perf_matrix(boot_timeout_s = ...)";

std::string KernelRelease() {
  utsname u;
  return uname(&u) == 0 ? u.release : "unknown";
}

// A short private directory for the QMP socket: unix socket paths are
// limited to 107 bytes, and TEST_TMPDIR paths under Bazel's output base are
// often longer. "" when none can be made (the boot wait then relies on
// QEMU's stderr alone).
std::string MakeSocketDir() {
  const char* tmp = getenv("TMPDIR");
  for (std::string base :
       {std::string(tmp == nullptr ? "" : tmp), std::string("/tmp")}) {
    if (base.empty() || base.size() > 60) continue;
    std::string templ = base + "/perfcell-qmp-XXXXXX";
    if (mkdtemp(templ.data()) != nullptr) return templ;
  }
  return "";
}

absl::Status CheckReadable(const std::string& what, const std::string& path) {
  if (path.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("qemu: no ", what, " given"));
  }
  if (access(path.c_str(), R_OK) != 0) {
    return absl::NotFoundError(
        absl::StrCat("qemu: the ", what, " \"", path, "\" is not readable"));
  }
  return absl::OkStatus();
}

class QemuVm : public GuestVm {
 public:
  QemuVm(const VmConfig& config, const QemuOptions& options)
      : GuestVm("qemu: not started"),
        config_(config),
        options_(options),
        console_(config.console_log) {}

  ~QemuVm() override {
    qmp_.reset();
    if (process_ != nullptr) process_->Kill();
    if (!socket_dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(socket_dir_, ignored);
    }
  }

  absl::Status Start() override {
    RETURN_IF_ERROR(CheckReadable("kernel", config_.kernel));
    RETURN_IF_ERROR(CheckReadable("initramfs", config_.initramfs));
    RETURN_IF_ERROR(CheckReadable("base image", config_.base_image));
    RETURN_IF_ERROR(CheckReadable("payload image", config_.payload_image));
    RETURN_IF_ERROR(CheckReadable("data image", config_.data_image));
    ASSIGN_OR_RETURN(
        std::string version,
        RunCommand({options_.qemu_binary, "--version"}, absl::Seconds(20)));
    version_ = version.substr(0, version.find('\n'));
    cache_mode_ = config_.cache_mode.empty() ? "none" : config_.cache_mode;
    // cache=none and directsync open the disks with O_DIRECT, which some file
    // systems refuse (tmpfs before Linux 6.6): say so instead of letting QEMU
    // fail with "Invalid argument".
    if (cache_mode_ == "none" || cache_mode_ == "directsync") {
      for (const std::string* disk :
           {&config_.base_image, &config_.payload_image, &config_.data_image}) {
        int fd = open(disk->c_str(), O_RDONLY | O_DIRECT | O_CLOEXEC);
        if (fd < 0 && errno == EINVAL) {
          if (!config_.cache_mode.empty()) {
            return absl::FailedPreconditionError(absl::StrCat(
                "qemu: cache=", cache_mode_,
                " needs O_DIRECT, which the file system of \"", *disk,
                "\" does not support; put it on another file system or use "
                "cache_mode writethrough"));
          }
          cache_mode_ = "writethrough";
          cache_note_ = absl::StrCat(
              "cache=none impossible (no O_DIRECT on the file system of ",
              *disk, "): writethrough");
          break;
        }
        if (fd >= 0) close(fd);
      }
    }

    std::vector<std::string> accels;
    const std::string memo =
        KvmMemoPath(options_.cache_dir, KernelRelease(), version_);
    if (options_.accel == "auto") {
      std::optional<std::string> remembered;
      const bool kvm = KvmDevicePresent(options_.kvm_device);
      if (kvm) remembered = ReadKvmMemo(memo);
      if (kvm && !remembered.has_value()) {
        accels.push_back("kvm");
      } else if (remembered.has_value()) {
        kvm_note_ = absl::StrCat(*remembered, " (remembered in ", memo,
                                 "; delete it to try KVM again)");
      }
      accels.push_back("tcg");
    } else if (options_.accel == "kvm" || options_.accel == "tcg") {
      accels.push_back(options_.accel);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("qemu: unknown accelerator \"", options_.accel,
                       "\"; use auto, kvm or tcg"));
    }
    absl::Status last;
    for (size_t i = 0; i < accels.size(); ++i) {
      for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
        last = Boot(accels[i]);
        if (last.ok() || !absl::IsUnavailable(last))
          break;  // port taken: retry
      }
      if (last.ok()) return last;
      if (absl::IsUnavailable(last)) {
        return absl::UnavailableError(absl::StrCat(
            "qemu: gave up after ", kPortAttempts,
            " tries: another process took the forwarded port each time"));
      }
      // A KVM start that died before the kernel printed anything: KVM is
      // there but unusable (e.g. nested without the CPU features QEMU needs).
      if (accels[i] == "kvm" && absl::IsFailedPrecondition(last) &&
          i + 1 < accels.size()) {
        kvm_note_ = std::string(last.message());
        absl::Status kept = WriteKvmMemo(memo, kvm_note_);
        if (!kept.ok())
          absl::StrAppend(&kvm_note_, " (not remembered: ", kept.message(),
                          ")");
        continue;
      }
      if (accels[i] == "kvm" && absl::IsFailedPrecondition(last)) {
        return absl::FailedPreconditionError(absl::StrCat(
            last.message(),
            "; KVM was forced (accel kvm): let perfcell fall back to TCG with "
            "accel auto, or force it: bazel test "
            "--test_env=PERFCELL_ACCEL=tcg ..."));
      }
      return last;
    }
    return last;
  }

  std::string ServerUrl() const override {
    return absl::StrCat("http://127.0.0.1:", server_port_);
  }

  absl::Status Health() override {
    RETURN_IF_ERROR(GuestFailureFromConsole(console_));
    if (process_ == nullptr)
      return absl::FailedPreconditionError("qemu: not started");
    if (!process_->Running()) {
      return absl::AbortedError(
          absl::StrCat("qemu ", process_->exit_status()->ToString(),
                       "; last console lines:\n", console_.Tail(20)));
    }
    return absl::OkStatus();
  }

  absl::Status Stop(absl::Duration grace) override {
    if (process_ == nullptr || !process_->Running()) return absl::OkStatus();
    absl::Status asked = RequestGuestPoweroff(MetricsUrl());
    if (asked.ok() && process_->WaitFor(grace).has_value())
      return absl::OkStatus();
    process_->Signal(SIGTERM);  // QEMU quits on SIGTERM
    if (process_->WaitFor(absl::Seconds(3)).has_value()) {
      return asked.ok()
                 ? absl::DeadlineExceededError(absl::StrCat(
                       "qemu: the guest did not power off within ",
                       absl::FormatDuration(grace), "; QEMU was terminated"))
                 : asked;
    }
    process_->Kill();
    return absl::DeadlineExceededError("qemu: had to be killed");
  }

  double BootSeconds() const override { return boot_seconds_; }

  VmInfo Info() const override {
    VmInfo info;
    info.backend_version = version_;
    info.accelerator = accel_;
    if (!kvm_note_.empty()) {
      info.accelerator_note =
          "KVM present but unusable, fell back to TCG: " + kvm_note_;
    }
    info.cache_mode = cache_mode_;
    return info;
  }

 private:
  // The guest init's metrics endpoint (GET /metrics, GET /server, POST
  // /poweroff, ...), forwarded to a loopback port of the host.
  std::string MetricsUrl() const override {
    return absl::StrCat("http://127.0.0.1:", metrics_port_);
  }

  bool Started() const override { return process_ != nullptr; }

  std::vector<std::string> CommandLine(const std::string& accel) const {
    std::string net =
        absl::StrCat("user,id=net0,hostfwd=tcp:127.0.0.1:", server_port_,
                     "-:", config_.guest_server_port,
                     ",hostfwd=tcp:127.0.0.1:", metrics_port_,
                     "-:", config_.guest_metrics_port);
    std::vector<std::string> argv = {
        options_.qemu_binary,
        "-machine",
        "q35",
        "-accel",
        accel,
        "-cpu",
        accel == "kvm" ? "host" : "max",
        "-m",
        absl::StrCat(config_.memory_mib),
        "-smp",
        absl::StrCat(config_.vcpus == 0 ? 1 : config_.vcpus),
        "-nodefaults",
        "-no-user-config",
        "-display",
        "none",
        "-no-reboot",
        "-chardev",
        absl::StrCat("file,id=console,path=", config_.console_log),
        "-serial",
        "chardev:console",
        "-kernel",
        config_.kernel,
        "-initrd",
        config_.initramfs,
        "-append",
        KernelArgs(config_),
        "-drive",
        absl::StrCat("file=", config_.base_image,
                     ",format=raw,if=virtio,readonly=on,cache=", cache_mode_),
        "-drive",
        absl::StrCat("file=", config_.payload_image,
                     ",format=raw,if=virtio,readonly=on,cache=", cache_mode_),
        "-drive",
        absl::StrCat("file=", config_.data_image,
                     ",format=raw,if=virtio,cache=", cache_mode_),
        "-netdev",
        net,
        "-device",
        "virtio-net-pci,netdev=net0",
    };
    if (!qmp_socket_.empty()) {
      argv.push_back("-qmp");
      argv.push_back(absl::StrCat("unix:", qmp_socket_, ",server=on,wait=off"));
    }
    return argv;
  }

  absl::Status Boot(const std::string& accel) {
    accel_ = accel;
    ASSIGN_OR_RETURN(server_port_, PickFreeLoopbackPort());
    ASSIGN_OR_RETURN(metrics_port_, PickFreeLoopbackPort());
    // A fresh console log for each attempt.
    if (truncate(config_.console_log.c_str(), 0) != 0 && errno != ENOENT) {
      return absl::InternalError(absl::StrCat(
          "qemu: cannot reset the console log \"", config_.console_log, "\""));
    }
    console_ = ConsoleLog(config_.console_log);
    std::string qemu_log = absl::StrCat(config_.work_dir, "/qemu.stderr");
    unlink(qemu_log.c_str());
    // Read as it grows: the boot wait looks at it every 50 ms.
    qemu_err_ = ConsoleLog(qemu_log);
    SpawnOptions spawn;
    spawn.output_file = qemu_log;
    spawn.cpus = config_.cpus;
    kvm_failure_.clear();
    qmp_.reset();
    qmp_socket_.clear();
    if (accel == "kvm") {
      if (socket_dir_.empty()) socket_dir_ = MakeSocketDir();
      if (!socket_dir_.empty()) {
        qmp_socket_ = socket_dir_ + "/qmp.sock";
        unlink(qmp_socket_.c_str());
      }
    }
    absl::Time start = absl::Now();
    last_qmp_poll_ = start;
    ASSIGN_OR_RETURN(process_, Process::Spawn(CommandLine(accel), spawn));
    absl::StatusOr<std::string> ready = console_.WaitForLine(
        "a PERFCELL READY line", contract::IsReadyLine,
        start + config_.boot_timeout, [&, this] {
          if (!process_->Running() || !GuestFailureFromConsole(console_).ok())
            return false;
          return accel != "kvm" || !KvmStopped(start);
        });
    qmp_.reset();
    if (ready.ok()) {
      boot_seconds_ = absl::ToDoubleSeconds(absl::Now() - start);
      return absl::OkStatus();
    }
    std::string err_tail = qemu_err_.Tail(5);
    bool exited = !process_->Running();
    process_->Kill();
    if (exited && err_tail.find("Could not set up host forwarding rule") !=
                      std::string::npos) {
      return absl::UnavailableError("qemu: forwarded port taken");
    }
    if (accel == "kvm" && kvm_failure_.empty() && console_.Lines().empty()) {
      if (std::optional<std::string> why =
              KvmFailureFromStderr(qemu_err_.Lines())) {
        kvm_failure_ = absl::StrCat(exited ? "QEMU with KVM exited at once: "
                                           : "KVM stopped the guest: ",
                                    *why);
      }
    }
    if (!kvm_failure_.empty()) {
      return absl::FailedPreconditionError(
          absl::StrFormat("%s (found %.1f s after QEMU started)", kvm_failure_,
                          absl::ToDoubleSeconds(absl::Now() - start)));
    }
    absl::Status guest = GuestFailureFromConsole(console_);
    std::string why =
        !guest.ok() ? std::string(guest.message())
        : exited    ? absl::StrCat("QEMU ", process_->exit_status()->ToString())
                    : absl::StrCat("no READY line within ",
                                   absl::FormatDuration(config_.boot_timeout));
    return absl::DeadlineExceededError(absl::StrCat(
        "the VM did not boot (", accel, ", ", config_.memory_mib,
        " MiB): ", why, "\n  last console lines (", config_.console_log, "):\n",
        console_.Tail(20), "  QEMU stderr:\n", err_tail, "  ", kBootAdvice));
  }

  // While a KVM guest boots: whether QEMU says that KVM cannot run it (on
  // stderr, in its run state over QMP, or by a console that stays silent).
  // Sets kvm_failure_ and returns true when it does.
  bool KvmStopped(absl::Time start) {
    if (std::optional<std::string> why =
            KvmFailureFromStderr(qemu_err_.Lines())) {
      kvm_failure_ = absl::StrCat("KVM stopped the guest: ", *why);
      return true;
    }
    absl::Time now = absl::Now();
    if (!qmp_socket_.empty() && now - last_qmp_poll_ >= kQmpPollInterval) {
      last_qmp_poll_ = now;
      if (qmp_ == nullptr) {
        absl::StatusOr<std::unique_ptr<QmpClient>> qmp =
            QmpClient::Connect(qmp_socket_, absl::Seconds(2));
        if (qmp.ok()) qmp_ = std::move(*qmp);
      }
      if (qmp_ != nullptr) {
        absl::StatusOr<std::string> status =
            qmp_->QueryStatus(absl::Seconds(2));
        if (status.ok() && QmpStatusMeansStopped(*status)) {
          std::optional<std::string> why =
              KvmFailureFromStderr(qemu_err_.Lines());
          kvm_failure_ = absl::StrCat(
              "KVM stopped the guest: QEMU's run state is \"", *status, "\"",
              why.has_value() ? "; " + *why : std::string());
          return true;
        }
        if (!status.ok()) qmp_.reset();
      }
    }
    if (now - start >= options_.kvm_silence && console_.Lines().empty()) {
      kvm_failure_ = absl::StrCat("KVM guest silent: no console output within ",
                                  absl::FormatDuration(options_.kvm_silence),
                                  " under KVM");
      return true;
    }
    return false;
  }

  VmConfig config_;
  QemuOptions options_;
  ConsoleLog console_;
  ConsoleLog qemu_err_{""};  // QEMU's stderr of the current boot
  std::unique_ptr<Process> process_;
  std::string version_;
  std::string accel_;
  std::string kvm_note_;
  std::string kvm_failure_;  // why the current KVM boot is given up
  std::string socket_dir_;
  std::string qmp_socket_;
  std::unique_ptr<QmpClient> qmp_;
  absl::Time last_qmp_poll_;
  std::string cache_note_;
  std::string cache_mode_;
  uint16_t server_port_ = 0;
  uint16_t metrics_port_ = 0;
  double boot_seconds_ = 0;
};

}  // namespace

bool KvmDevicePresent(const std::string& device) {
  int fd = open(device.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  close(fd);
  return true;
}

absl::StatusOr<std::unique_ptr<Vm>> MakeQemuVm(const VmConfig& config,
                                               const QemuOptions& options) {
  if (config.memory_mib < 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("qemu: ", config.memory_mib,
                     " MiB of memory is too little to boot; use 64 or more"));
  }
  if (config.console_log.empty() || config.work_dir.empty()) {
    return absl::InvalidArgumentError(
        "qemu: console_log and work_dir are required");
  }
  return std::unique_ptr<Vm>(new QemuVm(config, options));
}

}  // namespace perfcell
