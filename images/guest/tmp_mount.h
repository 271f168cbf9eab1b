// Where the guest's /tmp (the server's TMPDIR) lives, as the kernel command
// line chooses (`perfcell.tmp=disk` or `perfcell.tmp=tmpfs`), and the mount
// that puts it there.
//
//   disk   /tmp is the directory "tmp" of the fresh ext4 data disk, bind
//          mounted (mode 1777): spooled uploads cost disk writes, as in
//          production, and may be as large as the disk. The default when
//          the config has a data disk.
//   tmpfs  /tmp is a tmpfs of GuestConfig.tmp_size_bytes (0: the kernel's
//          default, half the VM's memory): spooled uploads live in RAM. The
//          default without a data disk.
//
//   ASSIGN_OR_RETURN(TmpPlan plan, PlanTmp(cmdline, config));
//   RETURN_IF_ERROR(MountTmp(plan, /*root=*/""));  // after the data disk
//   DescribeTmp(plan);  // "/data/tmp on the data disk"
#ifndef PERFCELL_IMAGES_GUEST_TMP_MOUNT_H_
#define PERFCELL_IMAGES_GUEST_TMP_MOUNT_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/guest.pb.h"

namespace perfcell::guest {

// The directory of the data disk that becomes /tmp in disk mode.
inline constexpr char kTmpDirOnDataDisk[] = "tmp";

struct TmpPlan {
  enum class Kind { kDisk, kTmpfs };
  Kind kind = Kind::kTmpfs;
  std::string disk_dir;      // kDisk: "<data_mount>/tmp", a guest path
  uint64_t tmpfs_bytes = 0;  // kTmpfs: 0 = the kernel's default size
};

// Reads `perfcell.tmp=` from `cmdline`. InvalidArgument for a value other
// than disk or tmpfs, and for disk when `config` has no data disk.
absl::StatusOr<TmpPlan> PlanTmp(absl::string_view cmdline,
                                const GuestConfig& config);

// One line for the console: "/data/tmp on the data disk", "a tmpfs of
// 64.0 MiB", "a tmpfs of the kernel's default size (half the memory)".
std::string DescribeTmp(const TmpPlan& plan);

// Carries out `plan` at `root`/tmp (root "" in the guest; a scratch
// directory in tests): disk mode creates `root``disk_dir` (mode 1777) and
// bind-mounts it on /tmp, so the data disk must be mounted first; tmpfs
// mode mounts a tmpfs. Errors name the step and errno's text.
absl::Status MountTmp(const TmpPlan& plan, const std::string& root);

}  // namespace perfcell::guest

#endif  // PERFCELL_IMAGES_GUEST_TMP_MOUNT_H_
