// What about a host makes a cell's numbers noisy, decided by one set of rules
// for the cell (warnings before the run, runner/cell) and the report
// (warnings next to the verdicts, analysis/checks.h).
//
//   HostFingerprint host = ReadHostFingerprint("/tmp/test");
//   for (const std::string& w : HostWarnings(host, {})) std::cerr << w;
//   // "CPU frequency governor is "powersave": clock speed changes with
//   // load; set it to "performance""
#ifndef PERFCELL_CONTRACT_HOST_WARNINGS_H_
#define PERFCELL_CONTRACT_HOST_WARNINGS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "proto/cell.pb.h"

namespace perfcell::contract {

// How the cell runs on the host, as far as it is known.
struct HostUse {
  // The accelerator the cell's VMs use (Provenance.accelerator): "kvm",
  // "tcg", or "none" for a server run on the host itself; "" when not known
  // yet (before the first VM started), and then a host without /dev/kvm
  // (HostFingerprint.kvm_present false) means TCG.
  std::string accelerator;
  // Warn about the load average: a figure of the moment it was read, right
  // for the cell before its run, noise in a report of many cells.
  bool with_load = true;
};

// Returns true when `governor` lets the CPU clock follow the load: every
// governor but "performance" ("powersave", "ondemand", "schedutil",
// "conservative", "userspace", ...). An unknown governor ("") is not
// flagged.
//   GovernorVariesClock("schedutil") -> true
bool GovernorVariesClock(absl::string_view governor);

// One line per noise source worth a warning, in this order: rotational disk
// under the cell's data, a governor that varies the clock, load above half
// the CPUs (when `use.with_load`), VMs under TCG emulation.
std::vector<std::string> HostWarnings(const HostFingerprint& host,
                                      const HostUse& use);

}  // namespace perfcell::contract

#endif  // PERFCELL_CONTRACT_HOST_WARNINGS_H_
