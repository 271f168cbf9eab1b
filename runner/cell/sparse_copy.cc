#include "runner/cell/sparse_copy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"

namespace perfcell {
namespace {

absl::Status Errno(const std::string& what, const std::string& path) {
  return absl::InternalError(
      absl::StrCat(what, " \"", path, "\": ", strerror(errno)));
}

}  // namespace

absl::Status SparseCopy(const std::string& from, const std::string& to) {
  int in = open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Errno("opening", from);
  struct stat st;
  if (fstat(in, &st) != 0) {
    close(in);
    return Errno("stat", from);
  }
  int out = open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    close(in);
    return Errno("creating", to);
  }
  absl::Status status;
  if (ftruncate(out, st.st_size) != 0) status = Errno("sizing", to);
  std::vector<char> buf(1 << 20);
  off_t pos = 0;
  while (status.ok() && pos < st.st_size) {
    off_t data = lseek(in, pos, SEEK_DATA);
    if (data < 0) {
      if (errno == ENXIO) break;  // only a hole is left
      status = Errno("finding data in", from);
      break;
    }
    off_t hole = lseek(in, data, SEEK_HOLE);
    if (hole < 0) hole = st.st_size;
    for (off_t at = data; at < hole && status.ok();) {
      size_t want = static_cast<size_t>(std::min<off_t>(hole - at, buf.size()));
      ssize_t n = pread(in, buf.data(), want, at);
      if (n < 0) {
        status = Errno("reading", from);
        break;
      }
      if (n == 0) {
        status = absl::DataLossError(
            absl::StrCat("\"", from, "\" ended early while being copied"));
        break;
      }
      if (pwrite(out, buf.data(), static_cast<size_t>(n), at) != n) {
        status = Errno("writing", to);
        break;
      }
      at += n;
    }
    pos = hole;
  }
  close(in);
  if (close(out) != 0 && status.ok()) status = Errno("closing", to);
  if (!status.ok()) unlink(to.c_str());
  return status;
}

}  // namespace perfcell
