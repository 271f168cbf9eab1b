// The `firecracker` backend: boots the guest under Firecracker (KVM only),
// configured over Firecracker's API socket with libcurl.
//
//   VmConfig config = ...;  // kernel, initramfs, base/payload/data images
//   FirecrackerOptions options;
//   options.tap_device = "tap0";      // see "Networking" below
//   options.guest_ip = "172.16.0.2";  // reaches the guest as perfcell.net
//   ASSIGN_OR_RETURN(std::unique_ptr<Vm> vm,
//                    MakeFirecrackerVm(config, options));
//   RETURN_IF_ERROR(vm->Start());  // returns once the guest printed READY
//   vm->ServerUrl();  // "http://172.16.0.2:<contract::kServerPort>"
//   vm->Stop(absl::Seconds(10));
//
// Start() spawns `firecracker --api-sock <work_dir>/firecracker.sock` (its
// stdout, which carries the guest's serial console, and its stderr go to
// config.console_log), then PUTs /boot-source, /drives/rootfs (the base image,
// root device, read-only: the guest's /dev/vda), /drives/payload (read-only,
// /dev/vdb), /drives/data (read-write, /dev/vdc), /machine-config,
// /network-interfaces/eth0 (when a tap is set) and /actions InstanceStart,
// and waits for `PERFCELL READY` on the console within config.boot_timeout.
//
// Needs: the firecracker binary (not packaged in Debian: a release binary
// from github.com/firecracker-microvm/firecracker/releases, on PATH or named
// in `binary`) and read-write access to /dev/kvm. Firecracker has no
// emulator fallback: without KVM use the qemu backend.
//
// Block cache: every drive gets an explicit `cache_type`. Firecracker's own
// default is Unsafe, which acknowledges guest flushes without an fsync on the
// host, so the host page cache decides what an fsync-heavy benchmark
// measures. perfcell defaults to Writeback (a guest flush is an fsync of the
// backing file) and records the mode in Info().cache_mode.
//
// Lifetime: the destructor kills Firecracker (and its process group) if it
// still runs, and the process gets SIGKILL if the thread that called Start()
// dies (PR_SET_PDEATHSIG), so call Start() from a thread that outlives the
// VM, e.g. the test's main thread.
//
// Networking: Firecracker has no user-mode network, only tap devices, and
// creating one needs root (CAP_NET_ADMIN), once per host, e.g.:
//   sudo ip tuntap add tap0 mode tap user "$USER"
//   sudo ip addr add 172.16.0.1/24 dev tap0 && sudo ip link set tap0 up
// The backend passes the guest's address on the kernel command line
// (perfcell.net=172.16.0.2/24, from guest_ip, guest_prefix_length and
// guest_gateway; contract/kernel_cmdline.h), the guest init configures eth0
// from it, and the server is reached at http://<guest_ip>:<guest_server_port>.
// See Firecracker's docs/network-setup.md.
#ifndef PERFCELL_RUNNER_VM_FIRECRACKER_VM_H_
#define PERFCELL_RUNNER_VM_FIRECRACKER_VM_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "runner/vm/vm.h"

namespace perfcell {

struct FirecrackerOptions {
  // The firecracker binary: a path, or a name looked up on PATH.
  std::string binary = "firecracker";
  // The API socket; empty means <config.work_dir>/firecracker.sock. A unix
  // socket path holds at most 107 bytes.
  std::string api_socket;
  // cache_type of every drive: "Writeback" or "Unsafe". A non-empty
  // VmConfig::cache_mode takes precedence (it must name one of these two).
  std::string cache_type = "Writeback";

  // Tap networking: the host's tap device, the address the guest gives
  // eth0 (with its prefix length, and a default route via guest_gateway
  // unless empty: the host is on-link), and the MAC Firecracker gives the
  // guest's virtio-net device. A guest_ip reaches the guest as perfcell.net
  // on its kernel command line.
  std::string tap_device;
  std::string guest_ip;
  uint32_t guest_prefix_length = 24;
  std::string guest_gateway;
  std::string guest_mac = "AA:FC:00:00:00:01";

  // FOR TESTS ONLY: the host address at which the guest's ports are reached,
  // replacing guest_ip in ServerUrl() and Metrics(). The fake_firecracker of
  // runner/vm/firecracker_testing serves the guest's ports on 127.0.0.1
  // because it cannot run a guest behind a tap; a real Firecracker guest is
  // never reachable on loopback. With it set, no tap is required.
  std::string guest_address;

  // Extra environment of the firecracker process ("NAME=value"), e.g.
  // RUST_BACKTRACE=1, or the fake's FAKE_FIRECRACKER_* settings in tests.
  std::vector<std::string> extra_env;

  // How long the process may take to open its API socket.
  absl::Duration api_socket_timeout = absl::Seconds(10);
};

// Checks the configuration, finds the binary (NotFound naming it when it is
// missing) and asks it for its version. Boots nothing: that is Start().
absl::StatusOr<std::unique_ptr<Vm>> MakeFirecrackerVm(
    const VmConfig& config, const FirecrackerOptions& options);

// The kernel command line Start() puts in /boot-source: perfcell's defaults
// (see firecracker_vm.cc for the reason of each), perfcell.net when
// options.guest_ip is set, perfcell.tmp, and then config.kernel_cmdline_extra.
std::string FirecrackerKernelCommandLine(const VmConfig& config,
                                         const FirecrackerOptions& options);

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_VM_FIRECRACKER_VM_H_
