// Which host CPUs the server under test gets and which the workload client
// keeps, so the two do not compete for one core (on a 2-core machine: one
// each).
//
//   CpuSplit split = SplitCpus(AvailableCpus(), /*vcpus=*/1);
//   // available {0, 1}: server {1}, client {0}, shared false
//   // available {0}:    server {0}, client {0}, shared true (and a note)
#ifndef PERFCELL_RUNNER_CELL_CPU_SPLIT_H_
#define PERFCELL_RUNNER_CELL_CPU_SPLIT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace perfcell {

struct CpuSplit {
  std::vector<int> server;  // the VM, or the host backend's server
  std::vector<int> client;  // the cell process and its workload threads
  bool shared = false;      // some CPU is in both
  std::string note;         // why they share, when they do
};

// The CPUs this process may run on (sched_getaffinity), ascending.
std::vector<int> AvailableCpus();

// The last `vcpus` of `available` for the server (at least one, and never
// all when there are two or more, so the client keeps one), the rest for
// the client. With a single CPU both share it.
CpuSplit SplitCpus(const std::vector<int>& available, uint32_t vcpus);

// Pins the calling thread (and every thread it starts later) to `cpus`.
absl::Status PinThisThread(const std::vector<int>& cpus);

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_CELL_CPU_SPLIT_H_
