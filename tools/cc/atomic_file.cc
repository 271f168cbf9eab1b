#include "tools/cc/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace perfcell {
namespace {

absl::Status ErrnoError(absl::string_view what, const std::string& path,
                        int err) {
  return absl::Status(
      err == ENOENT ? absl::StatusCode::kNotFound : absl::StatusCode::kInternal,
      absl::StrCat(what, " \"", path, "\": ", strerror(err)));
}

std::string DirectoryOf(const std::string& path) {
  std::string::size_type slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view content) {
  std::string tmp = absl::StrCat(path, ".tmp.XXXXXX");
  int fd = mkstemp(tmp.data());
  if (fd < 0) return ErrnoError("creating a temporary file for", path, errno);
  fchmod(fd, 0644);
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      close(fd);
      unlink(tmp.c_str());
      return ErrnoError("writing", tmp, err);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    int err = errno;
    unlink(tmp.c_str());
    return ErrnoError("flushing", tmp, err);
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    unlink(tmp.c_str());
    return ErrnoError("renaming a temporary file over", path, err);
  }
  // Make the rename itself durable.
  int dir = open(DirectoryOf(path).c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    fsync(dir);
    close(dir);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoError("opening", path, errno ? errno : ENOENT);
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return ErrnoError("reading", path, errno);
  return out.str();
}

}  // namespace perfcell
