// The host backend: the server as a plain child process, no VM.
//
// For a fast loop on machines without VMs. Its memory is limited by a memory
// cgroup (v2 memory.max or v1 memory.limit_in_bytes = memory_mib) where one
// can be made, else by RLIMIT_AS; the result records which. The server gets
// PORT, TMPDIR and HOME in its environment, and "{port}", "{data_dir}" and
// "{tmp_dir}" in VmConfig::host_argv are replaced by the free port, a fresh
// data directory and a private temporary directory under work_dir.
#ifndef PERFCELL_RUNNER_VM_HOST_VM_H_
#define PERFCELL_RUNNER_VM_HOST_VM_H_

#include <memory>

#include "absl/status/statusor.h"
#include "runner/vm/vm.h"

namespace perfcell {

absl::StatusOr<std::unique_ptr<Vm>> MakeHostVm(const VmConfig& config);

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_VM_HOST_VM_H_
