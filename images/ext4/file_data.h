// Copies bytes into an ext4 regular file, keeping holes.
//
//   RETURN_IF_ERROR(CopyFileData(fs, ino, node, "usr/lib/big.img"));
#ifndef PERFCELL_IMAGES_EXT4_FILE_DATA_H_
#define PERFCELL_IMAGES_EXT4_FILE_DATA_H_

#include <ext2fs/ext2fs.h>

#include <string>

#include "absl/status/status.h"
#include "images/ext4/tree.h"

namespace perfcell::ext4 {

// Writes the node's content (inline bytes, or the host file `node.source`)
// into inode `ino` and sets its size. Only blocks holding a non-zero byte are
// allocated: the source's holes (found with SEEK_DATA/SEEK_HOLE) and its
// all-zero blocks stay holes, so a sparse 5 GiB file costs what its data
// costs. Fails, naming `path`, when the source shrank or cannot be read.
absl::Status CopyFileData(ext2_filsys fs, ext2_ino_t ino, const Node& node,
                          const std::string& path);

}  // namespace perfcell::ext4

#endif  // PERFCELL_IMAGES_EXT4_FILE_DATA_H_
