#include "images/ext4/file_data.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "images/ext4/ext2_error.h"
#include "tools/cc/errno_status.h"
#include "tools/cc/status_macros.h"

namespace perfcell::ext4 {
namespace {

constexpr size_t kChunkBytes = 1 << 20;

bool IsZero(const char* data, size_t size) {
  return size == 0 || (data[0] == 0 && memcmp(data, data + 1, size - 1) == 0);
}

// Closes the ext2 file (flushing its last block and inode) exactly once.
class Ext2File {
 public:
  Ext2File(ext2_filsys fs, ext2_ino_t ino, const std::string& path)
      : path_(path) {
    err_ = ext2fs_file_open(fs, ino, EXT2_FILE_WRITE, &file_);
  }
  ~Ext2File() {
    if (file_ != nullptr) ext2fs_file_close(file_);
  }
  absl::Status open_status() const {
    return Ext2Error(err_, "opening for writing", path_);
  }

  // Writes `size` bytes at `offset`, skipping blocks that are all zeros.
  absl::Status WriteAt(uint64_t offset, const char* data, size_t size) {
    const size_t block = ext2fs_file_get_fs(file_)->blocksize;
    size_t pos = 0;
    while (pos < size) {
      // The block-aligned piece that holds `pos`.
      size_t end = std::min(size, pos + block - (offset + pos) % block);
      if (IsZero(data + pos, end - pos)) {
        pos = end;
        continue;
      }
      size_t run_end = end;  // extend over following non-zero blocks
      while (run_end < size) {
        size_t next = std::min(size, run_end + block);
        if (IsZero(data + run_end, next - run_end)) break;
        run_end = next;
      }
      RETURN_IF_ERROR(Ext2Error(
          ext2fs_file_llseek(file_, offset + pos, EXT2_SEEK_SET, nullptr),
          "seeking in", path_));
      unsigned int written = 0;
      RETURN_IF_ERROR(Ext2Error(
          ext2fs_file_write(file_, data + pos, run_end - pos, &written),
          "writing", path_));
      if (written != run_end - pos) {
        return absl::ResourceExhaustedError(
            absl::StrCat("while writing \"", path_, "\": short write"));
      }
      pos = run_end;
    }
    return absl::OkStatus();
  }

  absl::Status Finish(uint64_t size) {
    RETURN_IF_ERROR(Ext2Error(ext2fs_file_set_size2(file_, size),
                              "setting the size of", path_));
    errcode_t err = ext2fs_file_close(file_);
    file_ = nullptr;
    return Ext2Error(err, "closing", path_);
  }

 private:
  std::string path_;
  ext2_file_t file_ = nullptr;
  errcode_t err_ = 0;
};

// Returns the next [start, end) range of data at or after `offset`, or an
// empty range at EOF. Without SEEK_DATA support the rest is one range.
absl::Status NextDataRange(int fd, uint64_t offset, uint64_t size,
                           uint64_t* start, uint64_t* end,
                           const std::string& path) {
  off_t data = lseek(fd, static_cast<off_t>(offset), SEEK_DATA);
  if (data < 0) {
    if (errno == ENXIO) {
      *start = *end = size;
      return absl::OkStatus();
    }
    if (errno != EINVAL && errno != EOPNOTSUPP) {
      return ErrnoStatus(errno, "while seeking data in", path);
    }
    *start = offset;
    *end = size;
    return absl::OkStatus();
  }
  off_t hole = lseek(fd, data, SEEK_HOLE);
  if (hole < 0) return ErrnoStatus(errno, "while seeking a hole in", path);
  *start = std::min<uint64_t>(data, size);
  *end = std::min<uint64_t>(hole, size);
  return absl::OkStatus();
}

absl::Status CopyFromHost(Ext2File& out, const Node& node,
                          const std::string& path) {
  int fd = open(node.source.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "while opening the source of", path);
  std::vector<char> buf(kChunkBytes);
  absl::Status status;
  uint64_t offset = 0;
  while (status.ok() && offset < node.size) {
    uint64_t start = 0, end = 0;
    status = NextDataRange(fd, offset, node.size, &start, &end, node.source);
    if (!status.ok() || start >= end) break;
    for (uint64_t pos = start; pos < end && status.ok();) {
      size_t want = std::min<uint64_t>(buf.size(), end - pos);
      ssize_t got = pread(fd, buf.data(), want, static_cast<off_t>(pos));
      if (got <= 0) {
        status = got < 0 ? ErrnoStatus(errno, "while reading", node.source)
                         : absl::DataLossError(absl::StrCat(
                               "source \"", node.source, "\" of \"", path,
                               "\" shrank while being copied"));
        break;
      }
      status = out.WriteAt(pos, buf.data(), got);
      pos += got;
    }
    offset = end;
  }
  close(fd);
  return status;
}

}  // namespace

absl::Status CopyFileData(ext2_filsys fs, ext2_ino_t ino, const Node& node,
                          const std::string& path) {
  Ext2File out(fs, ino, path);
  RETURN_IF_ERROR(out.open_status());
  if (node.content.has_value()) {
    RETURN_IF_ERROR(out.WriteAt(0, node.content->data(), node.content->size()));
    return out.Finish(node.content->size());
  }
  RETURN_IF_ERROR(CopyFromHost(out, node, path));
  return out.Finish(node.size);
}

}  // namespace perfcell::ext4
