// Recognises a KVM that cannot run the guest, from what QEMU says about it.
//
// Two shapes are seen on machines whose /dev/kvm opens: QEMU exits at once
// ("qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69"), or QEMU
// starts, the guest stops at its first instruction with a KVM emulation
// failure, and QEMU stays alive, paused, after printing a register dump
// ("KVM internal error. Suberror: 1", "emulation failure", "RAX=...",
// "Code=..."); its run state over QMP is then "internal-error".
//
//   std::optional<std::string> why = KvmFailureFromStderr(stderr_lines);
//   // "KVM internal error. Suberror: 1; emulation failure"
#ifndef PERFCELL_RUNNER_VM_KVM_FAILURE_H_
#define PERFCELL_RUNNER_VM_KVM_FAILURE_H_

#include <optional>
#include <string>
#include <vector>

namespace perfcell {

// When QEMU's stderr shows that KVM failed, the first lines that say what
// happened (register dump lines left out), joined with "; ". nullopt when
// nothing in `lines` points at KVM.
std::optional<std::string> KvmFailureFromStderr(
    const std::vector<std::string>& lines);

// Whether a QMP run state means the guest stopped for good before it was
// ready: "internal-error", "guest-panicked", "shutdown", "io-error",
// "paused" (nobody pauses a booting cell) and the like. "running",
// "prelaunch", "inmigrate", "finish-migrate" and "" are not.
bool QmpStatusMeansStopped(const std::string& status);

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_VM_KVM_FAILURE_H_
