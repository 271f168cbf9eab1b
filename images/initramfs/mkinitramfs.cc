#include "images/initramfs/mkinitramfs.h"

#include <vector>

#include "images/initramfs/gzip.h"
#include "images/initramfs/newc.h"
#include "images/initramfs/plan.h"
#include "tools/cc/atomic_file.h"
#include "tools/cc/status_macros.h"
#include "tools/cc/text_proto.h"

namespace perfcell::initramfs {

absl::StatusOr<images::Manifest> ReadManifest(const std::string& path) {
  images::Manifest manifest;
  RETURN_IF_ERROR(ReadTextProto(path, &manifest));
  return manifest;
}

absl::StatusOr<std::string> BuildArchive(const images::Manifest& manifest,
                                         const InitramfsOptions& options) {
  ASSIGN_OR_RETURN(std::vector<Member> members, PlanArchive(manifest));
  std::string cpio = WriteNewc(members, NewcOptions{options.mtime});
  if (!options.gzip) return cpio;
  return GzipDeterministic(cpio);
}

absl::Status BuildInitramfs(const images::Manifest& manifest,
                            const InitramfsOptions& options) {
  if (options.output.empty()) {
    return absl::InvalidArgumentError("no output file given");
  }
  ASSIGN_OR_RETURN(std::string archive, BuildArchive(manifest, options));
  return WriteFileAtomically(options.output, archive);
}

}  // namespace perfcell::initramfs
