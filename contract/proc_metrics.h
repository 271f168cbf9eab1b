// The /proc and file-system readers behind GuestMetrics
// (contract/guest_metrics.proto), shared by the guest's PID 1
// (images/guest/metrics.h) and the host backend (runner/vm/host_vm.cc) so
// that every figure means the same on both.
//
//   KilobyteField("MemTotal:  2048 kB\n", "MemTotal")  // -> 2097152
//   FileCount tmp = CountRegularFiles("/tmp");  // files the server left
//   GuestMetrics m;
//   AddTmpPlacement("/tmp", "/data", &m);  // tmp_filesystem: "ext4", ...
#ifndef PERFCELL_CONTRACT_PROC_METRICS_H_
#define PERFCELL_CONTRACT_PROC_METRICS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "contract/guest_metrics.pb.h"

namespace perfcell::contract {

// The value in bytes of a "NAME:   123 kB" line of /proc/meminfo or
// /proc/<pid>/status text, or nullopt when there is no such line.
//   KilobyteField("MemTotal:  2048 kB\n", "MemTotal") -> 2097152
std::optional<uint64_t> KilobyteField(absl::string_view text,
                                      absl::string_view name);

// Counts the regular files under `dir` (recursively; symbolic links are not
// followed nor counted), their sizes, and the disk space they take
// (st_blocks x 512: holes take none). All 0 when `dir` cannot be read.
struct FileCount {
  uint64_t files = 0;
  uint64_t bytes = 0;
  uint64_t allocated_bytes = 0;
};
FileCount CountRegularFiles(const std::string& dir);

// The name of the file system type holding `path` ("ext4", "tmpfs",
// "overlay", "btrfs", "xfs"; "0x<hex>" for others; "" when statfs fails).
std::string FileSystemName(const std::string& path);

// Sets m's tmp_filesystem, tmp_total_bytes and tmp_on_data_disk (same
// device as `data_mount`; false when `data_mount` is "").
void AddTmpPlacement(const std::string& tmp_dir, const std::string& data_mount,
                     GuestMetrics* m);

}  // namespace perfcell::contract

#endif  // PERFCELL_CONTRACT_PROC_METRICS_H_
