// Turns a Manifest into the exact list of archive members, in archive order.
//
// PlanArchive validates every path, fills in default modes, reads the host
// source files, adds the parent directories nobody listed, and sorts the
// result by path, so the same manifest always gives the same archive:
//
//   Manifest m;  // entry { path: "bin/busybox" type: FILE source: "bb" }
//   absl::StatusOr<std::vector<Member>> members = PlanArchive(m);
//   // members: "bin" (dir 0755), "bin/busybox" (file, content of "bb")
#ifndef PERFCELL_IMAGES_INITRAMFS_PLAN_H_
#define PERFCELL_IMAGES_INITRAMFS_PLAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "images/initramfs/manifest.pb.h"

namespace perfcell::initramfs {

// One archive member, ready to serialize.
struct Member {
  std::string path;   // relative, normalized: "bin/busybox"
  uint32_t mode = 0;  // file type bits (S_IFREG, ...) | permission bits
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::string data;  // file content, or the symlink target
  uint32_t rdev_major = 0;
  uint32_t rdev_minor = 0;
};

// Returns `path` without leading slashes, or InvalidArgument when it is
// empty, has an empty, "." or ".." component, or contains a NUL byte.
//   NormalizePath("/bin//sh") -> InvalidArgument (empty component)
//   NormalizePath("/bin/sh")  -> "bin/sh"
absl::StatusOr<std::string> NormalizePath(absl::string_view path);

// Returns the members of the archive described by `manifest`, sorted by path
// with every parent directory present. Errors name the entry: a bad path, a
// duplicate path, a parent that is not a directory, an unreadable source.
absl::StatusOr<std::vector<Member>> PlanArchive(const Manifest& manifest);

}  // namespace perfcell::initramfs

#endif  // PERFCELL_IMAGES_INITRAMFS_PLAN_H_
