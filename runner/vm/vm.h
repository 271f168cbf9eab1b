// A VM (or a plain process) that runs the server under test, behind one
// interface for every backend: qemu, firecracker and host.
//
//   VmConfig config = ...;
//   ASSIGN_OR_RETURN(std::unique_ptr<Vm> vm, MakeQemuVm(config));
//   RETURN_IF_ERROR(vm->Start());   // returns once the guest printed READY
//   Drive(vm->ServerUrl());         // "http://127.0.0.1:34567"
//   vm->Stop(absl::Seconds(10));    // clean power-off, hard kill past grace
//
// The destructor kills whatever is still running: no VM process outlives its
// Vm object. The guest contract: contract/ (ports, devices, kernel
// command line, console lines) and proto/guest.proto (metrics endpoint,
// the server's argv).
#ifndef PERFCELL_RUNNER_VM_VM_H_
#define PERFCELL_RUNNER_VM_VM_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "contract/guest_layout.h"
#include "proto/cell.pb.h"

namespace perfcell {

struct VmConfig {
  // Guest images. Unused by the host backend.
  std::string kernel;         // bzImage / vmlinuz
  std::string initramfs;      // newc cpio (optionally gzip)
  std::string base_image;     // ext4, attached read-only as the 1st disk
  std::string payload_image;  // ext4, read-only, 2nd disk
  std::string data_image;     // ext4, read-write, 3rd disk (fresh per cell)
  std::string kernel_cmdline_extra;
  // Where the guest's /tmp lives: "disk" (a directory of the data disk) or
  // "tmpfs"; passed as perfcell.tmp= on the kernel command line (the host
  // backend's TMPDIR is always a directory on disk).
  std::string tmp = "disk";

  uint32_t memory_mib = 256;
  uint32_t vcpus = 1;
  // Host CPUs the VM (or the host backend's server) may run on; empty: any.
  std::vector<int> cpus;
  // Block cache mode, recorded in the result. qemu: "none", "writeback",
  // "writethrough", "directsync", "unsafe". firecracker: "Unsafe", "Writeback".
  std::string cache_mode;

  std::string work_dir;     // private scratch dir (sockets, pid files)
  std::string console_log;  // where the serial console goes

  uint16_t guest_server_port = contract::kServerPort;
  uint16_t guest_metrics_port = contract::kMetricsPort;
  absl::Duration boot_timeout = absl::Minutes(2);

  // Host backend only: the server's command line and environment, the memory
  // limit comes from memory_mib.
  std::vector<std::string> host_argv;
  std::vector<std::string> host_env;
};

// What a backend says about itself, for the result's provenance (which
// backend it is, the cell knows: CellSpec.backend).
struct VmInfo {
  std::string backend_version;  // first line of `qemu-system-x86_64 --version`
  std::string accelerator;      // "kvm", "tcg", "none"
  std::string cache_mode;
  std::string accelerator_note;  // why it is not the one asked for, if so
};

class Vm {
 public:
  virtual ~Vm() = default;

  // Boots and waits for the guest's READY line (or the host server's port).
  // Errors say what went wrong and quote the last console lines.
  virtual absl::Status Start() = 0;

  // Base URL of the server under test, reachable from the host.
  virtual std::string ServerUrl() const = 0;

  // Asks the guest for its metrics (GET /metrics); NotFound when the backend
  // has no such endpoint.
  virtual absl::StatusOr<GuestMetrics> Metrics() = 0;

  // The server's whole argv as it was started (argv[0] first), after
  // Start(): VM backends ask the guest init (GET /server, proto/guest.proto)
  // once and keep its answer; the host backend says what it spawned, its
  // placeholders filled in. FailedPrecondition before Start(); the guest's
  // error when it cannot answer.
  virtual absl::StatusOr<std::vector<std::string>> ServerArgv() = 0;

  // Drops what the OS caches of the server's files, so the next read comes
  // from the disk: the guest's whole page cache (after sync), or on the host
  // backend the pages of every file under the server's data directory
  // (posix_fadvise DONTNEED after fdatasync; the rest of the host keeps its
  // cache, and no root is needed).
  virtual absl::Status DropCaches() = 0;

  // Restarts the server under test: SIGTERM (SIGKILL past a grace), then
  // the same command line, environment and CPUs again, and returns once its
  // port accepts connections (bounded; DeadlineExceeded past it). Its data
  // directory stays. VM backends ask the guest init (POST /restart_server);
  // the host backend restarts its child process.
  virtual absl::Status RestartServer() = 0;

  // Whether the guest or server is still running, and if it ended, why
  // (e.g. "server exited with code 2", "killed by the OOM killer").
  virtual absl::Status Health() = 0;

  // Clean power-off; past `grace`, kills. Safe to call more than once.
  virtual absl::Status Stop(absl::Duration grace) = 0;

  // Seconds from Start() to READY, once started.
  virtual double BootSeconds() const = 0;

  virtual VmInfo Info() const = 0;
};

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_VM_VM_H_
