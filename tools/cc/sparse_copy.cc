#include "tools/cc/sparse_copy.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "tools/cc/errno_status.h"

namespace perfcell {
namespace {

constexpr off_t kBlock = 4096;

bool AllZero(const char* p, size_t n) {
  return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

absl::Status WriteAll(int to, const std::string& to_path, const char* p,
                      size_t n, off_t pos) {
  while (n > 0) {
    ssize_t put = pwrite(to, p, n, pos);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) return ErrnoStatus(errno, "while writing", to_path);
    p += put;
    n -= static_cast<size_t>(put);
    pos += put;
  }
  return absl::OkStatus();
}

// Writes `n` bytes of `buf` at `pos` of `to` (a file that reads as zeros
// there), leaving out the blocks (4 KiB, aligned to the file) that are all
// zeros: they stay holes. Runs of other blocks go out in one write.
absl::Status WriteSkippingZeros(int to, const std::string& to_path,
                                const char* buf, size_t n, off_t pos) {
  size_t i = 0, run = 0;
  bool in_run = false;
  while (i < n) {
    size_t end =
        std::min(n, i + static_cast<size_t>(
                            kBlock - (pos + static_cast<off_t>(i)) % kBlock));
    bool zero = AllZero(buf + i, end - i);
    if (zero && in_run) {
      absl::Status written = WriteAll(to, to_path, buf + run, i - run,
                                      pos + static_cast<off_t>(run));
      if (!written.ok()) return written;
      in_run = false;
    } else if (!zero && !in_run) {
      run = i;
      in_run = true;
    }
    i = end;
  }
  if (!in_run) return absl::OkStatus();
  return WriteAll(to, to_path, buf + run, n - run,
                  pos + static_cast<off_t>(run));
}

// Copies the data extents of `from` (of `size` bytes) into `to` at the same
// offsets, without their all-zero blocks; holes stay holes, and so do zeros
// that once were holes (a file fetched from a cache that filled them).
absl::Status CopyDataRanges(int from, const std::string& from_path, int to,
                            const std::string& to_path, off_t size) {
  std::vector<char> buf(1 << 20);
  for (off_t offset = 0; offset < size;) {
    off_t data = lseek(from, offset, SEEK_DATA);
    if (data < 0) {
      if (errno == ENXIO) break;  // only a hole is left
      return ErrnoStatus(errno, "while finding data in", from_path);
    }
    off_t hole = lseek(from, data, SEEK_HOLE);
    if (hole < 0)
      return ErrnoStatus(errno, "while finding a hole in", from_path);
    for (off_t pos = data; pos < hole;) {
      size_t want =
          static_cast<size_t>(std::min<off_t>(hole - pos, buf.size()));
      ssize_t got = pread(from, buf.data(), want, pos);
      if (got < 0) return ErrnoStatus(errno, "while reading", from_path);
      if (got == 0) {
        return absl::DataLossError(
            absl::StrCat("\"", from_path, "\" ended early while being copied"));
      }
      absl::Status written = WriteSkippingZeros(to, to_path, buf.data(),
                                                static_cast<size_t>(got), pos);
      if (!written.ok()) return written;
      pos += got;
    }
    offset = hole;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status SparseCopyToFd(const std::string& from, int to_fd,
                            const std::string& to_path) {
  int from_fd = open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (from_fd < 0) return ErrnoStatus(errno, "while opening", from);
  struct stat st;
  absl::Status status;
  if (fstat(from_fd, &st) != 0) {
    status = ErrnoStatus(errno, "while reading", from);
  } else if (ioctl(to_fd, FICLONE, from_fd) != 0) {
    if (ftruncate(to_fd, st.st_size) != 0) {
      status = ErrnoStatus(errno, "while sizing", to_path);
    } else {
      status = CopyDataRanges(from_fd, from, to_fd, to_path, st.st_size);
    }
  }
  close(from_fd);
  return status;
}

absl::Status SparseCopy(const std::string& from, const std::string& to) {
  int out = open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) return ErrnoStatus(errno, "while creating", to);
  absl::Status status = SparseCopyToFd(from, out, to);
  if (close(out) != 0 && status.ok())
    status = ErrnoStatus(errno, "while closing", to);
  if (!status.ok()) unlink(to.c_str());
  return status;
}

}  // namespace perfcell
