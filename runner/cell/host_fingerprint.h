// What the host a cell ran on looks like, and what about it makes numbers
// noisy: read before the run so the warnings come first, not after 26 hours.
//
//   HostFingerprint host = ReadHostFingerprint("/tmp/test");
//   for (const std::string& w : HostWarnings(host)) std::cerr << w << "\n";
#ifndef PERFCELL_RUNNER_CELL_HOST_FINGERPRINT_H_
#define PERFCELL_RUNNER_CELL_HOST_FINGERPRINT_H_

#include <string>
#include <vector>

#include "proto/cell.pb.h"

namespace perfcell {

// Reads /proc and /sys. `disk_path` is a path on the disk the cell writes to
// (its data disk lives there); its block device decides disk_rotational.
HostFingerprint ReadHostFingerprint(const std::string& disk_path);

// One line per noise source worth a warning: rotational disk, a CPU governor
// other than "performance", load above half the CPUs, and no KVM when the
// cell runs a VM.
std::vector<std::string> HostWarnings(const HostFingerprint& host,
                                      bool uses_vm = true);

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_CELL_HOST_FINGERPRINT_H_
