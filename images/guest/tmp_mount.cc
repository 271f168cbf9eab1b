#include "images/guest/tmp_mount.h"

#include <sys/stat.h>

#include <cerrno>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "contract/guest_layout.h"
#include "contract/kernel_cmdline.h"
#include "images/guest/system.h"
#include "tools/cc/errno_status.h"

namespace perfcell::guest {

absl::StatusOr<TmpPlan> PlanTmp(absl::string_view cmdline,
                                const GuestConfig& config) {
  std::optional<std::string> given =
      contract::KernelArgument(cmdline, contract::kTmpKey);
  const bool have_disk =
      !config.data_device().empty() && !config.data_mount().empty();
  const std::string mode =
      given.has_value() ? *given : (have_disk ? "disk" : "tmpfs");
  TmpPlan plan;
  if (mode == "tmpfs") {
    plan.kind = TmpPlan::Kind::kTmpfs;
    plan.tmpfs_bytes = config.tmp_size_bytes();
    return plan;
  }
  if (mode != "disk") {
    return absl::InvalidArgumentError(
        absl::StrCat(contract::kTmpKey, "=", mode,
                     " on the kernel command line: use disk or tmpfs"));
  }
  if (!have_disk) {
    return absl::InvalidArgumentError(
        "perfcell.tmp=disk, but the guest config has no data_device and "
        "data_mount to put /tmp on");
  }
  plan.kind = TmpPlan::Kind::kDisk;
  plan.disk_dir = absl::StrCat(config.data_mount(), "/", kTmpDirOnDataDisk);
  return plan;
}

std::string DescribeTmp(const TmpPlan& plan) {
  if (plan.kind == TmpPlan::Kind::kDisk) {
    return absl::StrCat(plan.disk_dir, " on the data disk");
  }
  if (plan.tmpfs_bytes == 0) {
    return "a tmpfs of the kernel's default size (half the memory)";
  }
  return absl::StrFormat("a tmpfs of %.1f MiB",
                         static_cast<double>(plan.tmpfs_bytes) / (1 << 20));
}

absl::Status MountTmp(const TmpPlan& plan, const std::string& root) {
  const std::string tmp = absl::StrCat(root, contract::kTmpMount);
  if (plan.kind == TmpPlan::Kind::kTmpfs)
    return MountTmpfs(tmp, plan.tmpfs_bytes);
  const std::string dir = absl::StrCat(root, plan.disk_dir);
  if (mkdir(dir.c_str(), 01777) != 0 && errno != EEXIST) {
    return ErrnoStatus(errno, absl::StrCat("mkdir ", dir));
  }
  // mkdir's mode passes through the umask; /tmp must be world-writable.
  if (chmod(dir.c_str(), 01777) != 0) {
    return ErrnoStatus(errno, absl::StrCat("chmod 1777 ", dir));
  }
  return BindMount(dir, tmp);
}

}  // namespace perfcell::guest
