// mkext4: builds a sparse, deterministic ext4 image without root or loop
// mounts, or adds files to an existing one. See images/ext4/README.md.
//
//   mkext4 --from_dir=rootfs --owner=0:0 --size=50G --out=disk.img
//   mkext4 --manifest=payload.textproto --base=base.img --out=branch.img
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "images/ext4/mkext4.h"
#include "tools/cc/cli_flags.h"

ABSL_FLAG(std::string, from_dir, "", "Directory tree to copy into the image");
ABSL_FLAG(
    std::string, manifest, "",
    "Manifest (images/manifest/manifest.proto, text format); applied on top "
    "of --from_dir");
ABSL_FLAG(std::string, size, "",
          "Apparent image size: 50G, 512M, 64K or bytes; or fit, fit+N% or "
          "fit+SIZE: the content and its metadata plus that much free space, "
          "rounded up to whole MiB (not with --add)");
ABSL_FLAG(std::string, out, "", "Image file to write");
ABSL_FLAG(bool, add, false,
          "Add to / replace in the existing --out image in place");
ABSL_FLAG(std::string, base, "",
          "Start from a copy (reflink or sparse) of this image, add, and write "
          "--out");
ABSL_FLAG(std::string, owner, "",
          "UID:GID for every entry of --from_dir and implicit directories");
ABSL_FLAG(bool, journal, true, "Give the file system a journal");
ABSL_FLAG(bool, read_only, false, "Set the read-only feature flag");
ABSL_FLAG(std::string, label, "", "Volume label (up to 16 bytes)");
ABSL_FLAG(std::string, uuid, "",
          "File system UUID; default: derived from the content");

int main(int argc, char** argv) {
  if (auto exit = perfcell::ParseCliFlags(
          argc, argv, "mkext4",
          "Builds an ext4 image: mkext4 --from_dir=DIR|--manifest=FILE "
          "--size=50G --out=IMG, or adds to one with --add / --base=IMG.")) {
    return *exit;
  }
  perfcell::ext4::Mkext4Flags flags;
  flags.from_dir = absl::GetFlag(FLAGS_from_dir);
  flags.manifest = absl::GetFlag(FLAGS_manifest);
  flags.size = absl::GetFlag(FLAGS_size);
  flags.out = absl::GetFlag(FLAGS_out);
  flags.add = absl::GetFlag(FLAGS_add);
  flags.base = absl::GetFlag(FLAGS_base);
  flags.owner = absl::GetFlag(FLAGS_owner);
  flags.journal = absl::GetFlag(FLAGS_journal);
  flags.read_only = absl::GetFlag(FLAGS_read_only);
  flags.label = absl::GetFlag(FLAGS_label);
  flags.uuid = absl::GetFlag(FLAGS_uuid);
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) {
    flags.source_date_epoch = epoch;
  }
  std::vector<std::string> warnings;
  absl::Status status = perfcell::ext4::RunMkext4(flags, &warnings);
  for (const std::string& warning : warnings) {
    std::cerr << "mkext4: warning: " << warning << "\n";
  }
  if (!status.ok()) {
    std::cerr << "mkext4: " << status.message() << "\n";
    return 1;
  }
  return 0;
}
