#include "images/ext4/dir_ops.h"

#include <cstring>
#include <vector>

#include "images/ext4/ext2_error.h"
#include "tools/cc/status_macros.h"

namespace perfcell::ext4 {
namespace {

constexpr size_t kDotEntriesBytes = 24;  // "." and ".." in the first block
constexpr size_t kDirentTailBytes = 12;  // checksum tail of a leaf block
constexpr size_t kDxRootInfoOffset = 24;
constexpr size_t kDxCountLimitOffset = 32;

bool HasCsum(ext2_filsys fs) {
  return ext2fs_has_feature_metadata_csum(fs->super);
}

// Turns the two-block directory `ino` (block 0: "." and "..", block 1: empty)
// into an htree: block 0 becomes the index root with one entry, block 1.
absl::Status ConvertToIndex(ext2_filsys fs, ext2_ino_t ino,
                            const std::string& path) {
  blk64_t root_block = 0;
  RETURN_IF_ERROR(Ext2Error(
      ext2fs_bmap2(fs, ino, nullptr, nullptr, 0, 0, nullptr, &root_block),
      "mapping the index root of", path));
  std::vector<char> buf(fs->blocksize);
  RETURN_IF_ERROR(
      Ext2Error(ext2fs_read_dir_block4(fs, root_block, buf.data(), 0, ino),
                "reading directory", path));
  // ".." now spans the rest of the block; the index hides inside it.
  auto* dotdot = reinterpret_cast<ext2_dir_entry*>(buf.data() + 12);
  memset(buf.data() + kDotEntriesBytes, 0, fs->blocksize - kDotEntriesBytes);
  RETURN_IF_ERROR(Ext2Error(ext2fs_set_rec_len(fs, fs->blocksize - 12, dotdot),
                            "indexing directory", path));
  auto* info =
      reinterpret_cast<ext2_dx_root_info*>(buf.data() + kDxRootInfoOffset);
  info->hash_version = fs->super->s_def_hash_version;
  info->info_length = sizeof(ext2_dx_root_info);
  auto* countlimit =
      reinterpret_cast<ext2_dx_countlimit*>(buf.data() + kDxCountLimitOffset);
  size_t tail = HasCsum(fs) ? sizeof(ext2_dx_tail) : 0;
  countlimit->limit = ext2fs_cpu_to_le16(
      (fs->blocksize - kDxCountLimitOffset - tail) / sizeof(ext2_dx_entry));
  countlimit->count = ext2fs_cpu_to_le16(1);
  auto* first = reinterpret_cast<ext2_dx_entry*>(countlimit);
  first->block = ext2fs_cpu_to_le32(1);
  RETURN_IF_ERROR(
      Ext2Error(ext2fs_write_dir_block4(fs, root_block, buf.data(), 0, ino),
                "writing the index root of", path));
  ext2_inode inode;
  RETURN_IF_ERROR(
      Ext2Error(ext2fs_read_inode(fs, ino, &inode), "reading directory", path));
  inode.i_flags |= EXT2_INDEX_FL;
  return Ext2Error(ext2fs_write_inode(fs, ino, &inode), "indexing directory",
                   path);
}

}  // namespace

size_t DirEntryBytes(size_t name_len) { return (8 + name_len + 3) & ~3u; }

bool NeedsIndex(ext2_filsys fs, size_t names_bytes) {
  size_t room =
      fs->blocksize - kDotEntriesBytes - (HasCsum(fs) ? kDirentTailBytes : 0);
  return names_bytes > room;
}

absl::Status LinkName(ext2_filsys fs, ext2_ino_t dir, const std::string& name,
                      ext2_ino_t ino, int file_type, const std::string& path) {
  errcode_t err = ext2fs_link(fs, dir, name.c_str(), ino, file_type);
  if (err == EXT2_ET_DIR_NO_SPACE) {
    RETURN_IF_ERROR(Ext2Error(ext2fs_expand_dir(fs, dir),
                              "growing the directory of", path));
    err = ext2fs_link(fs, dir, name.c_str(), ino, file_type);
  }
  return Ext2Error(err, "linking", path);
}

absl::StatusOr<ext2_ino_t> MakeDirectory(ext2_filsys fs, ext2_ino_t parent,
                                         const std::string& name, bool indexed,
                                         const std::string& path) {
  ext2_ino_t ino = 0;
  RETURN_IF_ERROR(Ext2Error(
      ext2fs_new_inode(fs, parent, LINUX_S_IFDIR | 0755, nullptr, &ino),
      "allocating an inode for", path));
  errcode_t err = ext2fs_mkdir(fs, parent, ino, name.c_str());
  if (err == EXT2_ET_DIR_NO_SPACE) {
    RETURN_IF_ERROR(Ext2Error(ext2fs_expand_dir(fs, parent),
                              "growing the parent directory of", path));
    err = ext2fs_mkdir(fs, parent, ino, name.c_str());
  }
  RETURN_IF_ERROR(Ext2Error(err, "creating directory", path));
  if (indexed) {
    RETURN_IF_ERROR(
        Ext2Error(ext2fs_expand_dir(fs, ino), "growing directory", path));
    RETURN_IF_ERROR(ConvertToIndex(fs, ino, path));
  }
  return ino;
}

absl::StatusOr<std::optional<ext2_ino_t>> LookupName(ext2_filsys fs,
                                                     ext2_ino_t dir,
                                                     const std::string& name,
                                                     const std::string& path) {
  ext2_ino_t ino = 0;
  errcode_t err =
      ext2fs_lookup(fs, dir, name.data(), name.size(), nullptr, &ino);
  if (err == EXT2_ET_FILE_NOT_FOUND) return std::optional<ext2_ino_t>();
  RETURN_IF_ERROR(Ext2Error(err, "looking up", path));
  return std::optional<ext2_ino_t>(ino);
}

absl::Status RemoveName(ext2_filsys fs, ext2_ino_t dir, const std::string& name,
                        ext2_ino_t ino, const std::string& path) {
  RETURN_IF_ERROR(Ext2Error(ext2fs_unlink(fs, dir, name.c_str(), ino, 0),
                            "unlinking", path));
  std::vector<char> buf(EXT2_INODE_SIZE(fs->super));
  auto* inode = reinterpret_cast<ext2_inode*>(buf.data());
  RETURN_IF_ERROR(Ext2Error(ext2fs_read_inode_full(fs, ino, inode, buf.size()),
                            "reading", path));
  if (inode->i_links_count > 1) {
    --inode->i_links_count;
    return Ext2Error(ext2fs_write_inode_full(fs, ino, inode, buf.size()),
                     "writing", path);
  }
  if (ext2fs_inode_has_valid_blocks2(fs, inode)) {
    RETURN_IF_ERROR(Ext2Error(ext2fs_punch(fs, ino, inode, nullptr, 0, ~0ULL),
                              "freeing the blocks of", path));
  }
  // A cleared inode: no stale extended attributes for the next user.
  memset(buf.data(), 0, buf.size());
  RETURN_IF_ERROR(Ext2Error(ext2fs_write_inode_full(fs, ino, inode, buf.size()),
                            "clearing", path));
  ext2fs_inode_alloc_stats2(fs, ino, -1, 0);
  return absl::OkStatus();
}

}  // namespace perfcell::ext4
