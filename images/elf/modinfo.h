// A kernel module's ".modinfo" section: NUL-separated "key=value" strings
// (license, depends, name, alias, vermagic, ...).
//
//   absl::StatusOr<ModuleInfo> info = ReadModuleInfo("virtio_blk.ko");
//   info->name;     // "virtio_blk"
//   info->depends;  // {"virtio", "virtio_ring"}
#ifndef PERFCELL_IMAGES_ELF_MODINFO_H_
#define PERFCELL_IMAGES_ELF_MODINFO_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "images/elf/module_file.h"  // IsCompressedModule

namespace perfcell::elf {

struct ModuleInfo {
  std::string name;                  // "name=" if present, else empty
  std::vector<std::string> depends;  // "depends=", split on commas
  std::vector<std::pair<std::string, std::string>> fields;  // all, in order
};

// Parses the raw bytes of a .modinfo section.
ModuleInfo ParseModinfo(absl::string_view section);

// Reads the .modinfo section of the module at `path`, decompressing a
// .ko.xz, .ko.zst or .ko.gz first (module_file.h). NotFound when it has no
// .modinfo section; InvalidArgument for a corrupt file.
absl::StatusOr<ModuleInfo> ReadModuleInfo(const std::string& path);

// The module name a file name implies: the base name without ".ko" and a
// compression suffix, with '-' read as '_' (as the kernel does).
//   ModuleNameFromPath("kernel/drivers/block/virtio-blk.ko.xz") -> "virtio_blk"
std::string ModuleNameFromPath(absl::string_view path);

}  // namespace perfcell::elf

#endif  // PERFCELL_IMAGES_ELF_MODINFO_H_
