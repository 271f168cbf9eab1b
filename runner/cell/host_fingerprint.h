// What the host a cell ran on looks like: read before the run so the
// warnings (contract/host_warnings.h) come first, not after 26 hours.
//
//   HostFingerprint host = ReadHostFingerprint("/tmp/test");
#ifndef PERFCELL_RUNNER_CELL_HOST_FINGERPRINT_H_
#define PERFCELL_RUNNER_CELL_HOST_FINGERPRINT_H_

#include <string>

#include "proto/cell.pb.h"

namespace perfcell {

// Reads /proc and /sys. `disk_path` is a path on the disk the cell writes to
// (its data disk lives there); its block device decides disk_rotational.
HostFingerprint ReadHostFingerprint(const std::string& disk_path);

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_CELL_HOST_FINGERPRINT_H_
