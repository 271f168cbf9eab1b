// The qemu backend: one qemu-system-x86_64 process per VM.
//
// Disks: base image read-only (/dev/vda), payload read-only (/dev/vdb), data
// read-write (/dev/vdc), all virtio, raw, with the cache mode from the config
// (default "none": guest flushes reach the host disk and the host page cache
// does not flatter reads). Network: QEMU user mode, with the server port and
// the guest's metrics port forwarded from 127.0.0.1 on free ports, so cells
// on one host never collide and nothing listens beyond loopback; the guest's
// address in it (10.0.2.15/24 via 10.0.2.2) goes on the kernel command line
// as perfcell.net.
#ifndef PERFCELL_RUNNER_VM_QEMU_VM_H_
#define PERFCELL_RUNNER_VM_QEMU_VM_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "runner/vm/kvm_memo.h"
#include "runner/vm/vm.h"

namespace perfcell {

struct QemuOptions {
  std::string qemu_binary = "qemu-system-x86_64";
  // "auto": KVM when /dev/kvm opens, falling back to TCG (and saying why in
  // VmInfo::accelerator_note) when QEMU shows within seconds that KVM cannot
  // run the guest: QEMU exits at once, prints a KVM internal error or
  // emulation failure, its QMP run state leaves "running", or the console
  // stays silent for 20 s. "kvm" or "tcg" to force one.
  std::string accel = "auto";
  // Where the host's "KVM cannot run a guest" memo lives (kvm_memo.h); ""
  // never remembers.
  std::string cache_dir = DefaultCacheDir();
  // The KVM device "auto" tries (tests point it elsewhere).
  std::string kvm_device = "/dev/kvm";
  // Under KVM the initramfs prints within a second or two; a console still
  // empty after this long means KVM is not running the guest.
  absl::Duration kvm_silence = absl::Seconds(20);
};

absl::StatusOr<std::unique_ptr<Vm>> MakeQemuVm(const VmConfig& config,
                                               const QemuOptions& options);

// Whether `device` (/dev/kvm) exists and can be opened read-write.
bool KvmDevicePresent(const std::string& device = "/dev/kvm");

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_VM_QEMU_VM_H_
