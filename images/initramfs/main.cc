// mkinitramfs: writes a deterministic newc cpio archive (optionally gzipped).
//
//   mkinitramfs --output=initramfs.cpio.gz --gzip
//     [--manifest=initramfs.textproto]
//     --file=init=images/initramfs/init.sh:0755
//     --file=bin/busybox=busybox
//     --symlink=bin/sh=busybox
//     --dir=newroot --node=dev/console=c:5:1:0600
//
// --file, --dir, --symlink and --node may be repeated; their entries are
// added after the manifest's. See images/manifest/manifest.proto (the schema
// mkext4 reads too) and specs.h for the forms.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "images/initramfs/mkinitramfs.h"
#include "images/initramfs/specs.h"
#include "tools/cc/cli_flags.h"

ABSL_FLAG(std::string, output, "", "Archive to write (atomically).");
ABSL_FLAG(std::string, manifest, "",
          "Manifest in protobuf text format (images/manifest/manifest.proto).");
ABSL_FLAG(bool, gzip, false, "Compress with gzip (deterministic header).");
ABSL_FLAG(int64_t, mtime, -1,
          "Modification time of every entry; -1 = $SOURCE_DATE_EPOCH or 0.");

namespace {

uint32_t Mtime() {
  int64_t mtime = absl::GetFlag(FLAGS_mtime);
  if (mtime >= 0) return static_cast<uint32_t>(mtime);
  const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
  uint32_t value = 0;
  if (epoch != nullptr && absl::SimpleAtoi(epoch, &value)) return value;
  return 0;
}

int Fail(const absl::Status& status) {
  std::cerr << "mkinitramfs: " << status.message() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  constexpr char kUsage[] =
      "mkinitramfs --output=FILE [--gzip] [--manifest=FILE] "
      "[--file=DEST=SRC[:MODE]]... [--dir=DEST[:MODE]]... "
      "[--symlink=DEST=TARGET]... [--node=DEST=c|b:MAJOR:MINOR[:MODE]]... "
      "(--file, --dir, --symlink and --node may repeat)";
  std::vector<std::string> args(argv, argv + argc);
  absl::StatusOr<std::vector<perfcell::initramfs::RepeatedFlag>> entry_flags =
      perfcell::initramfs::ExtractRepeatedFlags(
          {"file", "dir", "symlink", "node"}, args);
  if (!entry_flags.ok()) return Fail(entry_flags.status());
  std::vector<char*> rest;
  for (std::string& arg : args) rest.push_back(arg.data());
  if (auto exit = perfcell::ParseCliFlags(static_cast<int>(rest.size()),
                                          rest.data(), "mkinitramfs", kUsage)) {
    return *exit;
  }

  perfcell::images::Manifest manifest;
  if (!absl::GetFlag(FLAGS_manifest).empty()) {
    absl::StatusOr<perfcell::images::Manifest> read =
        perfcell::initramfs::ReadManifest(absl::GetFlag(FLAGS_manifest));
    if (!read.ok()) return Fail(read.status());
    manifest = *std::move(read);
  }
  absl::StatusOr<perfcell::images::Manifest> from_flags =
      perfcell::initramfs::ManifestFromFlags(*entry_flags);
  if (!from_flags.ok()) return Fail(from_flags.status());
  manifest.MergeFrom(*from_flags);
  if (manifest.entry_size() == 0) {
    return Fail(
        absl::InvalidArgumentError("nothing to archive: give --manifest or "
                                   "--file/--dir/--symlink/--node"));
  }

  perfcell::initramfs::InitramfsOptions options;
  options.output = absl::GetFlag(FLAGS_output);
  options.gzip = absl::GetFlag(FLAGS_gzip);
  options.mtime = Mtime();
  absl::Status status = perfcell::initramfs::BuildInitramfs(manifest, options);
  if (!status.ok()) return Fail(status);
  return 0;
}
