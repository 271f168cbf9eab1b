#include "runner/cell/cpu_split.h"

#include <sched.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/cc/errno_status.h"

namespace perfcell {

std::vector<int> AvailableCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return cpus;
  for (int i = 0; i < CPU_SETSIZE; ++i) {
    if (CPU_ISSET(i, &set)) cpus.push_back(i);
  }
  return cpus;
}

CpuSplit SplitCpus(const std::vector<int>& available, uint32_t vcpus) {
  CpuSplit split;
  std::vector<int> cpus = available;
  std::sort(cpus.begin(), cpus.end());
  if (cpus.empty()) return split;
  if (cpus.size() == 1) {
    split.server = split.client = cpus;
    split.shared = true;
    split.note =
        absl::StrCat("one CPU (", cpus[0], ") for the server and the client");
    return split;
  }
  size_t server = std::clamp<size_t>(vcpus, 1, cpus.size() - 1);
  split.client.assign(cpus.begin(), cpus.end() - server);
  split.server.assign(cpus.end() - server, cpus.end());
  if (server < vcpus) {
    split.note = absl::StrCat(vcpus, " vCPUs but only ", server,
                              " host CPU(s) left for them beside the client");
  }
  return split;
}

absl::Status PinThisThread(const std::vector<int>& cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int cpu : cpus) {
    if (cpu >= 0 && cpu < CPU_SETSIZE) CPU_SET(cpu, &set);
  }
  if (sched_setaffinity(0, sizeof(set), &set) != 0) {
    return ErrnoStatus(errno, absl::StrCat("cannot pin the cell to CPUs ",
                                           absl::StrJoin(cpus, ",")));
  }
  return absl::OkStatus();
}

}  // namespace perfcell
