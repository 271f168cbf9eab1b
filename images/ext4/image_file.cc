#include "images/ext4/image_file.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/cc/status_macros.h"

namespace perfcell::ext4 {
namespace {

absl::Status ErrnoError(absl::string_view op, const std::string& path) {
  int err = errno;
  std::string message =
      absl::StrCat("while ", op, " \"", path, "\": ", strerror(err));
  if (err == ENOENT) return absl::NotFoundError(message);
  if (err == ENOSPC || err == EFBIG) {
    return absl::ResourceExhaustedError(message);
  }
  return absl::InternalError(message);
}

// Creates a uniquely named empty file next to `final_path`; returns its fd.
absl::StatusOr<int> MakeTemp(const std::string& final_path, std::string* out) {
  std::string templ = absl::StrCat(final_path, ".tmp-XXXXXX");
  int fd = mkostemp(templ.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoError("creating a file next to", final_path);
  fchmod(fd, 0644);
  *out = templ;
  return fd;
}

absl::Status CopyRanges(int from, int to, uint64_t size,
                        const std::string& to_path) {
  std::vector<char> buf(1 << 20);
  off_t offset = 0;
  while (static_cast<uint64_t>(offset) < size) {
    off_t data = lseek(from, offset, SEEK_DATA);
    if (data < 0) {
      if (errno == ENXIO) break;
      return ErrnoError("seeking data for", to_path);
    }
    off_t hole = lseek(from, data, SEEK_HOLE);
    if (hole < 0) return ErrnoError("seeking a hole for", to_path);
    for (off_t pos = data; pos < hole;) {
      size_t want = std::min<uint64_t>(buf.size(), hole - pos);
      ssize_t got = pread(from, buf.data(), want, pos);
      if (got <= 0) return ErrnoError("reading the base image for", to_path);
      if (pwrite(to, buf.data(), got, pos) != got) {
        return ErrnoError("writing", to_path);
      }
      pos += got;
    }
    offset = hole;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CopySparse(const std::string& from, int to_fd,
                        const std::string& to_path) {
  int from_fd = open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (from_fd < 0) return ErrnoError("opening the base image", from);
  struct stat st;
  absl::Status status;
  if (fstat(from_fd, &st) != 0) {
    status = ErrnoError("reading", from);
  } else if (ioctl(to_fd, FICLONE, from_fd) != 0) {
    if (ftruncate(to_fd, st.st_size) != 0) {
      status = ErrnoError("sizing", to_path);
    } else {
      status = CopyRanges(from_fd, to_fd, st.st_size, to_path);
    }
  }
  close(from_fd);
  return status;
}

absl::StatusOr<TempImage> TempImage::Create(const std::string& final_path,
                                            uint64_t size) {
  std::string path;
  ASSIGN_OR_RETURN(int fd, MakeTemp(final_path, &path));
  TempImage image(path, final_path);
  int rc = ftruncate(fd, static_cast<off_t>(size));
  absl::Status status = rc == 0 ? absl::OkStatus() : ErrnoError("sizing", path);
  close(fd);
  RETURN_IF_ERROR(status);
  return image;
}

absl::StatusOr<TempImage> TempImage::CopyOf(const std::string& base,
                                            const std::string& final_path) {
  std::string path;
  ASSIGN_OR_RETURN(int fd, MakeTemp(final_path, &path));
  TempImage image(path, final_path);
  absl::Status status = CopySparse(base, fd, path);
  close(fd);
  RETURN_IF_ERROR(status);
  return image;
}

TempImage::TempImage(TempImage&& other)
    : path_(std::move(other.path_)),
      final_path_(std::move(other.final_path_)),
      committed_(other.committed_) {
  other.committed_ = true;  // the moved-from object owns nothing
}

TempImage::~TempImage() {
  if (!committed_ && !path_.empty()) unlink(path_.c_str());
}

absl::Status TempImage::Commit() {
  if (rename(path_.c_str(), final_path_.c_str()) != 0) {
    return ErrnoError("renaming the image to", final_path_);
  }
  committed_ = true;
  return absl::OkStatus();
}

}  // namespace perfcell::ext4
