#include "images/ext4/tree_writer.h"

#include <functional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "images/ext4/dir_ops.h"
#include "images/ext4/ext2_error.h"
#include "images/ext4/inode_writers.h"
#include "tools/cc/status_macros.h"

namespace perfcell::ext4 {
namespace {

std::string Join(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : absl::StrCat(dir, "/", name);
}

size_t ChildEntryBytes(const Node& dir) {
  size_t bytes = 0;
  for (const auto& [name, child] : dir.children) {
    bytes += DirEntryBytes(name.size());
  }
  return bytes;
}

}  // namespace

absl::StatusOr<bool> TreeWriter::IsDirectory(ext2_ino_t ino,
                                             const std::string& path) {
  ext2_inode inode;
  RETURN_IF_ERROR(
      Ext2Error(ext2fs_read_inode(fs_, ino, &inode), "reading", path));
  return LINUX_S_ISDIR(inode.i_mode);
}

absl::StatusOr<std::optional<ext2_ino_t>> TreeWriter::Resolve(
    const std::string& path) {
  auto it = written_.find(path);
  if (it != written_.end()) return std::optional<ext2_ino_t>(it->second);
  ext2_ino_t ino = EXT2_ROOT_INO;
  std::string walked;
  for (absl::string_view part : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    walked = Join(walked, std::string(part));
    ASSIGN_OR_RETURN(bool is_dir, IsDirectory(ino, walked));
    if (!is_dir) return std::optional<ext2_ino_t>();
    ASSIGN_OR_RETURN(std::optional<ext2_ino_t> next,
                     LookupName(fs_, ino, std::string(part), walked));
    if (!next.has_value()) return next;
    ino = *next;
  }
  return std::optional<ext2_ino_t>(ino);
}

absl::Status TreeWriter::Check(const FsTree& tree) {
  absl::Status status;
  std::function<void(const Node&, const std::string&)> visit =
      [&](const Node& dir, const std::string& path) {
        for (const auto& [name, child] : dir.children) {
          if (!status.ok()) return;
          std::string child_path = Join(path, name);
          auto existing = Resolve(child_path);
          if (!existing.ok()) {
            status = existing.status();
            return;
          }
          if (existing->has_value()) {
            auto is_dir = IsDirectory(**existing, child_path);
            if (!is_dir.ok()) {
              status = is_dir.status();
              return;
            }
            bool want_dir = child->type == NodeType::kDir;
            if (*is_dir != want_dir) {
              status = absl::InvalidArgumentError(
                  absl::StrCat("path \"", child_path, "\" is a ",
                               *is_dir ? "directory" : "non-directory",
                               " in the image and cannot become a ",
                               NodeTypeName(child->type)));
              return;
            }
          }
          if (child->type == NodeType::kDir) visit(*child, child_path);
        }
      };
  visit(tree.root(), "");
  RETURN_IF_ERROR(status);
  return tree.Validate([&](const std::string& target) {
    auto ino = Resolve(target);
    if (!ino.ok() || !ino->has_value()) return false;
    auto is_dir = IsDirectory(**ino, target);
    return is_dir.ok() && !*is_dir;
  });
}

absl::Status TreeWriter::Write(const FsTree& tree) {
  const Node& root = tree.root();
  RETURN_IF_ERROR(WriteChildren(root, EXT2_ROOT_INO, ""));
  for (const PendingLink& link : links_) RETURN_IF_ERROR(WriteLink(link));
  // Names went in through libext2fs, which leaves process memory in name
  // padding and htree leaves: zero every unused byte (see ScrubDirectory).
  for (const auto& [ino, path] : linked_dirs_) {
    RETURN_IF_ERROR(ScrubDirectory(fs_, ino, path.empty() ? "/" : path));
  }
  if (mode_ == Mode::kFresh || root.attr_source == AttrSource::kManifest) {
    RETURN_IF_ERROR(SetAttributes(fs_, EXT2_ROOT_INO, root, "/"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<ext2_ino_t>> TreeWriter::Existing(
    ext2_ino_t parent, const std::string& name, const std::string& path) {
  // A fresh image holds only lost+found, in the root; looking names up in
  // large fresh directories would cost a scan per name.
  if (mode_ == Mode::kFresh && parent != EXT2_ROOT_INO) {
    return std::optional<ext2_ino_t>();
  }
  return LookupName(fs_, parent, name, path);
}

absl::Status TreeWriter::WriteChildren(const Node& dir, ext2_ino_t ino,
                                       const std::string& path) {
  if (!dir.children.empty()) linked_dirs_.emplace(ino, path);
  for (const auto& [name, child] : dir.children) {
    RETURN_IF_ERROR(WriteChild(ino, name, *child, Join(path, name)));
  }
  return absl::OkStatus();
}

absl::Status TreeWriter::WriteChild(ext2_ino_t parent, const std::string& name,
                                    const Node& node, const std::string& path) {
  if (node.type == NodeType::kHardlink) {
    links_.push_back({parent, name, node.target, path});
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::optional<ext2_ino_t> existing,
                   Existing(parent, name, path));
  ext2_ino_t ino = 0;
  if (node.type == NodeType::kDir) {
    bool created = !existing.has_value();
    if (created) {
      ASSIGN_OR_RETURN(
          ino, MakeDirectory(fs_, parent, name,
                             NeedsIndex(fs_, ChildEntryBytes(node)), path));
    } else {
      ino = *existing;
    }
    written_[path] = ino;
    RETURN_IF_ERROR(WriteChildren(node, ino, path));
    // Attributes last: growing the directory must not leave a later time.
    if (created || node.attr_source != AttrSource::kImplicit) {
      RETURN_IF_ERROR(SetAttributes(fs_, ino, node, path));
    }
    return absl::OkStatus();
  }
  if (existing.has_value()) {
    RETURN_IF_ERROR(RemoveName(fs_, parent, name, *existing, path));
  }
  switch (node.type) {
    case NodeType::kFile: {
      ASSIGN_OR_RETURN(ino, WriteRegularFile(fs_, parent, name, node, path));
      break;
    }
    case NodeType::kSymlink: {
      ASSIGN_OR_RETURN(ino, WriteSymlink(fs_, parent, name, node, path));
      break;
    }
    default: {
      ASSIGN_OR_RETURN(ino, WriteSpecial(fs_, parent, name, node, path));
      break;
    }
  }
  written_[path] = ino;
  return absl::OkStatus();
}

absl::Status TreeWriter::WriteLink(const PendingLink& link) {
  ASSIGN_OR_RETURN(std::optional<ext2_ino_t> target, Resolve(link.target));
  if (!target.has_value()) {
    return absl::NotFoundError(absl::StrCat("hard link \"", link.path,
                                            "\": target \"", link.target,
                                            "\" does not exist"));
  }
  ASSIGN_OR_RETURN(std::optional<ext2_ino_t> existing,
                   Existing(link.parent, link.name, link.path));
  if (existing.has_value()) {
    if (*existing == *target) return absl::OkStatus();
    RETURN_IF_ERROR(
        RemoveName(fs_, link.parent, link.name, *existing, link.path));
  }
  RETURN_IF_ERROR(
      WriteHardLink(fs_, link.parent, link.name, *target, link.path));
  written_[link.path] = *target;
  return absl::OkStatus();
}

}  // namespace perfcell::ext4
