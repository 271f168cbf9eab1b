#include "images/guest/metrics.h"

#include <sys/statvfs.h>

#include "absl/strings/str_cat.h"
#include "contract/proc_metrics.h"
#include "tools/cc/atomic_file.h"

namespace perfcell::guest {

GuestMetrics CollectMetrics(const MetricsSources& sources) {
  GuestMetrics m;
  absl::StatusOr<std::string> meminfo =
      ReadFile(absl::StrCat(sources.proc_dir, "/meminfo"));
  if (meminfo.ok()) {
    m.set_mem_total_bytes(
        contract::KilobyteField(*meminfo, "MemTotal").value_or(0));
    m.set_mem_available_bytes(
        contract::KilobyteField(*meminfo, "MemAvailable").value_or(0));
  }
  struct statvfs vfs;
  if (!sources.data_mount.empty() &&
      statvfs(sources.data_mount.c_str(), &vfs) == 0) {
    m.set_data_disk_total_bytes(uint64_t{vfs.f_blocks} * vfs.f_frsize);
    // The files' blocks, as the host backend counts them: file-system
    // metadata (journal, inode tables) is not the server's doing.
    m.set_data_disk_used_bytes(
        contract::CountRegularFiles(sources.data_mount).allocated_bytes);
  }
  contract::FileCount tmp = contract::CountRegularFiles(sources.tmp_dir);
  m.set_tmp_leftover_files(tmp.files);
  m.set_tmp_leftover_bytes(tmp.allocated_bytes);  // space taken, as the host
  contract::AddTmpPlacement(sources.tmp_dir, sources.data_mount, &m);
  if (sources.server_pid > 0) {
    absl::StatusOr<std::string> status = ReadFile(
        absl::StrCat(sources.proc_dir, "/", sources.server_pid, "/status"));
    if (status.ok()) {
      m.set_server_rss_bytes(
          contract::KilobyteField(*status, "VmRSS").value_or(0));
      m.set_server_rss_peak_bytes(
          contract::KilobyteField(*status, "VmHWM").value_or(0));
    }
  }
  return m;
}

}  // namespace perfcell::guest
