#include "images/ext4/dir_scanner.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tools/cc/errno_status.h"
#include "tools/cc/status_macros.h"

namespace perfcell::ext4 {
namespace {

absl::StatusOr<std::vector<std::string>> SortedNames(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return ErrnoStatus(errno, "while opening directory", dir);
  std::vector<std::string> names;
  errno = 0;
  while (struct dirent* entry = readdir(d)) {
    absl::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  int err = errno;
  closedir(d);
  if (err != 0) return ErrnoStatus(err, "while reading directory", dir);
  std::sort(names.begin(), names.end());
  return names;
}

absl::StatusOr<std::string> ReadLink(const std::string& path, off_t size) {
  std::string target(static_cast<size_t>(size) + 1, '\0');
  ssize_t n = readlink(path.c_str(), target.data(), target.size());
  if (n < 0) return ErrnoStatus(errno, "while reading symlink", path);
  if (static_cast<size_t>(n) >= target.size()) {
    return absl::InternalError(
        absl::StrCat("symlink \"", path, "\" changed while being read"));
  }
  target.resize(n);
  return target;
}

class Scanner {
 public:
  Scanner(const ScanOptions& options, FsTree* tree)
      : options_(options), tree_(tree) {}

  absl::Status ScanRoot(const std::string& dir) {
    struct stat st;
    if (lstat(dir.c_str(), &st) != 0)
      return ErrnoStatus(errno, "while reading", dir);
    if (!S_ISDIR(st.st_mode)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--from_dir \"", dir, "\" is not a directory"));
    }
    RETURN_IF_ERROR(tree_->Put("", NodeFor(st, NodeType::kDir)));
    return ScanChildren(dir, "");
  }

 private:
  Node NodeFor(const struct stat& st, NodeType type) const {
    Node node = tree_->NewNode(type);
    node.mode = st.st_mode & 07777;
    node.uid = options_.owner ? options_.owner->uid : st.st_uid;
    node.gid = options_.owner ? options_.owner->gid : st.st_gid;
    node.attr_source = AttrSource::kScanned;
    return node;
  }

  // Extended attributes are not copied: remember who had some, so the
  // caller can say so. A file system without xattr support has none.
  void NoteXattrs(const std::string& host_path) {
    if (options_.with_xattrs == nullptr) return;
    if (llistxattr(host_path.c_str(), nullptr, 0) > 0) {
      options_.with_xattrs->push_back(host_path);
    }
  }

  absl::Status ScanChildren(const std::string& host_dir,
                            const std::string& image_dir) {
    ASSIGN_OR_RETURN(std::vector<std::string> names, SortedNames(host_dir));
    for (const std::string& name : names) {
      std::string host_path = absl::StrCat(host_dir, "/", name);
      std::string image_path =
          image_dir.empty() ? name : absl::StrCat(image_dir, "/", name);
      RETURN_IF_ERROR(ScanEntry(host_path, image_path));
    }
    return absl::OkStatus();
  }

  absl::Status ScanEntry(const std::string& host_path,
                         const std::string& image_path) {
    struct stat st;
    if (lstat(host_path.c_str(), &st) != 0) {
      return ErrnoStatus(errno, "while reading", host_path);
    }
    NoteXattrs(host_path);
    if (S_ISDIR(st.st_mode)) {
      RETURN_IF_ERROR(tree_->Put(image_path, NodeFor(st, NodeType::kDir)));
      return ScanChildren(host_path, image_path);
    }
    if (S_ISREG(st.st_mode)) return AddFile(st, host_path, image_path);
    if (S_ISLNK(st.st_mode)) {
      Node node = NodeFor(st, NodeType::kSymlink);
      ASSIGN_OR_RETURN(node.target, ReadLink(host_path, st.st_size));
      return tree_->Put(image_path, std::move(node));
    }
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
      Node node = NodeFor(
          st, S_ISCHR(st.st_mode) ? NodeType::kCharDev : NodeType::kBlockDev);
      node.major = major(st.st_rdev);
      node.minor = minor(st.st_rdev);
      return tree_->Put(image_path, std::move(node));
    }
    if (S_ISFIFO(st.st_mode)) {
      return tree_->Put(image_path, NodeFor(st, NodeType::kFifo));
    }
    return absl::OkStatus();  // sockets: not meaningful in an image
  }

  absl::Status AddFile(const struct stat& st, const std::string& host_path,
                       const std::string& image_path) {
    if (st.st_nlink > 1) {
      auto [it, inserted] =
          first_link_.emplace(std::make_pair(st.st_dev, st.st_ino), image_path);
      if (!inserted) {
        Node link = NodeFor(st, NodeType::kHardlink);
        link.target = it->second;
        return tree_->Put(image_path, std::move(link));
      }
    }
    Node node = NodeFor(st, NodeType::kFile);
    node.source = host_path;
    node.size = st.st_size;
    node.data_bytes = std::min<uint64_t>(
        st.st_size, static_cast<uint64_t>(st.st_blocks) * 512);
    return tree_->Put(image_path, std::move(node));
  }

  const ScanOptions& options_;
  FsTree* tree_;
  std::map<std::pair<dev_t, ino_t>, std::string> first_link_;
};

}  // namespace

absl::StatusOr<Owner> ParseOwner(absl::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, ':');
  Owner owner;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &owner.uid) ||
      !absl::SimpleAtoi(parts[1], &owner.gid)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid owner \"", text, "\": want UID:GID, e.g. 0:0"));
  }
  return owner;
}

absl::Status ScanDirectory(const std::string& dir, const ScanOptions& options,
                           FsTree* tree) {
  return Scanner(options, tree).ScanRoot(dir);
}

}  // namespace perfcell::ext4
