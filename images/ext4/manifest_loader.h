// Reads an image manifest (images/manifest/manifest.proto, text format, the
// schema mkinitramfs reads too) and adds its entries to an FsTree, checking
// each one.
//
//   ASSIGN_OR_RETURN(images::Manifest m, LoadManifest("image.textproto"));
//   RETURN_IF_ERROR(AddManifest(m, &tree));  // on top of a scanned tree
#ifndef PERFCELL_IMAGES_EXT4_MANIFEST_LOADER_H_
#define PERFCELL_IMAGES_EXT4_MANIFEST_LOADER_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "images/ext4/tree.h"
#include "images/manifest/manifest.pb.h"

namespace perfcell::ext4 {

// Returns the manifest parsed from the text-format file at `path`.
// NotFound when it cannot be read, InvalidArgument (with the parser's line and
// column) when it does not parse.
absl::StatusOr<images::Manifest> LoadManifest(const std::string& path);

// Adds every entry to `tree` in order; a later entry replaces an earlier one
// of the same type at the same path. Unset uid/gid/mtime/mode take the tree's
// defaults. Returns the first problem, naming the entry's path: a bad path, a
// missing or non-regular source, both or neither of source and content, an
// empty symlink target, a mode beyond 07777, or a type clash.
absl::Status AddManifest(const images::Manifest& manifest, FsTree* tree);

}  // namespace perfcell::ext4

#endif  // PERFCELL_IMAGES_EXT4_MANIFEST_LOADER_H_
