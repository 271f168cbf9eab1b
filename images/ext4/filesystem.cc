#include "images/ext4/filesystem.h"

#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "images/ext4/ext2_error.h"
#include "tools/cc/status_macros.h"

namespace perfcell::ext4 {
namespace {

constexpr int kLogBlockSize = 2;  // 1024 << 2 = 4096 bytes, as mke2fs
constexpr uint32_t kBlockSize = 4096;
constexpr uint32_t kInodeSize = 256;
constexpr uint64_t kBytesPerInode = 16384;  // mke2fs's default inode_ratio
constexpr int kLogGroupsPerFlex = 4;
constexpr uint32_t kLostFoundBytes = 16384;

// Frees the handle on every error path until Release().
struct FsGuard {
  ext2_filsys fs = nullptr;
  ~FsGuard() {
    if (fs != nullptr) ext2fs_free(fs);
  }
  ext2_filsys Release() { return std::exchange(fs, nullptr); }
};

void SetFeatures(const FormatOptions& options, ext2_super_block* param) {
  param->s_feature_compat =
      EXT2_FEATURE_COMPAT_DIR_INDEX | EXT2_FEATURE_COMPAT_EXT_ATTR;
  param->s_feature_incompat =
      EXT2_FEATURE_INCOMPAT_FILETYPE | EXT3_FEATURE_INCOMPAT_EXTENTS |
      EXT4_FEATURE_INCOMPAT_64BIT | EXT4_FEATURE_INCOMPAT_FLEX_BG;
  param->s_feature_ro_compat =
      EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT2_FEATURE_RO_COMPAT_LARGE_FILE |
      EXT4_FEATURE_RO_COMPAT_HUGE_FILE | EXT4_FEATURE_RO_COMPAT_DIR_NLINK |
      EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE | EXT4_FEATURE_RO_COMPAT_METADATA_CSUM;
  if (options.read_only) {
    param->s_feature_ro_compat |= EXT4_FEATURE_RO_COMPAT_READONLY;
  }
}

// Fixes every superblock field that mke2fs would fill from the clock, the
// random generator or the host.
absl::Status SetIdentity(const FormatOptions& options, ext2_filsys fs) {
  ext2_super_block* super = fs->super;
  super->s_mkfs_time = super->s_lastcheck =
      static_cast<uint32_t>(options.epoch);
  super->s_max_mnt_count = -1;
  super->s_checkinterval = 0;
  memcpy(super->s_uuid, options.uuid.data(), sizeof(super->s_uuid));
  memcpy(super->s_hash_seed, options.hash_seed.data(),
         sizeof(super->s_hash_seed));
  super->s_def_hash_version = EXT2_HASH_HALF_MD4;
  super->s_checksum_type = EXT2_CRC32C_CHKSUM;
  ext2fs_init_csum_seed(fs);
  if (options.label.size() > sizeof(super->s_volume_name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("label \"", options.label, "\" is longer than ",
                     sizeof(super->s_volume_name), " bytes"));
  }
  memset(super->s_volume_name, 0, sizeof(super->s_volume_name));
  memcpy(super->s_volume_name, options.label.data(), options.label.size());
  return absl::OkStatus();
}

// The inode tables of a freshly truncated file read as zeros already, so
// mark them initialized instead of writing gigabytes of zeros (as mke2fs
// does when the device discards to zero).
void MarkInodeTablesZeroed(ext2_filsys fs) {
  for (dgrp_t group = 0; group < fs->group_desc_count; ++group) {
    ext2fs_bg_flags_set(fs, group, EXT2_BG_INODE_ZEROED);
    ext2fs_group_desc_csum_set(fs, group);
  }
}

absl::Status MakeRootAndLostFound(ext2_filsys fs, const std::string& path) {
  RETURN_IF_ERROR(Ext2Error(ext2fs_mkdir(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, 0),
                            "creating the root directory of", path));
  RETURN_IF_ERROR(Ext2Error(ext2fs_mkdir(fs, EXT2_ROOT_INO, 0, "lost+found"),
                            "creating lost+found in", path));
  ext2_ino_t lost_found = 0;
  RETURN_IF_ERROR(Ext2Error(
      ext2fs_lookup(fs, EXT2_ROOT_INO, "lost+found", 10, nullptr, &lost_found),
      "looking up lost+found in", path));
  // e2fsck wants room in lost+found without allocating; mke2fs gives 16 KiB.
  for (uint32_t size = fs->blocksize; size < kLostFoundBytes;
       size += fs->blocksize) {
    RETURN_IF_ERROR(Ext2Error(ext2fs_expand_dir(fs, lost_found),
                              "expanding lost+found in", path));
  }
  return absl::OkStatus();
}

absl::Status ReserveSpecialInodes(ext2_filsys fs, const std::string& path) {
  for (ext2_ino_t ino = EXT2_ROOT_INO + 1; ino < EXT2_FIRST_INODE(fs->super);
       ++ino) {
    ext2fs_inode_alloc_stats2(fs, ino, +1, 0);
  }
  ext2fs_mark_inode_bitmap2(fs->inode_map, EXT2_BAD_INO);
  ext2fs_inode_alloc_stats2(fs, EXT2_BAD_INO, +1, 0);
  return Ext2Error(ext2fs_update_bb_inode(fs, nullptr),
                   "writing the bad-blocks inode of", path);
}

absl::Status AddJournal(ext2_filsys fs, const std::string& path) {
  ext2fs_journal_params params;
  if (ext2fs_get_journal_params(&params, fs) != 0) {
    return absl::OkStatus();  // too small for a journal, as mke2fs decides
  }
  // LAZYINIT: the journal's blocks are holes of a fresh file, i.e. zeros.
  return Ext2Error(ext2fs_add_journal_inode3(
                       fs, &params, ~0ULL,
                       EXT2_MKJOURNAL_LAZYINIT | EXT2_MKJOURNAL_NO_MNT_CHECK),
                   "adding a journal to", path);
}

}  // namespace

void SetClock(ext2_filsys fs, int64_t epoch) {
  // libext2fs 1.47.0 reads the clock wherever fs->now is 0, and stores
  // fs->now truncated to 32 bits. 2^32 is non-zero and truncates to 0, so
  // it stands for the epoch itself.
  fs->now = (epoch & 0xffffffff) != 0 ? static_cast<time_t>(epoch)
                                      : static_cast<time_t>(1) << 32;
}

absl::StatusOr<std::unique_ptr<Filesystem>> Filesystem::Format(
    const std::string& path, const FormatOptions& options) {
  ext2_super_block param;
  memset(&param, 0, sizeof(param));
  uint64_t blocks = options.size_bytes / kBlockSize;
  ext2fs_blocks_count_set(&param, blocks);
  param.s_log_block_size = kLogBlockSize;
  param.s_rev_level = EXT2_DYNAMIC_REV;
  param.s_inode_size = kInodeSize;
  param.s_desc_size = EXT2_MIN_DESC_SIZE_64BIT;
  param.s_log_groups_per_flex = kLogGroupsPerFlex;
  uint64_t inodes = std::max<uint64_t>(options.size_bytes / kBytesPerInode,
                                       options.min_inodes + 16);
  param.s_inodes_count =
      static_cast<uint32_t>(std::min<uint64_t>(inodes, 0xffffffffu));
  SetFeatures(options, &param);

  FsGuard guard;
  errcode_t err = ext2fs_initialize(path.c_str(), EXT2_FLAG_64BITS, &param,
                                    unix_io_manager, &guard.fs);
  if (err == EXT2_ET_TOOSMALL || err == EXT2_ET_TOO_MANY_INODES ||
      blocks == 0) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "image size ", options.size_bytes, " bytes is too small for ",
        options.min_inodes, " entries (\"", path, "\")"));
  }
  RETURN_IF_ERROR(Ext2Error(err, "formatting", path));
  ext2_filsys fs = guard.fs;
  SetClock(fs, options.epoch);
  RETURN_IF_ERROR(SetIdentity(options, fs));
  RETURN_IF_ERROR(Ext2Error(ext2fs_allocate_tables(fs),
                            "allocating group tables of", path));
  MarkInodeTablesZeroed(fs);
  RETURN_IF_ERROR(MakeRootAndLostFound(fs, path));
  RETURN_IF_ERROR(ReserveSpecialInodes(fs, path));
  if (options.journal) RETURN_IF_ERROR(AddJournal(fs, path));
  return std::unique_ptr<Filesystem>(new Filesystem(guard.Release(), path));
}

absl::StatusOr<std::unique_ptr<Filesystem>> Filesystem::Open(
    const std::string& path, int64_t epoch) {
  FsGuard guard;
  errcode_t err =
      ext2fs_open2(path.c_str(), nullptr, EXT2_FLAG_RW | EXT2_FLAG_64BITS, 0, 0,
                   unix_io_manager, &guard.fs);
  switch (err) {
    case 0:
      break;
    case EXT2_ET_BAD_MAGIC:
    case EXT2_ET_SB_CSUM_INVALID:
    case EXT2_ET_CORRUPT_SUPERBLOCK:
    case EXT2_ET_SHORT_READ:
    case EXT2_ET_REV_TOO_HIGH:
    case EXT2_ET_UNEXPECTED_BLOCK_SIZE:
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", path, "\" is not an ext4 image: ", Ext2Message(err)));
    default:
      return Ext2Error(err, "opening the ext4 image", path);
  }
  ext2_filsys fs = guard.fs;
  if (ext2fs_has_feature_journal_needs_recovery(fs->super)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "image \"", path, "\" has a journal that needs recovery; run e2fsck"));
  }
  RETURN_IF_ERROR(
      Ext2Error(ext2fs_read_bitmaps(fs), "reading the bitmaps of", path));
  SetClock(fs, epoch);
  return std::unique_ptr<Filesystem>(new Filesystem(guard.Release(), path));
}

Filesystem::~Filesystem() {
  if (fs_ != nullptr) ext2fs_free(fs_);
}

absl::Status Filesystem::Close() {
  errcode_t err = ext2fs_close_free(&fs_);
  fs_ = nullptr;
  return Ext2Error(err, "writing", path_);
}

uint64_t Filesystem::free_blocks() const {
  return ext2fs_free_blocks_count(fs_->super);
}

uint64_t Filesystem::free_inodes() const {
  return fs_->super->s_free_inodes_count;
}

}  // namespace perfcell::ext4
