#include "images/ext4/image_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "tools/cc/errno_status.h"
#include "tools/cc/sparse_copy.h"
#include "tools/cc/status_macros.h"

namespace perfcell::ext4 {
namespace {

// Creates a uniquely named empty file next to `final_path`; returns its fd.
absl::StatusOr<int> MakeTemp(const std::string& final_path, std::string* out) {
  std::string templ = absl::StrCat(final_path, ".tmp-XXXXXX");
  int fd = mkostemp(templ.data(), O_CLOEXEC);
  if (fd < 0)
    return ErrnoStatus(errno, "while creating a file next to", final_path);
  fchmod(fd, 0644);
  *out = templ;
  return fd;
}

}  // namespace

absl::StatusOr<TempImage> TempImage::Create(const std::string& final_path,
                                            uint64_t size) {
  std::string path;
  ASSIGN_OR_RETURN(int fd, MakeTemp(final_path, &path));
  TempImage image(path, final_path);
  int rc = ftruncate(fd, static_cast<off_t>(size));
  absl::Status status =
      rc == 0 ? absl::OkStatus() : ErrnoStatus(errno, "while sizing", path);
  close(fd);
  RETURN_IF_ERROR(status);
  return image;
}

absl::StatusOr<TempImage> TempImage::CopyOf(const std::string& base,
                                            const std::string& final_path) {
  std::string path;
  ASSIGN_OR_RETURN(int fd, MakeTemp(final_path, &path));
  TempImage image(path, final_path);
  absl::Status status = SparseCopyToFd(base, fd, path);
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
    return ErrnoStatus(errno, "while renaming the image to", final_path_);
  }
  committed_ = true;
  return absl::OkStatus();
}

}  // namespace perfcell::ext4
