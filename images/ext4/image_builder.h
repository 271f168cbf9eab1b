// Builds ext4 images from an FsTree, or adds a tree to an existing image.
// The library behind the mkext4 CLI.
//
//   FsTree tree({.uid = 0, .gid = 0, .mtime = epoch});
//   RETURN_IF_ERROR(ScanDirectory("rootfs", {}, &tree));
//   RETURN_IF_ERROR(BuildImage(tree, {.size_bytes = 50ull << 30}, "disk.img"));
//
// Images are deterministic: the same tree and options give the same bytes.
// The UUID and directory hash seed come from a SHA-256 of the tree's listing
// and the options (or --uuid), and every timestamp is the tree's (manifest
// mtime or the epoch), never the host clock.
#ifndef PERFCELL_IMAGES_EXT4_IMAGE_BUILDER_H_
#define PERFCELL_IMAGES_EXT4_IMAGE_BUILDER_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "images/ext4/tree.h"

namespace perfcell::ext4 {

struct ImageOptions {
  uint64_t size_bytes = 0;  // apparent size of the image file
  bool journal = true;
  bool read_only = false;  // the read-only feature: the kernel mounts ro
  std::string label;       // up to 16 bytes
  std::string uuid;        // "" derives one from the content
  int64_t epoch = 0;       // superblock and journal times
  // Instead of size_bytes: the smallest whole-MiB size that holds the tree
  // and its metadata (inode tables, bitmaps, journal) with this much free
  // space left: headroom_percent of the content's blocks, at least
  // headroom_bytes.
  bool fit = false;
  uint32_t headroom_percent = 0;
  uint64_t headroom_bytes = 0;
};

// Writes a new image of `tree` to `out`, replacing it only on success (a
// temporary file next to it is renamed at the end and removed on failure).
// Errors: InvalidArgument for bad options or hard links, ResourceExhausted
// when the content does not fit in `size_bytes`.
absl::Status BuildImage(const FsTree& tree, const ImageOptions& options,
                        const std::string& out);

// Returns the size BuildImage gives an image of `tree` with options.fit:
// formats trial images next to `out` (removed again) until one has room for
// the content and the headroom. The same tree and options give the same size.
absl::StatusOr<uint64_t> FitSize(const FsTree& tree,
                                 const ImageOptions& options,
                                 const std::string& out);

// Adds `tree` to the existing image `image` in place: new entries are
// created, existing files, symlinks and devices replaced, existing
// directories kept. Conflicts and missing hard-link targets are found before
// the image is touched.
absl::Status AddToImage(const FsTree& tree, int64_t epoch,
                        const std::string& image);

// Like AddToImage, on a copy of `base` (reflinked or sparse-copied next to
// `out`) that replaces `out` only on success.
absl::Status AddToCopy(const FsTree& tree, int64_t epoch,
                       const std::string& base, const std::string& out);

// Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx".
absl::StatusOr<std::array<uint8_t, 16>> ParseUuid(absl::string_view text);

// Returns the number of 4 KiB blocks the tree's content needs, an estimate
// that errs on the high side (data, extent and directory blocks).
uint64_t EstimateBlocks(const FsTree& tree);

}  // namespace perfcell::ext4

#endif  // PERFCELL_IMAGES_EXT4_IMAGE_BUILDER_H_
