// Turns a Manifest into the exact list of archive members, in archive order.
//
// PlanArchive validates every path, fills in default modes, reads the host
// source files, adds the parent directories nobody listed, and sorts the
// result by path, so the same manifest always gives the same archive:
//
//   images::Manifest m;  // entry { path: "bin/busybox" type: FILE source: "bb"
//   } absl::StatusOr<std::vector<Member>> members = PlanArchive(m);
//   // members: "bin" (dir 0755), "bin/busybox" (file, content of "bb")
//
// The manifest is images/manifest/manifest.proto, the schema mkext4 reads too.
// Every entry type has a newc form: FILE, DIR, SYMLINK, CHAR, BLOCK and FIFO
// are members of their own; a HARDLINK is a member that shares its target's
// inode (see Member::link_to).
#ifndef PERFCELL_IMAGES_INITRAMFS_PLAN_H_
#define PERFCELL_IMAGES_INITRAMFS_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "images/manifest/manifest.pb.h"

namespace perfcell::initramfs {

// One archive member, ready to serialize.
struct Member {
  std::string path;   // relative, normalized: "bin/busybox"
  uint32_t mode = 0;  // file type bits (S_IFREG, ...) | permission bits
  uint32_t uid = 0;
  uint32_t gid = 0;
  // Modification time (seconds); unset: the archive's (NewcOptions::mtime).
  std::optional<uint32_t> mtime;
  std::string data;  // file content, or the symlink target
  uint32_t rdev_major = 0;
  uint32_t rdev_minor = 0;
  // A hard link: the path of the member whose inode this one names (a file,
  // device node or FIFO that is not itself a link), whose mode, owner, mtime
  // and device number it carries; `data` stays empty. "" otherwise.
  std::string link_to;
};

// Returns `path` without leading slashes, or InvalidArgument when it is
// empty, has an empty, "." or ".." component, contains a NUL byte, has a
// component over 255 bytes (NAME_MAX) or is 4096 bytes or longer (the kernel's
// unpacker skips names over PATH_MAX with their NUL).
//   NormalizePath("/bin//sh") -> InvalidArgument (empty component)
//   NormalizePath("/bin/sh")  -> "bin/sh"
absl::StatusOr<std::string> NormalizePath(absl::string_view path);

// Returns the members of the archive described by `manifest`, sorted by path
// with every parent directory present. Errors name the entry: a bad path, a
// duplicate path, a parent that is not a directory, an unreadable source (or
// one that is not a regular file), a symlink target of 4096 bytes or more, an
// mtime newc cannot hold, a hard link whose target is missing, a directory, a
// symlink (the kernel cannot link those) or another hard link.
absl::StatusOr<std::vector<Member>> PlanArchive(
    const images::Manifest& manifest);

}  // namespace perfcell::initramfs

#endif  // PERFCELL_IMAGES_INITRAMFS_PLAN_H_
