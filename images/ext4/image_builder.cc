#include "images/ext4/image_builder.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "images/ext4/dir_ops.h"
#include "images/ext4/filesystem.h"
#include "images/ext4/image_file.h"
#include "images/ext4/size.h"
#include "images/ext4/tree_writer.h"
#include "tools/cc/sha256.h"
#include "tools/cc/status_macros.h"

namespace perfcell::ext4 {
namespace {

constexpr uint64_t kBlock = 4096;
constexpr uint64_t kBlocksPerExtent = 32768;  // 128 MiB per extent
constexpr uint64_t kExtentsPerBlock = 340;    // (4096 - 12) / 12
constexpr uint64_t kExtentsInInode = 4;

uint64_t FileBlocks(uint64_t bytes) {
  uint64_t blocks = (bytes + kBlock - 1) / kBlock;
  // Sparse data may need an extent per run; count one per 128 MiB plus one.
  uint64_t extents = blocks / kBlocksPerExtent + 1;
  if (extents > kExtentsInInode) {
    blocks += (extents + kExtentsPerBlock - 1) / kExtentsPerBlock;
  }
  return blocks;
}

void Estimate(const Node& node, uint64_t* blocks) {
  switch (node.type) {
    case NodeType::kFile:
      *blocks += FileBlocks(node.data_bytes);
      break;
    case NodeType::kSymlink:
      *blocks += node.target.size() >= 60 ? 1 : 0;
      break;
    case NodeType::kDir: {
      uint64_t bytes = 0;
      for (const auto& [name, child] : node.children) {
        bytes += DirEntryBytes(name.size());
        Estimate(*child, blocks);
      }
      *blocks += 2 + bytes / (kBlock / 2);  // half-full leaves, index root
      break;
    }
    default:
      break;
  }
}

struct Identity {
  std::array<uint8_t, 16> uuid;
  std::array<uint8_t, 16> hash_seed;
};

absl::StatusOr<Identity> DeriveIdentity(const FsTree& tree,
                                        const ImageOptions& options) {
  Sha256 sha;
  sha.Update(absl::StrCat("mkext4 v1\n", options.size_bytes, "\n",
                          options.journal, options.read_only, "\n",
                          absl::CEscape(options.label), "\n", options.epoch,
                          "\n"));
  sha.Update(tree.Fingerprint());
  std::string digest = absl::HexStringToBytes(sha.HexDigest());
  Identity id;
  memcpy(id.uuid.data(), digest.data(), 16);
  memcpy(id.hash_seed.data(), digest.data() + 16, 16);
  // Shape it as a random (version 4, RFC 4122 variant) UUID.
  id.uuid[6] = (id.uuid[6] & 0x0f) | 0x40;
  id.uuid[8] = (id.uuid[8] & 0x3f) | 0x80;
  if (!options.uuid.empty()) {
    ASSIGN_OR_RETURN(id.uuid, ParseUuid(options.uuid));
  }
  return id;
}

absl::Status CheckFits(const Filesystem& fs, const FsTree& tree,
                       const std::string& what) {
  uint64_t need = EstimateBlocks(tree);
  if (need > fs.free_blocks()) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "content of ", FormatBytes(tree.DataBytes()), " (about ",
        FormatBytes(need * kBlock), " with metadata) does not fit in ", what,
        ": ", FormatBytes(fs.free_blocks() * kBlock), " free"));
  }
  if (tree.EntryCount() > fs.free_inodes()) {
    return absl::ResourceExhaustedError(
        absl::StrCat(tree.EntryCount(), " entries do not fit in ", what, ": ",
                     fs.free_inodes(), " free inodes"));
  }
  return absl::OkStatus();
}

absl::Status Fill(Filesystem& fs, const FsTree& tree, TreeWriter::Mode mode,
                  const std::string& what) {
  TreeWriter writer(fs.get(), mode);
  if (mode == TreeWriter::Mode::kUpdate) RETURN_IF_ERROR(writer.Check(tree));
  RETURN_IF_ERROR(CheckFits(fs, tree, what));
  RETURN_IF_ERROR(writer.Write(tree));
  return fs.Close();
}

}  // namespace

uint64_t EstimateBlocks(const FsTree& tree) {
  uint64_t blocks = 0;
  Estimate(tree.root(), &blocks);
  return blocks;
}

absl::StatusOr<std::array<uint8_t, 16>> ParseUuid(absl::string_view text) {
  std::string hex = absl::StrReplaceAll(text, {{"-", ""}});
  bool valid = text.size() == 36 && hex.size() == 32 && text[8] == '-' &&
               text[13] == '-' && text[18] == '-' && text[23] == '-';
  for (char c : hex) valid = valid && absl::ascii_isxdigit(c);
  if (!valid) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid UUID \"", text,
                     "\": want xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"));
  }
  std::string bytes = absl::HexStringToBytes(hex);
  std::array<uint8_t, 16> uuid;
  memcpy(uuid.data(), bytes.data(), 16);
  return uuid;
}

absl::StatusOr<uint64_t> FitSize(const FsTree& tree,
                                 const ImageOptions& options,
                                 const std::string& out) {
  constexpr uint64_t kMiB = 1 << 20;
  const uint64_t content = EstimateBlocks(tree);
  const uint64_t headroom =
      std::max((content * options.headroom_percent + 99) / 100,
               (options.headroom_bytes + kBlock - 1) / kBlock);
  const uint64_t want_free = content + headroom;
  FormatOptions format;
  format.journal = options.journal;
  format.read_only = options.read_only;
  format.epoch = options.epoch;
  format.min_inodes = tree.EntryCount();
  // Metadata grows with the size (inode tables, a journal from 8 MiB up), so
  // try the content plus the last trial's metadata until it fits; a few
  // rounds settle it.
  uint64_t overhead = 0;
  for (int round = 0; round < 16; ++round) {
    uint64_t bytes = (want_free + overhead) * kBlock;
    format.size_bytes = std::max<uint64_t>((bytes + kMiB - 1) / kMiB, 1) * kMiB;
    ASSIGN_OR_RETURN(TempImage trial,
                     TempImage::Create(out, format.size_bytes));
    absl::StatusOr<std::unique_ptr<Filesystem>> fs =
        Filesystem::Format(trial.path(), format);
    if (fs.status().code() == absl::StatusCode::kResourceExhausted) {
      overhead += std::max<uint64_t>(overhead / 2, kMiB / kBlock);
      continue;  // too small to format at all
    }
    RETURN_IF_ERROR(fs.status());
    uint64_t blocks = format.size_bytes / kBlock;
    uint64_t free_blocks = (*fs)->free_blocks();
    if (free_blocks >= want_free && (*fs)->free_inodes() >= tree.EntryCount()) {
      return format.size_bytes;
    }
    overhead = std::max(overhead + kMiB / kBlock, blocks - free_blocks);
  }
  return absl::InternalError(absl::StrCat("found no image size that fits ",
                                          FormatBytes(content * kBlock),
                                          " of content; give --size"));
}

absl::Status BuildImage(const FsTree& tree, const ImageOptions& given,
                        const std::string& out) {
  RETURN_IF_ERROR(tree.Validate());
  if (given.label.size() > 16) {
    return absl::InvalidArgumentError(
        absl::StrCat("label \"", given.label, "\" is longer than 16 bytes"));
  }
  ImageOptions options = given;
  if (options.fit) {
    ASSIGN_OR_RETURN(options.size_bytes, FitSize(tree, options, out));
  }
  ASSIGN_OR_RETURN(Identity id, DeriveIdentity(tree, options));
  FormatOptions format;
  format.size_bytes = options.size_bytes;
  format.uuid = id.uuid;
  format.hash_seed = id.hash_seed;
  format.label = options.label;
  format.journal = options.journal;
  format.read_only = options.read_only;
  format.epoch = options.epoch;
  format.min_inodes = tree.EntryCount();
  ASSIGN_OR_RETURN(TempImage tmp, TempImage::Create(out, options.size_bytes));
  absl::StatusOr<std::unique_ptr<Filesystem>> formatted =
      Filesystem::Format(tmp.path(), format);
  if (!formatted.ok()) {  // name the output, not the temporary file
    return absl::Status(
        formatted.status().code(),
        absl::StrReplaceAll(formatted.status().message(), {{tmp.path(), out}}));
  }
  std::unique_ptr<Filesystem> fs = *std::move(formatted);
  RETURN_IF_ERROR(
      Fill(*fs, tree, TreeWriter::Mode::kFresh,
           absl::StrCat("an image of ", FormatBytes(options.size_bytes))));
  return tmp.Commit();
}

absl::Status AddToImage(const FsTree& tree, int64_t epoch,
                        const std::string& image) {
  ASSIGN_OR_RETURN(std::unique_ptr<Filesystem> fs,
                   Filesystem::Open(image, epoch));
  return Fill(*fs, tree, TreeWriter::Mode::kUpdate,
              absl::StrCat("image \"", image, "\""));
}

absl::Status AddToCopy(const FsTree& tree, int64_t epoch,
                       const std::string& base, const std::string& out) {
  ASSIGN_OR_RETURN(TempImage tmp, TempImage::CopyOf(base, out));
  RETURN_IF_ERROR(AddToImage(tree, epoch, tmp.path()));
  return tmp.Commit();
}

}  // namespace perfcell::ext4
