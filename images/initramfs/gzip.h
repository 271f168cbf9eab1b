// Deterministic gzip: the same input always gives the same bytes.
//
//   absl::StatusOr<std::string> gz = GzipDeterministic(cpio);
//   // A gzip member with no file name, mtime 0, OS "Unix", level 9.
#ifndef PERFCELL_IMAGES_INITRAMFS_GZIP_H_
#define PERFCELL_IMAGES_INITRAMFS_GZIP_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace perfcell::initramfs {

// Returns `data` compressed as one gzip member (RFC 1952) whose header
// carries no name and mtime 0. Internal error only if zlib fails.
absl::StatusOr<std::string> GzipDeterministic(absl::string_view data);

}  // namespace perfcell::initramfs

#endif  // PERFCELL_IMAGES_INITRAMFS_GZIP_H_
