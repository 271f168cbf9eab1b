#include "runner/vm/file_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/cc/errno_status.h"

namespace perfcell {
namespace {

absl::Status DropOne(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    // Deleted since the walk saw it: nothing of it to drop.
    if (errno == ENOENT) return absl::OkStatus();
    return ErrnoStatus(errno, "opening", path);
  }
  // Dirty pages are not dropped: write them back first.
  int err = 0;
  if (fdatasync(fd) != 0) err = errno;
  if (err == 0) err = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  close(fd);
  if (err != 0) return ErrnoStatus(err, "dropping the page cache of", path);
  return absl::OkStatus();
}

}  // namespace

absl::Status DropFileCaches(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, ec);
  if (ec) return ErrnoStatus(ec.value(), "listing", dir);
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return ErrnoStatus(ec.value(), "listing", dir);
    std::error_code type_ec;
    if (!fs::is_regular_file(it->symlink_status(type_ec)) || type_ec) continue;
    absl::Status dropped = DropOne(it->path().string());
    if (!dropped.ok()) return dropped;
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> CachedBytes(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "opening", path);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return ErrnoStatus(err, "stat", path);
  }
  if (st.st_size == 0) {
    close(fd);
    return 0;
  }
  void* map = mmap(nullptr, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
  int err = errno;
  close(fd);
  if (map == MAP_FAILED) return ErrnoStatus(err, "mapping", path);
  const long page = sysconf(_SC_PAGESIZE);
  std::vector<unsigned char> resident((st.st_size + page - 1) / page);
  int rc = mincore(map, st.st_size, resident.data());
  err = errno;
  munmap(map, st.st_size);
  if (rc != 0) return ErrnoStatus(err, "mincore on", path);
  uint64_t bytes = 0;
  for (unsigned char r : resident) {
    if (r & 1) bytes += page;
  }
  return bytes;
}

}  // namespace perfcell
