// Orders kernel modules so that each loads after the modules it depends on
// (the "depends=" field of its .modinfo section).
//
//   absl::StatusOr<std::vector<std::string>> order =
//       OrderModules("/lib/modules/6.1.0-18-cloud-amd64",
//                    {"virtio_blk", "virtio_net", "virtio_pci"});
//   // {"kernel/drivers/virtio/virtio.ko",
//   //  "kernel/drivers/virtio/virtio_ring.ko", ...,
//   //  "kernel/drivers/block/virtio_blk.ko", ...}  (relative paths)
#ifndef PERFCELL_IMAGES_ELF_MODORDER_H_
#define PERFCELL_IMAGES_ELF_MODORDER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace perfcell::elf {

// Returns the paths (relative to `modules_dir`) of the wanted modules and
// everything they depend on, dependencies first, each once. Wanted names
// are read with '-' as '_'. A module listed in `modules_dir`/modules.builtin
// is built into the kernel and skipped. Errors: a module that is neither
// found nor built in (naming who needs it), a dependency cycle, a corrupt
// module. Modules may be compressed (.ko.xz, .ko.zst, .ko.gz, as kmod
// reads them); the returned paths keep their suffixes.
absl::StatusOr<std::vector<std::string>> OrderModules(
    const std::string& modules_dir, const std::vector<std::string>& wanted);

}  // namespace perfcell::elf

#endif  // PERFCELL_IMAGES_ELF_MODORDER_H_
