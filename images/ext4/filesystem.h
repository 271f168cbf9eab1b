// An open ext4 file system in an image file: formats a new one or opens an
// existing one through libext2fs, and owns the ext2_filsys handle.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<Filesystem> fs,
//                    Filesystem::Format("/tmp/img", format_options));
//   ... write inodes through fs->get() ...
//   RETURN_IF_ERROR(fs->Close());  // flushes; without Close nothing is flushed
#ifndef PERFCELL_IMAGES_EXT4_FILESYSTEM_H_
#define PERFCELL_IMAGES_EXT4_FILESYSTEM_H_

#include <ext2fs/ext2fs.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace perfcell::ext4 {

struct FormatOptions {
  uint64_t size_bytes = 0;  // rounded down to whole 4 KiB blocks
  std::array<uint8_t, 16> uuid = {};
  std::array<uint8_t, 16> hash_seed = {};
  std::string label;        // at most 16 bytes
  bool journal = true;      // skipped when the image is under 8 MiB
  bool read_only = false;   // sets the read-only feature flag
  int64_t epoch = 0;        // every timestamp libext2fs writes
  uint64_t min_inodes = 0;  // at least this many free inodes
};

class Filesystem {
 public:
  // Formats the existing (sparse, already sized) file at `path` as ext4 with
  // extents, 64bit, flex_bg, dir_index, huge_file, dir_nlink, extra_isize,
  // metadata_csum and, by default, a journal; creates the root directory and
  // lost+found. Only metadata blocks are written, so holes stay holes.
  static absl::StatusOr<std::unique_ptr<Filesystem>> Format(
      const std::string& path, const FormatOptions& options);

  // Opens an existing image read-write. `epoch` stamps whatever libext2fs
  // dates itself (write time, deleted inodes).
  static absl::StatusOr<std::unique_ptr<Filesystem>> Open(
      const std::string& path, int64_t epoch);

  ~Filesystem();
  Filesystem(const Filesystem&) = delete;
  Filesystem& operator=(const Filesystem&) = delete;

  // Writes superblocks, descriptors and bitmaps, and closes the handle.
  absl::Status Close();

  ext2_filsys get() const { return fs_; }
  const std::string& path() const { return path_; }
  uint64_t free_blocks() const;
  uint64_t free_inodes() const;

 private:
  Filesystem(ext2_filsys fs, std::string path) : fs_(fs), path_(path) {}

  ext2_filsys fs_;
  std::string path_;
};

// Makes libext2fs stamp `epoch` (low 32 bits, as 1.47.0 stores them) instead
// of the host clock wherever it dates something itself.
void SetClock(ext2_filsys fs, int64_t epoch);

}  // namespace perfcell::ext4

#endif  // PERFCELL_IMAGES_EXT4_FILESYSTEM_H_
