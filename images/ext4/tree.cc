#include "images/ext4/tree.h"

#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace perfcell::ext4 {
namespace {

constexpr size_t kMaxNameBytes = 255;

uint32_t DefaultMode(NodeType type) {
  switch (type) {
    case NodeType::kDir:
      return 0755;
    case NodeType::kSymlink:
      return 0777;
    default:
      return 0644;
  }
}

void Walk(const Node& node, const std::string& path,
          const std::function<void(const std::string&, const Node&)>& visit) {
  visit(path, node);
  for (const auto& [name, child] : node.children) {
    Walk(*child, path.empty() ? name : absl::StrCat(path, "/", name), visit);
  }
}

}  // namespace

absl::string_view NodeTypeName(NodeType type) {
  switch (type) {
    case NodeType::kFile:
      return "file";
    case NodeType::kDir:
      return "dir";
    case NodeType::kSymlink:
      return "symlink";
    case NodeType::kHardlink:
      return "hardlink";
    case NodeType::kCharDev:
      return "char";
    case NodeType::kBlockDev:
      return "block";
    case NodeType::kFifo:
      return "fifo";
  }
  return "unknown";
}

absl::StatusOr<std::string> NormalizeImagePath(absl::string_view path) {
  std::vector<absl::string_view> parts;
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      return absl::InvalidArgumentError(absl::StrCat(
          "path \"", path, "\" has a \"..\" component (escapes the image)"));
    }
    if (part.size() > kMaxNameBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("path \"", path, "\" has a name of ", part.size(),
                       " bytes; ext4 allows at most 255"));
    }
    if (part.find('\0') != absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("path \"", absl::CEscape(path), "\" contains a NUL"));
    }
    parts.push_back(part);
  }
  return absl::StrJoin(parts, "/");
}

FsTree::FsTree(DefaultAttrs defaults) : defaults_(defaults) {
  root_ = NewNode(NodeType::kDir);
}

Node FsTree::NewNode(NodeType type) const {
  Node node;
  node.type = type;
  node.mode = DefaultMode(type);
  node.uid = defaults_.uid;
  node.gid = defaults_.gid;
  node.mtime = defaults_.mtime;
  return node;
}

absl::Status FsTree::Put(absl::string_view path, Node node) {
  auto normalized = NormalizeImagePath(path);
  if (!normalized.ok()) return normalized.status();
  if (normalized->empty()) {
    if (node.type != NodeType::kDir) {
      return absl::InvalidArgumentError(absl::StrCat(
          "path \"", path, "\" is the root directory but has type ",
          NodeTypeName(node.type)));
    }
    node.children = std::move(root_.children);
    root_ = std::move(node);
    return absl::OkStatus();
  }
  std::vector<std::string> parts = absl::StrSplit(*normalized, '/');
  Node* dir = &root_;
  std::string walked;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    walked = walked.empty() ? parts[i] : absl::StrCat(walked, "/", parts[i]);
    auto& slot = dir->children[parts[i]];
    if (slot == nullptr) {
      slot = std::make_unique<Node>(NewNode(NodeType::kDir));
    } else if (slot->type != NodeType::kDir) {
      return absl::InvalidArgumentError(
          absl::StrCat("path \"", path, "\": parent \"", walked, "\" is a ",
                       NodeTypeName(slot->type), ", not a directory"));
    }
    dir = slot.get();
  }
  auto& slot = dir->children[parts.back()];
  if (slot != nullptr) {
    if (slot->type != node.type) {
      return absl::InvalidArgumentError(absl::StrCat(
          "duplicate path \"", *normalized, "\" with different types (",
          NodeTypeName(slot->type), " and ", NodeTypeName(node.type), ")"));
    }
    node.children = std::move(slot->children);
  }
  slot = std::make_unique<Node>(std::move(node));
  return absl::OkStatus();
}

const Node* FsTree::Find(absl::string_view normalized_path) const {
  const Node* node = &root_;
  if (normalized_path.empty()) return node;
  for (absl::string_view part : absl::StrSplit(normalized_path, '/')) {
    auto it = node->children.find(std::string(part));
    if (it == node->children.end()) return nullptr;
    node = it->second.get();
  }
  return node;
}

absl::Status FsTree::Validate(
    const std::function<bool(const std::string&)>& exists_elsewhere) const {
  absl::Status status;
  Walk(root_, "", [&](const std::string& path, const Node& node) {
    if (!status.ok() || node.type != NodeType::kHardlink) return;
    const Node* target = Find(node.target);
    if (target == nullptr) {
      if (exists_elsewhere && exists_elsewhere(node.target)) return;
      status = absl::NotFoundError(absl::StrCat("hard link \"", path,
                                                "\": target \"", node.target,
                                                "\" does not exist"));
    } else if (target->type == NodeType::kDir ||
               target->type == NodeType::kHardlink) {
      status = absl::InvalidArgumentError(
          absl::StrCat("hard link \"", path, "\": target \"", node.target,
                       "\" is a ", NodeTypeName(target->type)));
    }
  });
  return status;
}

std::string FsTree::Fingerprint() const {
  std::string out;
  Walk(root_, "", [&](const std::string& path, const Node& node) {
    absl::StrAppend(&out, absl::CEscape(path), "\t", NodeTypeName(node.type),
                    "\t", node.mode, "\t", node.uid, ":", node.gid, "\t",
                    node.mtime, "\t", node.size, "\t",
                    absl::CEscape(node.target), "\t", node.major, ",",
                    node.minor);
    if (node.content.has_value()) {
      absl::StrAppend(&out, "\t", absl::CEscape(*node.content));
    }
    out.push_back('\n');
  });
  return out;
}

size_t FsTree::EntryCount() const {
  size_t count = 0;
  Walk(root_, "", [&](const std::string&, const Node&) { ++count; });
  return count - 1;
}

uint64_t FsTree::DataBytes() const {
  uint64_t bytes = 0;
  Walk(root_, "",
       [&](const std::string&, const Node& node) { bytes += node.data_bytes; });
  return bytes;
}

}  // namespace perfcell::ext4
