#include "images/ext4/dir_ops.h"

#include <cstring>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
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

constexpr size_t kDxRootCountLimitOffset = 32;  // after ".", ".." and info
constexpr size_t kDxNodeCountLimitOffset = 8;   // after the empty fake entry
constexpr size_t kDxIndirectLevelsOffset = kDxRootInfoOffset + 6;
constexpr size_t kDxEntryBytes = 8;  // hash, block

// The end of the entries of a leaf block: before its checksum tail, if any.
size_t LeafEnd(ext2_filsys fs, const char* block) {
  if (!HasCsum(fs)) return fs->blocksize;
  const auto* tail = reinterpret_cast<const ext2_dir_entry_tail*>(
      block + fs->blocksize - kDirentTailBytes);
  bool is_tail =
      tail->det_reserved_zero1 == 0 &&
      ext2fs_le16_to_cpu(tail->det_rec_len) == kDirentTailBytes &&
      ext2fs_le16_to_cpu(tail->det_reserved_name_len) == EXT2_DIR_NAME_LEN_CSUM;
  return is_tail ? fs->blocksize - kDirentTailBytes : fs->blocksize;
}

// Zeroes what follows each entry's name up to its record's end. A removed
// entry (inode 0) keeps only its header.
absl::Status ScrubLeaf(ext2_filsys fs, char* block, const std::string& path) {
  const size_t end = LeafEnd(fs, block);
  unsigned int rec_len = 0;
  for (size_t offset = 0; offset < end; offset += rec_len) {
    auto* entry = reinterpret_cast<ext2_dir_entry*>(block + offset);
    if (offset + 8 > end || ext2fs_get_rec_len(fs, entry, &rec_len) != 0 ||
        rec_len < 8 || offset + rec_len > end) {
      return absl::DataLossError(absl::StrCat(
          "directory \"", path, "\" has a corrupt entry at byte ", offset));
    }
    size_t used = 8;
    if (entry->inode != 0) {
      used += ext2fs_dirent_name_len(entry);
      if (used > rec_len) {
        return absl::DataLossError(absl::StrCat(
            "directory \"", path, "\" has a name longer than its entry"));
      }
    } else {
      ext2fs_dirent_set_name_len(entry, 0);
      ext2fs_dirent_set_file_type(entry, 0);
    }
    memset(block + offset + used, 0, rec_len - used);
  }
  return absl::OkStatus();
}

// Zeroes the unused slots of an index block whose count/limit header is at
// `countlimit_offset`; returns the logical blocks its entries point at.
absl::StatusOr<std::vector<blk64_t>> ScrubIndex(ext2_filsys fs, char* block,
                                                size_t countlimit_offset,
                                                const std::string& path) {
  auto* countlimit =
      reinterpret_cast<ext2_dx_countlimit*>(block + countlimit_offset);
  size_t count = ext2fs_le16_to_cpu(countlimit->count);
  size_t limit = ext2fs_le16_to_cpu(countlimit->limit);
  if (count == 0 || count > limit ||
      countlimit_offset + limit * kDxEntryBytes > fs->blocksize) {
    return absl::DataLossError(
        absl::StrCat("directory \"", path, "\" has a corrupt hash index"));
  }
  memset(block + countlimit_offset + count * kDxEntryBytes, 0,
         (limit - count) * kDxEntryBytes);
  std::vector<blk64_t> children;
  const auto* entries = reinterpret_cast<ext2_dx_entry*>(countlimit);
  for (size_t i = 0; i < count; ++i) {
    children.push_back(ext2fs_le32_to_cpu(entries[i].block) & 0x0fffffff);
  }
  return children;
}

}  // namespace

absl::Status ScrubDirectory(ext2_filsys fs, ext2_ino_t dir,
                            const std::string& path) {
  ext2_inode inode;
  RETURN_IF_ERROR(
      Ext2Error(ext2fs_read_inode(fs, dir, &inode), "reading directory", path));
  if (!LINUX_S_ISDIR(inode.i_mode) || (inode.i_flags & EXT4_INLINE_DATA_FL)) {
    return absl::OkStatus();
  }
  std::vector<char> buf(fs->blocksize);
  std::vector<char> before(fs->blocksize);
  // Reads logical block `lblk` into buf (and before); 0 for a hole.
  auto read = [&](blk64_t lblk) -> absl::StatusOr<blk64_t> {
    blk64_t pblk = 0;
    RETURN_IF_ERROR(Ext2Error(
        ext2fs_bmap2(fs, dir, &inode, nullptr, 0, lblk, nullptr, &pblk),
        "mapping a block of directory", path));
    if (pblk == 0) return pblk;
    RETURN_IF_ERROR(
        Ext2Error(ext2fs_read_dir_block4(fs, pblk, buf.data(), 0, dir),
                  "reading directory", path));
    memcpy(before.data(), buf.data(), buf.size());
    return pblk;
  };
  auto write_if_changed = [&](blk64_t pblk) -> absl::Status {
    if (buf == before) return absl::OkStatus();
    return Ext2Error(ext2fs_write_dir_block4(fs, pblk, buf.data(), 0, dir),
                     "writing directory", path);
  };
  // The hash index, root first: logical block -> depth (0: the root).
  std::map<blk64_t, int> index_nodes;
  if (inode.i_flags & EXT2_INDEX_FL) {
    std::vector<std::pair<blk64_t, int>> queue = {{0, 0}};
    int indirect_levels = 0;
    for (size_t next = 0; next < queue.size(); ++next) {
      auto [lblk, depth] = queue[next];
      if (!index_nodes.emplace(lblk, depth).second) {
        return absl::DataLossError(absl::StrCat(
            "directory \"", path, "\" has a hash index with a cycle"));
      }
      ASSIGN_OR_RETURN(blk64_t pblk, read(lblk));
      if (pblk == 0) continue;
      if (lblk == 0) indirect_levels = buf[kDxIndirectLevelsOffset];
      ASSIGN_OR_RETURN(std::vector<blk64_t> children,
                       ScrubIndex(fs, buf.data(),
                                  lblk == 0 ? kDxRootCountLimitOffset
                                            : kDxNodeCountLimitOffset,
                                  path));
      RETURN_IF_ERROR(write_if_changed(pblk));
      if (depth < indirect_levels) {
        for (blk64_t child : children) queue.emplace_back(child, depth + 1);
      }
    }
  }
  const blk64_t blocks = EXT2_I_SIZE(&inode) / fs->blocksize;
  for (blk64_t lblk = 0; lblk < blocks; ++lblk) {
    if (index_nodes.count(lblk) != 0) continue;
    ASSIGN_OR_RETURN(blk64_t pblk, read(lblk));
    if (pblk == 0) continue;
    RETURN_IF_ERROR(ScrubLeaf(fs, buf.data(), path));
    RETURN_IF_ERROR(write_if_changed(pblk));
  }
  return absl::OkStatus();
}

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
