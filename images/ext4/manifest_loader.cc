#include "images/ext4/manifest_loader.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/cc/errno_status.h"
#include "tools/cc/sha256.h"
#include "tools/cc/status_macros.h"
#include "tools/cc/text_proto.h"

namespace perfcell::ext4 {
namespace {

absl::StatusOr<NodeType> TypeOf(const images::Entry& entry) {
  switch (entry.type()) {
    case images::Entry::FILE:
      return NodeType::kFile;
    case images::Entry::DIR:
      return NodeType::kDir;
    case images::Entry::SYMLINK:
      return NodeType::kSymlink;
    case images::Entry::HARDLINK:
      return NodeType::kHardlink;
    case images::Entry::CHAR:
      return NodeType::kCharDev;
    case images::Entry::BLOCK:
      return NodeType::kBlockDev;
    case images::Entry::FIFO:
      return NodeType::kFifo;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("manifest entry \"", entry.path(), "\" has no type"));
  }
}

absl::Status FillFile(const images::Entry& entry, Node* node) {
  bool has_source = !entry.source().empty();
  if (has_source == entry.has_content()) {
    return absl::InvalidArgumentError(
        absl::StrCat("manifest file \"", entry.path(),
                     "\" needs exactly one of source and content"));
  }
  if (!has_source) {
    node->content = entry.content();
    node->size = node->data_bytes = entry.content().size();
    return absl::OkStatus();
  }
  struct stat st;
  if (stat(entry.source().c_str(), &st) != 0) {
    return ErrnoStatus(
        errno, absl::StrCat("manifest file \"", entry.path(), "\": source"),
        entry.source());
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("manifest file \"", entry.path(), "\": source \"",
                     entry.source(), "\" is not a regular file"));
  }
  if (!entry.sha256().empty()) {
    ASSIGN_OR_RETURN(std::string digest, Sha256OfFile(entry.source()));
    if (digest != entry.sha256()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "manifest file \"", entry.path(), "\": source \"", entry.source(),
          "\" has sha256 ", digest, ", the manifest says ", entry.sha256(),
          ": the file changed after the manifest was written (for host "
          "libraries: run `bazel sync --only=host_libraries`)"));
    }
  }
  node->source = entry.source();
  node->size = st.st_size;
  node->data_bytes =
      std::min<uint64_t>(st.st_size, static_cast<uint64_t>(st.st_blocks) * 512);
  return absl::OkStatus();
}

absl::Status AddEntry(const images::Entry& entry, FsTree* tree) {
  ASSIGN_OR_RETURN(NodeType type, TypeOf(entry));
  Node node = tree->NewNode(type);
  node.attr_source = AttrSource::kManifest;
  if (entry.has_mode()) {
    if (entry.mode() > 07777) {
      return absl::InvalidArgumentError(
          absl::StrFormat("manifest entry \"%s\": mode 0%o is beyond 07777",
                          entry.path(), entry.mode()));
    }
    node.mode = entry.mode();
  }
  if (entry.has_uid()) node.uid = entry.uid();
  if (entry.has_gid()) node.gid = entry.gid();
  if (entry.has_mtime()) node.mtime = entry.mtime();
  switch (type) {
    case NodeType::kFile:
      RETURN_IF_ERROR(FillFile(entry, &node));
      break;
    case NodeType::kSymlink:
      if (entry.target().empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "manifest symlink \"", entry.path(), "\" has no target"));
      }
      node.target = entry.target();
      break;
    case NodeType::kHardlink: {
      ASSIGN_OR_RETURN(node.target, NormalizeImagePath(entry.target()));
      if (node.target.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "manifest hard link \"", entry.path(), "\" has no target"));
      }
      break;
    }
    case NodeType::kCharDev:
    case NodeType::kBlockDev:
      node.major = entry.major();
      node.minor = entry.minor();
      break;
    default:
      break;
  }
  return tree->Put(entry.path(), std::move(node));
}

}  // namespace

absl::StatusOr<images::Manifest> LoadManifest(const std::string& path) {
  images::Manifest manifest;
  RETURN_IF_ERROR(ReadTextProto(path, &manifest));
  return manifest;
}

absl::Status AddManifest(const images::Manifest& manifest, FsTree* tree) {
  for (const images::Entry& entry : manifest.entry()) {
    RETURN_IF_ERROR(AddEntry(entry, tree));
  }
  return absl::OkStatus();
}

}  // namespace perfcell::ext4
