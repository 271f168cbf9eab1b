// The planned content of an ext4 image: a tree of entries, each with its type,
// attributes and where its bytes come from. Directory scans and manifests
// both add to one tree (manifest entries on top of a scanned directory); the
// image writer then walks it in sorted order.
//
//   FsTree tree({.uid = 0, .gid = 0, .mtime = 0});
//   Node file = tree.NewNode(NodeType::kFile);
//   file.content = "hello\n";
//   RETURN_IF_ERROR(tree.Put("etc/motd", std::move(file)));  // makes "etc"
//   RETURN_IF_ERROR(tree.Validate());  // hard-link targets exist
#ifndef PERFCELL_IMAGES_EXT4_TREE_H_
#define PERFCELL_IMAGES_EXT4_TREE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace perfcell::ext4 {

enum class NodeType {
  kFile,
  kDir,
  kSymlink,
  kHardlink,
  kCharDev,
  kBlockDev,
  kFifo
};

// Returns "file", "dir", "symlink", ... for messages.
absl::string_view NodeTypeName(NodeType type);

// Where a node's attributes come from. In --add mode, directories that already
// exist in the image keep their attributes unless the node says otherwise.
enum class AttrSource { kImplicit, kScanned, kManifest };

struct Node {
  NodeType type = NodeType::kFile;
  uint32_t mode = 0;  // permission bits only (07777)
  uint32_t uid = 0;
  uint32_t gid = 0;
  int64_t mtime = 0;
  AttrSource attr_source = AttrSource::kImplicit;
  // kFile: a host file to copy, or the bytes themselves.
  std::string source;
  std::optional<std::string> content;
  // kFile: apparent size, and the bytes of data it will occupy (holes
  // excluded, for the fit check).
  uint64_t size = 0;
  uint64_t data_bytes = 0;
  // kSymlink: the target as stored; kHardlink: the normalized image path.
  std::string target;
  uint32_t major = 0;
  uint32_t minor = 0;
  // kDir: children by name, in byte order (the order they are written in).
  std::map<std::string, std::unique_ptr<Node>> children;
};

// Attributes for directories that are created implicitly as parents.
struct DefaultAttrs {
  uint32_t uid = 0;
  uint32_t gid = 0;
  int64_t mtime = 0;
};

// Returns `path` as image-relative components joined by "/" ("" for the
// root). A leading "/" and empty or "." components are dropped; ".."
// components and names over 255 bytes are InvalidArgument naming the path.
absl::StatusOr<std::string> NormalizeImagePath(absl::string_view path);

class FsTree {
 public:
  explicit FsTree(DefaultAttrs defaults);

  // Returns a node of `type` with that type's default mode and the tree's
  // default owner and time.
  Node NewNode(NodeType type) const;

  // Adds or replaces the entry at `path`, creating missing parents as
  // directories. Replacing keeps a directory's children (only its attributes
  // change). InvalidArgument when the path is bad, a parent is not a
  // directory, or the path already holds an entry of another type.
  absl::Status Put(absl::string_view path, Node node);

  // Returns the node at a normalized path, or nullptr.
  const Node* Find(absl::string_view normalized_path) const;

  // Checks what needs the whole tree: every hard link names an existing
  // non-directory entry that is not itself a hard link. `exists_elsewhere`
  // (may be empty) is asked about targets that are not in the tree, e.g.
  // files already in the image being updated.
  absl::Status Validate(const std::function<bool(const std::string&)>&
                            exists_elsewhere = {}) const;

  // Returns a canonical listing (path, type, attributes, sizes, targets) of
  // the whole tree, independent of how it was built; hashed into the UUID.
  std::string Fingerprint() const;

  // Counts entries (root excluded) and sums data bytes.
  size_t EntryCount() const;
  uint64_t DataBytes() const;

  const Node& root() const { return root_; }
  Node& mutable_root() { return root_; }
  const DefaultAttrs& defaults() const { return defaults_; }

 private:
  DefaultAttrs defaults_;
  Node root_;
};

}  // namespace perfcell::ext4

#endif  // PERFCELL_IMAGES_EXT4_TREE_H_
