#include "images/ext4/mkext4.h"

#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "images/ext4/dir_scanner.h"
#include "images/ext4/image_builder.h"
#include "images/ext4/manifest_loader.h"
#include "images/ext4/size.h"
#include "images/ext4/tree.h"
#include "tools/cc/status_macros.h"

namespace perfcell::ext4 {
namespace {

absl::StatusOr<int64_t> ParseEpoch(const std::string& text) {
  if (text.empty()) return 0;
  int64_t epoch = 0;
  if (!absl::SimpleAtoi(text, &epoch)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SOURCE_DATE_EPOCH \"", text, "\" is not a number of seconds"));
  }
  return epoch;
}

}  // namespace

absl::Status RunMkext4(const Mkext4Flags& flags,
                       std::vector<std::string>* warnings) {
  if (flags.out.empty()) return absl::InvalidArgumentError("--out is required");
  bool update = flags.add || !flags.base.empty();
  // Without --from_dir and --manifest a new image is empty (root and
  // lost+found only): a fresh data disk. Adding nothing is a mistake.
  if (update && flags.from_dir.empty() && flags.manifest.empty()) {
    return absl::InvalidArgumentError(
        "give --from_dir, --manifest or both: there is nothing to add");
  }
  if (update && !flags.size.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--size=", flags.size, " cannot be used with ",
        flags.add ? "--add" : "--base",
        ": an existing image keeps its size (build a new image to resize)"));
  }
  if (!update && flags.size.empty()) {
    return absl::InvalidArgumentError("--size is required to build an image");
  }
  ASSIGN_OR_RETURN(int64_t epoch, ParseEpoch(flags.source_date_epoch));
  std::optional<Owner> owner;
  if (!flags.owner.empty()) {
    ASSIGN_OR_RETURN(owner, ParseOwner(flags.owner));
  }
  DefaultAttrs defaults;
  defaults.mtime = epoch;
  if (owner.has_value()) {
    defaults.uid = owner->uid;
    defaults.gid = owner->gid;
  }
  FsTree tree(defaults);
  if (!flags.from_dir.empty()) {
    std::vector<std::string> with_xattrs;
    RETURN_IF_ERROR(ScanDirectory(
        flags.from_dir, {.owner = owner, .with_xattrs = &with_xattrs}, &tree));
    if (!with_xattrs.empty() && warnings != nullptr) {
      warnings->push_back(absl::StrCat(
          with_xattrs.size(), with_xattrs.size() == 1 ? " entry" : " entries",
          " under \"", flags.from_dir,
          "\" have extended attributes, which are not copied into the image "
          "(first: \"",
          with_xattrs.front(), "\")"));
    }
  }
  if (!flags.manifest.empty()) {
    ASSIGN_OR_RETURN(images::Manifest manifest, LoadManifest(flags.manifest));
    RETURN_IF_ERROR(AddManifest(manifest, &tree));
  }
  if (!flags.base.empty()) {
    return AddToCopy(tree, epoch, flags.base, flags.out);
  }
  if (flags.add) return AddToImage(tree, epoch, flags.out);
  ImageOptions options;
  ASSIGN_OR_RETURN(SizeSpec size, ParseSizeSpec(flags.size));
  options.size_bytes = size.bytes;
  options.fit = size.fit;
  options.headroom_percent = size.headroom_percent;
  options.headroom_bytes = size.headroom_bytes;
  options.journal = flags.journal;
  options.read_only = flags.read_only;
  options.label = flags.label;
  options.uuid = flags.uuid;
  options.epoch = epoch;
  return BuildImage(tree, options, flags.out);
}

}  // namespace perfcell::ext4
