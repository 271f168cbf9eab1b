// Writes an FsTree into an open ext4 file system: into a fresh one, or on top
// of an existing image (adding entries and replacing ones that are there).
//
//   TreeWriter writer(fs->get(), TreeWriter::Mode::kUpdate);
//   RETURN_IF_ERROR(writer.Check(tree));  // before touching the image
//   RETURN_IF_ERROR(writer.Write(tree));
#ifndef PERFCELL_IMAGES_EXT4_TREE_WRITER_H_
#define PERFCELL_IMAGES_EXT4_TREE_WRITER_H_

#include <ext2fs/ext2fs.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "images/ext4/tree.h"

namespace perfcell::ext4 {

class TreeWriter {
 public:
  enum class Mode {
    kFresh,   // a just-formatted image: only root and lost+found exist
    kUpdate,  // an existing image: entries there are replaced
  };

  TreeWriter(ext2_filsys fs, Mode mode) : fs_(fs), mode_(mode) {}

  // Returns, without writing anything, the first conflict between the tree
  // and the image: a path whose parent is not a directory in the image, a
  // directory that would replace a non-directory or the reverse, or a hard
  // link whose target is neither in the tree nor in the image.
  absl::Status Check(const FsTree& tree);

  // Writes every entry, parents before children and names in byte order;
  // hard links last, once their targets exist. In kUpdate mode an existing
  // non-directory is replaced, and an existing directory keeps its
  // attributes unless the tree sets them explicitly.
  absl::Status Write(const FsTree& tree);

 private:
  struct PendingLink {
    ext2_ino_t parent;
    std::string name;
    std::string target;
    std::string path;
  };

  absl::Status WriteChildren(const Node& dir, ext2_ino_t ino,
                             const std::string& path);
  absl::Status WriteChild(ext2_ino_t parent, const std::string& name,
                          const Node& node, const std::string& path);
  absl::Status WriteLink(const PendingLink& link);
  absl::StatusOr<std::optional<ext2_ino_t>> Existing(ext2_ino_t parent,
                                                     const std::string& name,
                                                     const std::string& path);
  // Returns the inode at an image path, or nullopt; never follows symlinks.
  absl::StatusOr<std::optional<ext2_ino_t>> Resolve(const std::string& path);
  absl::StatusOr<bool> IsDirectory(ext2_ino_t ino, const std::string& path);

  ext2_filsys fs_;
  Mode mode_;
  std::map<std::string, ext2_ino_t> written_;
  std::vector<PendingLink> links_;
  // Directories that got names: scrubbed once everything is written.
  std::map<ext2_ino_t, std::string> linked_dirs_;
};

}  // namespace perfcell::ext4

#endif  // PERFCELL_IMAGES_EXT4_TREE_WRITER_H_
