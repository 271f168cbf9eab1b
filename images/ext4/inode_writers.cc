#include "images/ext4/inode_writers.h"

#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "images/ext4/dir_ops.h"
#include "images/ext4/ext2_error.h"
#include "images/ext4/file_data.h"
#include "tools/cc/status_macros.h"

namespace perfcell::ext4 {
namespace {

constexpr uint16_t kMaxLinks = 65000;  // the kernel's EXT4_LINK_MAX

// A whole on-disk inode (256 bytes here), zero beyond what we set.
class InodeBuffer {
 public:
  explicit InodeBuffer(ext2_filsys fs) : buf_(EXT2_INODE_SIZE(fs->super)) {
    large()->i_extra_isize =
        sizeof(ext2_inode_large) - EXT2_GOOD_OLD_INODE_SIZE;
  }
  ext2_inode_large* large() {
    return reinterpret_cast<ext2_inode_large*>(buf_.data());
  }
  ext2_inode* small() { return reinterpret_cast<ext2_inode*>(buf_.data()); }
  int size() const { return static_cast<int>(buf_.size()); }

  absl::Status Read(ext2_filsys fs, ext2_ino_t ino, const std::string& path) {
    return Ext2Error(ext2fs_read_inode_full(fs, ino, small(), size()),
                     "reading the inode of", path);
  }
  absl::Status Write(ext2_filsys fs, ext2_ino_t ino, const std::string& path) {
    return Ext2Error(ext2fs_write_inode_full(fs, ino, small(), size()),
                     "writing the inode of", path);
  }

 private:
  std::vector<char> buf_;
};

// Seconds as ext4 stores them: low 32 bits, plus two epoch bits in the
// inode's extra field (dates past 2038).
void SetTime(int64_t seconds, __u32* low, __u32* extra) {
  *low = static_cast<__u32>(seconds);
  int64_t high = (seconds - static_cast<int32_t>(*low)) >> 32;
  *extra = static_cast<__u32>(high) & EXT4_EPOCH_MASK;
}

void ApplyAttributes(const Node& node, ext2_inode_large* inode) {
  inode->i_mode = (inode->i_mode & LINUX_S_IFMT) | (node.mode & 07777);
  inode->i_uid = node.uid & 0xffff;
  inode->osd2.linux2.l_i_uid_high = node.uid >> 16;
  inode->i_gid = node.gid & 0xffff;
  inode->osd2.linux2.l_i_gid_high = node.gid >> 16;
  SetTime(node.mtime, &inode->i_atime, &inode->i_atime_extra);
  SetTime(node.mtime, &inode->i_ctime, &inode->i_ctime_extra);
  SetTime(node.mtime, &inode->i_mtime, &inode->i_mtime_extra);
  SetTime(node.mtime, &inode->i_crtime, &inode->i_crtime_extra);
}

int FileTypeOf(uint16_t mode) {
  switch (mode & LINUX_S_IFMT) {
    case LINUX_S_IFREG:
      return EXT2_FT_REG_FILE;
    case LINUX_S_IFDIR:
      return EXT2_FT_DIR;
    case LINUX_S_IFLNK:
      return EXT2_FT_SYMLINK;
    case LINUX_S_IFCHR:
      return EXT2_FT_CHRDEV;
    case LINUX_S_IFBLK:
      return EXT2_FT_BLKDEV;
    case LINUX_S_IFIFO:
      return EXT2_FT_FIFO;
    case LINUX_S_IFSOCK:
      return EXT2_FT_SOCK;
    default:
      return EXT2_FT_UNKNOWN;
  }
}

// Allocates an inode of `type_bits` near `parent`, links it as `name` and
// counts it as used. The caller writes the inode itself next.
absl::StatusOr<ext2_ino_t> NewLinkedInode(ext2_filsys fs, ext2_ino_t parent,
                                          const std::string& name,
                                          uint16_t type_bits,
                                          const std::string& path) {
  ext2_ino_t ino = 0;
  RETURN_IF_ERROR(
      Ext2Error(ext2fs_new_inode(fs, parent, type_bits | 0644, nullptr, &ino),
                "allocating an inode for", path));
  RETURN_IF_ERROR(LinkName(fs, parent, name, ino, FileTypeOf(type_bits), path));
  ext2fs_inode_alloc_stats2(fs, ino, +1, 0);
  return ino;
}

// Starts an empty extent tree in the inode's i_block.
absl::Status InitExtents(ext2_filsys fs, ext2_ino_t ino, InodeBuffer& inode,
                         const std::string& path) {
  ext2_extent_handle_t handle = nullptr;
  RETURN_IF_ERROR(
      Ext2Error(ext2fs_extent_open2(fs, ino, inode.small(), &handle),
                "starting the extent tree of", path));
  ext2fs_extent_free(handle);
  return absl::OkStatus();
}

}  // namespace

absl::Status SetAttributes(ext2_filsys fs, ext2_ino_t ino, const Node& node,
                           const std::string& path) {
  InodeBuffer inode(fs);
  RETURN_IF_ERROR(inode.Read(fs, ino, path));
  ApplyAttributes(node, inode.large());
  return inode.Write(fs, ino, path);
}

absl::StatusOr<ext2_ino_t> WriteRegularFile(ext2_filsys fs, ext2_ino_t parent,
                                            const std::string& name,
                                            const Node& node,
                                            const std::string& path) {
  ASSIGN_OR_RETURN(ext2_ino_t ino,
                   NewLinkedInode(fs, parent, name, LINUX_S_IFREG, path));
  InodeBuffer inode(fs);
  inode.large()->i_mode = LINUX_S_IFREG;
  inode.large()->i_links_count = 1;
  ApplyAttributes(node, inode.large());
  if (ext2fs_has_feature_extents(fs->super)) {
    RETURN_IF_ERROR(InitExtents(fs, ino, inode, path));
  }
  RETURN_IF_ERROR(inode.Write(fs, ino, path));
  RETURN_IF_ERROR(CopyFileData(fs, ino, node, path));
  return ino;
}

absl::StatusOr<ext2_ino_t> WriteSymlink(ext2_filsys fs, ext2_ino_t parent,
                                        const std::string& name,
                                        const Node& node,
                                        const std::string& path) {
  const std::string& target = node.target;
  if (target.size() >= fs->blocksize) {
    return absl::InvalidArgumentError(
        absl::StrCat("symlink \"", path, "\": target of ", target.size(),
                     " bytes is longer than a block"));
  }
  ASSIGN_OR_RETURN(ext2_ino_t ino,
                   NewLinkedInode(fs, parent, name, LINUX_S_IFLNK, path));
  InodeBuffer inode(fs);
  inode.large()->i_mode = LINUX_S_IFLNK;
  inode.large()->i_links_count = 1;
  ApplyAttributes(node, inode.large());
  if (target.size() < sizeof(inode.large()->i_block)) {
    // Fast symlink: the target lives in i_block, no data block.
    memcpy(inode.large()->i_block, target.data(), target.size());
    inode.large()->i_size = target.size();
    RETURN_IF_ERROR(inode.Write(fs, ino, path));
    return ino;
  }
  if (ext2fs_has_feature_extents(fs->super)) {
    RETURN_IF_ERROR(InitExtents(fs, ino, inode, path));
  }
  RETURN_IF_ERROR(inode.Write(fs, ino, path));
  Node data;
  data.content = target;
  data.size = target.size();
  RETURN_IF_ERROR(CopyFileData(fs, ino, data, path));
  return ino;
}

absl::StatusOr<ext2_ino_t> WriteSpecial(ext2_filsys fs, ext2_ino_t parent,
                                        const std::string& name,
                                        const Node& node,
                                        const std::string& path) {
  uint16_t type_bits = node.type == NodeType::kCharDev    ? LINUX_S_IFCHR
                       : node.type == NodeType::kBlockDev ? LINUX_S_IFBLK
                                                          : LINUX_S_IFIFO;
  ASSIGN_OR_RETURN(ext2_ino_t ino,
                   NewLinkedInode(fs, parent, name, type_bits, path));
  InodeBuffer inode(fs);
  inode.large()->i_mode = type_bits;
  inode.large()->i_links_count = 1;
  ApplyAttributes(node, inode.large());
  if (type_bits != LINUX_S_IFIFO) {
    // The kernel's old 16-bit encoding when it fits, the new one otherwise.
    if (node.major < 256 && node.minor < 256) {
      inode.large()->i_block[0] = node.major * 256 + node.minor;
    } else {
      inode.large()->i_block[1] = (node.minor & 0xff) | (node.major << 8) |
                                  ((node.minor & ~0xffu) << 12);
    }
  }
  RETURN_IF_ERROR(inode.Write(fs, ino, path));
  return ino;
}

absl::Status WriteHardLink(ext2_filsys fs, ext2_ino_t parent,
                           const std::string& name, ext2_ino_t target,
                           const std::string& path) {
  InodeBuffer inode(fs);
  RETURN_IF_ERROR(inode.Read(fs, target, path));
  if (LINUX_S_ISDIR(inode.large()->i_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("hard link \"", path, "\" points to a directory"));
  }
  if (inode.large()->i_links_count >= kMaxLinks) {
    return absl::ResourceExhaustedError(
        absl::StrCat("hard link \"", path, "\": too many links to its target"));
  }
  RETURN_IF_ERROR(LinkName(fs, parent, name, target,
                           FileTypeOf(inode.large()->i_mode), path));
  ++inode.large()->i_links_count;
  return inode.Write(fs, target, path);
}

}  // namespace perfcell::ext4
