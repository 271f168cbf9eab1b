// Builds an initramfs file from a manifest: plan, newc cpio, optional gzip,
// atomic write.
//
//   InitramfsOptions options;
//   options.output = "out/initramfs.cpio.gz";
//   options.gzip = true;
//   absl::Status s = BuildInitramfs(manifest, options);
#ifndef PERFCELL_IMAGES_INITRAMFS_MKINITRAMFS_H_
#define PERFCELL_IMAGES_INITRAMFS_MKINITRAMFS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "images/manifest/manifest.pb.h"

namespace perfcell::initramfs {

struct InitramfsOptions {
  std::string output;  // written via a temporary file and rename
  bool gzip = false;
  uint32_t mtime = 0;
};

// Reads an images::Manifest (images/manifest/manifest.proto) in protobuf text
// format. The error names the file and, for a parse error, the line.
absl::StatusOr<images::Manifest> ReadManifest(const std::string& path);

// Returns the archive bytes for `manifest` (gzip-compressed when asked).
absl::StatusOr<std::string> BuildArchive(const images::Manifest& manifest,
                                         const InitramfsOptions& options);

// BuildArchive, then writes the result to options.output atomically.
absl::Status BuildInitramfs(const images::Manifest& manifest,
                            const InitramfsOptions& options);

}  // namespace perfcell::initramfs

#endif  // PERFCELL_IMAGES_INITRAMFS_MKINITRAMFS_H_
