// Directory operations on an open ext4 file system: linking names (growing
// the directory when it is full), creating directories (hashed-index ones for
// large directories), looking names up and removing them.
//
// `path` arguments only name the entry in error messages.
//
//   ASSIGN_OR_RETURN(ext2_ino_t etc,
//                    MakeDirectory(fs, EXT2_ROOT_INO, "etc", false, "etc"));
//   RETURN_IF_ERROR(LinkName(fs, etc, "hosts", ino, EXT2_FT_REG_FILE,
//                            "etc/hosts"));
#ifndef PERFCELL_IMAGES_EXT4_DIR_OPS_H_
#define PERFCELL_IMAGES_EXT4_DIR_OPS_H_

#include <ext2fs/ext2fs.h>

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace perfcell::ext4 {

// Adds `name` -> `ino` to directory `dir`. A full linear directory grows by a
// block and the link is tried once more (what the kernel does).
absl::Status LinkName(ext2_filsys fs, ext2_ino_t dir, const std::string& name,
                      ext2_ino_t ino, int file_type, const std::string& path);

// Creates directory `name` in `parent` (mode 0755, root-owned: callers set the
// attributes) and returns its inode. With `indexed`, the directory starts as
// a hashed (htree) index whose root points at one empty leaf, so that adding
// thousands of names stays fast and the kernel looks them up by hash.
absl::StatusOr<ext2_ino_t> MakeDirectory(ext2_filsys fs, ext2_ino_t parent,
                                         const std::string& name, bool indexed,
                                         const std::string& path);

// Returns the inode `name` points to in `dir`, or nullopt when absent.
absl::StatusOr<std::optional<ext2_ino_t>> LookupName(ext2_filsys fs,
                                                     ext2_ino_t dir,
                                                     const std::string& name,
                                                     const std::string& path);

// Removes the non-directory entry `name` -> `ino` from `dir`; when that was
// the inode's last link, frees its blocks and the inode.
absl::Status RemoveName(ext2_filsys fs, ext2_ino_t dir, const std::string& name,
                        ext2_ino_t ino, const std::string& path);

// Zeroes every byte of directory `dir` that no entry uses: the padding after
// each name, the slack after each entry's used length (names of removed
// entries included) and the unused slots of its hash-index blocks; rewrites
// (and re-checksums) only the blocks that change. libext2fs splits htree
// leaves in an uninitialized buffer and copies names without their padding,
// so without this the image holds whatever was in the process's memory and
// two builds of the same tree differ.
absl::Status ScrubDirectory(ext2_filsys fs, ext2_ino_t dir,
                            const std::string& path);

// Returns whether `names_bytes` of directory entries (see DirEntryBytes) need
// more than one block, i.e. whether the directory should be indexed.
bool NeedsIndex(ext2_filsys fs, size_t names_bytes);

// Returns the bytes one directory entry for a name of `name_len` bytes takes.
size_t DirEntryBytes(size_t name_len);

}  // namespace perfcell::ext4

#endif  // PERFCELL_IMAGES_EXT4_DIR_OPS_H_
