// What GET /metrics reports: a GuestMetrics (contract/guest_metrics.proto)
// from /proc, statvfs and a walk of /tmp.
//
//   MetricsSources s;
//   s.data_mount = "/data";
//   s.tmp_dir = "/tmp";
//   s.server_pid = 312;
//   GuestMetrics m = CollectMetrics(s);
//   // mem_total_bytes, tmp_leftover_files, server_rss_bytes, ...
#ifndef PERFCELL_IMAGES_GUEST_METRICS_H_
#define PERFCELL_IMAGES_GUEST_METRICS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "contract/guest_metrics.pb.h"

namespace perfcell::guest {

struct MetricsSources {
  std::string proc_dir = "/proc";
  std::string data_mount;  // empty: no data disk figures
  std::string tmp_dir = "/tmp";
  int server_pid = 0;  // 0: no server RSS
};

// Returns the metrics; a source that cannot be read leaves its fields 0.
GuestMetrics CollectMetrics(const MetricsSources& sources);

// The name of the file system type holding `path` ("ext4", "tmpfs",
// "overlay", "btrfs", "xfs"; "0x<hex>" for others; "" when statfs fails).
std::string FileSystemName(const std::string& path);

// Sets m's tmp_filesystem, tmp_total_bytes and tmp_on_data_disk (same
// device as `data_mount`; false when `data_mount` is "").
void AddTmpPlacement(const std::string& tmp_dir, const std::string& data_mount,
                     GuestMetrics* m);

// The value in bytes of a "NAME:   123 kB" line of /proc/meminfo or
// /proc/<pid>/status text, or nullopt when there is no such line.
//   KilobyteField("MemTotal:  2048 kB\n", "MemTotal") -> 2097152
std::optional<uint64_t> KilobyteField(absl::string_view text,
                                      absl::string_view name);

// Counts the regular files under `dir` (recursively), their sizes, and the
// disk space they take (st_blocks: holes take none).
struct FileCount {
  uint64_t files = 0;
  uint64_t bytes = 0;
  uint64_t allocated_bytes = 0;
};
FileCount CountRegularFiles(const std::string& dir);

}  // namespace perfcell::guest

#endif  // PERFCELL_IMAGES_GUEST_METRICS_H_
