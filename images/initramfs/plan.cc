#include "images/initramfs/plan.h"

#include <sys/stat.h>

#include <limits>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "tools/cc/atomic_file.h"
#include "tools/cc/status_macros.h"

namespace perfcell::initramfs {
namespace {

using ::perfcell::images::Entry;
using ::perfcell::images::Manifest;

constexpr uint32_t kPermissionBits = 07777;
// The kernel's initramfs unpacker (init/initramfs.c) skips a member whose
// name_len (the path plus its NUL) is over PATH_MAX, and creates members with
// the usual system calls, which refuse a component over NAME_MAX and a
// symlink target of PATH_MAX bytes or more (with its NUL).
constexpr size_t kPathMax = 4096;
constexpr size_t kNameMax = 255;

std::string Describe(const Entry& entry, int index) {
  return absl::StrCat("entry ", index, " (\"", entry.path(), "\")");
}

absl::Status EntryError(const Entry& entry, int index,
                        absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat(Describe(entry, index), ": ", problem));
}

uint32_t ModeOr(const Entry& entry, uint32_t default_mode) {
  return entry.has_mode() ? entry.mode() : default_mode;
}

absl::StatusOr<Member> FileMember(const Entry& entry, int index) {
  Member m;
  if (entry.has_content() == !entry.source().empty()) {
    return EntryError(entry, index,
                      "a file needs exactly one of source and content");
  }
  uint32_t default_mode = 0644;
  if (entry.has_content()) {
    m.data = entry.content();
  } else {
    absl::StatusOr<std::string> data = ReadFile(entry.source());
    if (!data.ok()) {
      return EntryError(entry, index, data.status().message());
    }
    m.data = *std::move(data);
    struct stat st;
    if (stat(entry.source().c_str(), &st) == 0 && (st.st_mode & S_IXUSR)) {
      default_mode = 0755;
    }
  }
  m.mode = S_IFREG | ModeOr(entry, default_mode);
  return m;
}

absl::StatusOr<Member> MemberFor(const Entry& entry, int index) {
  if (entry.mode() & ~kPermissionBits) {
    return EntryError(entry, index,
                      absl::StrFormat("mode 0%o has bits other than the "
                                      "permission bits 07777",
                                      entry.mode()));
  }
  Member m;
  switch (entry.type()) {
    case Entry::FILE: {
      ASSIGN_OR_RETURN(m, FileMember(entry, index));
      break;
    }
    case Entry::DIR:
      m.mode = S_IFDIR | ModeOr(entry, 0755);
      break;
    case Entry::SYMLINK:
      if (entry.target().empty()) {
        return EntryError(entry, index, "a symlink needs a target");
      }
      if (entry.target().size() >= kPathMax) {
        return EntryError(
            entry, index,
            absl::StrCat("symlink target of ", entry.target().size(),
                         " bytes is too long: the kernel takes at most ",
                         kPathMax - 1));
      }
      m.mode = S_IFLNK | ModeOr(entry, 0777);
      m.data = entry.target();
      break;
    case Entry::HARDLINK: {
      // Attributes come from the target, once every entry is known.
      absl::StatusOr<std::string> target = NormalizePath(entry.target());
      if (!target.ok()) {
        return EntryError(
            entry, index,
            absl::StrCat("hard link target: ", target.status().message()));
      }
      m.link_to = *std::move(target);
      break;
    }
    case Entry::CHAR:
    case Entry::BLOCK:
      m.mode = (entry.type() == Entry::CHAR ? S_IFCHR : S_IFBLK) |
               ModeOr(entry, 0600);
      m.rdev_major = entry.major();
      m.rdev_minor = entry.minor();
      break;
    case Entry::FIFO:
      m.mode = S_IFIFO | ModeOr(entry, 0644);
      break;
    case Entry::TYPE_UNSPECIFIED:
      return EntryError(entry, index, "type is not set");
    default:
      return EntryError(
          entry, index,
          absl::StrCat("type ", entry.type(),
                       " is not one newc can hold (FILE, DIR, SYMLINK, "
                       "HARDLINK, CHAR, BLOCK, FIFO)"));
  }
  if (entry.has_mtime() && entry.type() != Entry::HARDLINK) {
    if (entry.mtime() < 0 ||
        entry.mtime() > std::numeric_limits<uint32_t>::max()) {
      return EntryError(
          entry, index,
          absl::StrCat("mtime ", entry.mtime(),
                       " does not fit newc's 32-bit unsigned field"));
    }
    m.mtime = static_cast<uint32_t>(entry.mtime());
  }
  absl::StatusOr<std::string> path = NormalizePath(entry.path());
  if (!path.ok()) return EntryError(entry, index, path.status().message());
  m.path = *std::move(path);
  m.uid = entry.uid();
  m.gid = entry.gid();
  return m;
}

// Gives every hard link its target's inode attributes, or the error naming
// the link when the target cannot be linked.
absl::Status ResolveHardLinks(const Manifest& manifest,
                              const std::map<std::string, int>& index_of,
                              std::map<std::string, Member>& by_path) {
  for (auto& [path, member] : by_path) {
    if (member.link_to.empty()) continue;
    const int index = index_of.at(path);
    const Entry& entry = manifest.entry(index);
    auto it = by_path.find(member.link_to);
    const std::string target =
        absl::StrCat("hard link target \"", member.link_to, "\"");
    if (it == by_path.end()) {
      return EntryError(entry, index,
                        absl::StrCat(target, " is not in the manifest"));
    }
    const Member& t = it->second;
    if (!t.link_to.empty()) {
      return EntryError(entry, index,
                        absl::StrCat(target,
                                     " is a hard link itself; link "
                                     "to its target instead"));
    }
    if (S_ISDIR(t.mode)) {
      return EntryError(entry, index, absl::StrCat(target, " is a directory"));
    }
    if (S_ISLNK(t.mode)) {
      return EntryError(entry, index,
                        absl::StrCat(target,
                                     " is a symlink: the kernel's initramfs "
                                     "unpacker cannot hard-link symlinks"));
    }
    member.mode = t.mode;
    member.uid = t.uid;
    member.gid = t.gid;
    member.mtime = t.mtime;
    member.rdev_major = t.rdev_major;
    member.rdev_minor = t.rdev_minor;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> NormalizePath(absl::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (path.empty()) {
    return absl::InvalidArgumentError("path is empty (or only \"/\")");
  }
  if (path.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError("path contains a NUL byte");
  }
  if (path.size() >= kPathMax) {
    return absl::InvalidArgumentError(absl::StrCat(
        "path of ", path.size(),
        " bytes is too long: the kernel unpacks at most ", kPathMax - 1));
  }
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    if (part.empty() || part == "." || part == "..") {
      return absl::InvalidArgumentError(absl::StrCat(
          "path \"", path, "\" has an empty, \".\" or \"..\" component"));
    }
    if (part.size() > kNameMax) {
      return absl::InvalidArgumentError(
          absl::StrCat("path \"", path, "\" has a component of ", part.size(),
                       " bytes; the kernel takes at most ", kNameMax));
    }
  }
  return std::string(path);
}

absl::StatusOr<std::vector<Member>> PlanArchive(const Manifest& manifest) {
  std::map<std::string, Member> by_path;
  std::map<std::string, int> index_of;
  for (int i = 0; i < manifest.entry_size(); ++i) {
    const Entry& entry = manifest.entry(i);
    ASSIGN_OR_RETURN(Member member, MemberFor(entry, i));
    std::string path = member.path;
    if (!by_path.emplace(path, std::move(member)).second) {
      return EntryError(entry, i, "the path is listed twice");
    }
    index_of[path] = i;
  }
  RETURN_IF_ERROR(ResolveHardLinks(manifest, index_of, by_path));
  // Parents: add the missing ones, reject files used as directories.
  std::vector<std::string> explicit_paths;
  for (const auto& [path, member] : by_path) explicit_paths.push_back(path);
  for (const std::string& path : explicit_paths) {
    for (size_t slash = path.find('/'); slash != std::string::npos;
         slash = path.find('/', slash + 1)) {
      std::string parent = path.substr(0, slash);
      auto it = by_path.find(parent);
      if (it == by_path.end()) {
        Member dir;
        dir.path = parent;
        dir.mode = S_IFDIR | 0755;
        by_path.emplace(parent, std::move(dir));
      } else if (!S_ISDIR(it->second.mode)) {
        return absl::InvalidArgumentError(
            absl::StrCat("\"", path, "\" is under \"", parent,
                         "\", which is not a directory"));
      }
    }
  }
  std::vector<Member> members;
  members.reserve(by_path.size());
  for (auto& [path, member] : by_path) members.push_back(std::move(member));
  return members;
}

}  // namespace perfcell::initramfs
