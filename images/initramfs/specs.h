// Parses the short command-line forms of manifest entries.
//
//   ParseFileSpec("init=images/initramfs/init.sh:0755")
//     -> FILE "init" from "images/initramfs/init.sh", mode 0755
//   ParseDirSpec("newroot")            -> DIR "newroot", mode 0755
//   ParseDirSpec("root:0700")          -> DIR "root", mode 0700
//   ParseSymlinkSpec("bin/sh=busybox") -> SYMLINK "bin/sh" -> "busybox"
//   ParseNodeSpec("dev/console=c:5:1:0600")
//     -> CHAR "dev/console" 5:1, mode 0600 ("b" for BLOCK)
//
// Entries are images/manifest/manifest.proto's, the schema of --manifest.
#ifndef PERFCELL_IMAGES_INITRAMFS_SPECS_H_
#define PERFCELL_IMAGES_INITRAMFS_SPECS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "images/manifest/manifest.pb.h"

namespace perfcell::initramfs {

// "DEST=SRC[:MODE]"; MODE is octal. Without MODE the mode comes from the
// source (0755 if it is executable, else 0644).
absl::StatusOr<images::Entry> ParseFileSpec(absl::string_view spec);
// "DEST[:MODE]".
absl::StatusOr<images::Entry> ParseDirSpec(absl::string_view spec);
// "DEST=TARGET".
absl::StatusOr<images::Entry> ParseSymlinkSpec(absl::string_view spec);
// "DEST=c:MAJOR:MINOR[:MODE]" or "DEST=b:MAJOR:MINOR[:MODE]".
absl::StatusOr<images::Entry> ParseNodeSpec(absl::string_view spec);

// Repeatable flags, taken out of argv before absl parses the rest (absl keeps
// only the last value of a repeated flag). Each `--NAME=VALUE` or
// `--NAME VALUE` whose NAME is in `names` is moved into `found` (as
// {NAME, VALUE}, in order) and removed from `args`.
struct RepeatedFlag {
  std::string name;
  std::string value;
};
absl::StatusOr<std::vector<RepeatedFlag>> ExtractRepeatedFlags(
    const std::vector<std::string>& names, std::vector<std::string>& args);

// Builds the manifest entries of the flags ExtractRepeatedFlags found
// ("file", "dir", "symlink", "node"). The error names the flag and value.
absl::StatusOr<images::Manifest> ManifestFromFlags(
    const std::vector<RepeatedFlag>& flags);

}  // namespace perfcell::initramfs

#endif  // PERFCELL_IMAGES_INITRAMFS_SPECS_H_
