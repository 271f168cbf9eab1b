// What GET /metrics reports: a GuestMetrics (contract/guest_metrics.proto)
// from /proc, statvfs and a walk of /tmp, through the readers the host
// backend shares (contract/proc_metrics.h).
//
//   MetricsSources s;
//   s.data_mount = "/data";
//   s.tmp_dir = "/tmp";
//   s.server_pid = 312;
//   GuestMetrics m = CollectMetrics(s);
//   // mem_total_bytes, tmp_leftover_files, server_rss_bytes, ...
#ifndef PERFCELL_IMAGES_GUEST_METRICS_H_
#define PERFCELL_IMAGES_GUEST_METRICS_H_

#include <string>

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

}  // namespace perfcell::guest

#endif  // PERFCELL_IMAGES_GUEST_METRICS_H_
