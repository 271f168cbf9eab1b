// Adds a host directory tree, taken as is, to an FsTree.
//
//   FsTree tree(defaults);
//   RETURN_IF_ERROR(ScanDirectory("/tmp/rootfs", {.owner = Owner{0, 0}},
//                                 &tree));
#ifndef PERFCELL_IMAGES_EXT4_DIR_SCANNER_H_
#define PERFCELL_IMAGES_EXT4_DIR_SCANNER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "images/ext4/tree.h"

namespace perfcell::ext4 {

struct Owner {
  uint32_t uid = 0;
  uint32_t gid = 0;
};

// Parses "UID:GID" (e.g. "0:0"). InvalidArgument otherwise.
absl::StatusOr<Owner> ParseOwner(absl::string_view text);

struct ScanOptions {
  // Forces every entry's owner; otherwise the host's uid/gid are kept.
  std::optional<Owner> owner;
  // When set, receives the host path of every entry that has extended
  // attributes (which are not copied into the image), in scan order.
  std::vector<std::string>* with_xattrs = nullptr;
};

// Adds every entry under `dir` (and `dir` itself as the image root) to
// `tree`: regular files, directories, symlinks, char/block devices and FIFOs
// with their permission bits; sockets are skipped. Files that share an inode
// become one file plus hard links (the first path in byte order is the file).
// Times are not taken from the host: entries get the tree's default mtime.
// Names are read in byte order, so the result never depends on readdir order.
// Returns NotFound / InvalidArgument naming the path that could not be read.
absl::Status ScanDirectory(const std::string& dir, const ScanOptions& options,
                           FsTree* tree);

}  // namespace perfcell::ext4

#endif  // PERFCELL_IMAGES_EXT4_DIR_SCANNER_H_
