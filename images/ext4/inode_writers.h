// Writers for each kind of inode: regular files, symlinks, device nodes and
// FIFOs, hard links, and the attributes they share. Each allocates the inode,
// links it into `parent` under `name` and writes it with the node's mode,
// owner and times. `path` only names the entry in error messages.
//
//   ASSIGN_OR_RETURN(ext2_ino_t ino,
//                    WriteRegularFile(fs, parent, "hosts", node, "etc/hosts"));
#ifndef PERFCELL_IMAGES_EXT4_INODE_WRITERS_H_
#define PERFCELL_IMAGES_EXT4_INODE_WRITERS_H_

#include <ext2fs/ext2fs.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "images/ext4/tree.h"

namespace perfcell::ext4 {

// Sets the permission bits, owner and times of an existing inode to the
// node's (its type stays).
absl::Status SetAttributes(ext2_filsys fs, ext2_ino_t ino, const Node& node,
                           const std::string& path);

// A regular file with extents, its bytes from `node.source` or
// `node.content`. Holes and all-zero blocks of the source stay holes.
absl::StatusOr<ext2_ino_t> WriteRegularFile(ext2_filsys fs, ext2_ino_t parent,
                                            const std::string& name,
                                            const Node& node,
                                            const std::string& path);

// A symlink: targets under 60 bytes live in the inode ("fast"), longer ones
// in a data block.
absl::StatusOr<ext2_ino_t> WriteSymlink(ext2_filsys fs, ext2_ino_t parent,
                                        const std::string& name,
                                        const Node& node,
                                        const std::string& path);

// A character or block device (with its major/minor) or a FIFO.
absl::StatusOr<ext2_ino_t> WriteSpecial(ext2_filsys fs, ext2_ino_t parent,
                                        const std::string& name,
                                        const Node& node,
                                        const std::string& path);

// Links `name` to the existing inode `target` and counts the new link.
absl::Status WriteHardLink(ext2_filsys fs, ext2_ino_t parent,
                           const std::string& name, ext2_ino_t target,
                           const std::string& path);

}  // namespace perfcell::ext4

#endif  // PERFCELL_IMAGES_EXT4_INODE_WRITERS_H_
