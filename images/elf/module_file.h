// Reads a kernel module file whole, decompressing it when its name says it
// is compressed, as kmod does: ".ko.xz" (liblzma), ".ko.zst" (libzstd),
// ".ko.gz" (zlib); a plain ".ko" is read as is.
//
//   absl::StatusOr<std::string> ko =
//       ReadModuleFile("kernel/drivers/block/virtio_blk.ko.zst");
//   ko->substr(0, 4);  // "\x7f" "ELF"
#ifndef PERFCELL_IMAGES_ELF_MODULE_FILE_H_
#define PERFCELL_IMAGES_ELF_MODULE_FILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace perfcell::elf {

// Whether `path` ends in .ko.xz, .ko.zst or .ko.gz.
bool IsCompressedModule(absl::string_view path);

// `path` without its compression suffix: "a/b.ko.xz" -> "a/b.ko"; a path
// without one comes back unchanged.
std::string UncompressedModulePath(absl::string_view path);

// Returns the module's ELF bytes. Errors name the file: NotFound or another
// errno code when it cannot be read, InvalidArgument when its data is not a
// valid stream of the format its suffix names (truncated, corrupt, or more
// than 1 GiB uncompressed).
absl::StatusOr<std::string> ReadModuleFile(const std::string& path);

}  // namespace perfcell::elf

#endif  // PERFCELL_IMAGES_ELF_MODULE_FILE_H_
