// Dropping files from the host's page cache without root: the host
// backend's stand-in for a guest's `echo 3 > /proc/sys/vm/drop_caches`,
// which would need root and empty the cache of the whole machine.
//
//   RETURN_IF_ERROR(DropFileCaches("/tmp/cell/run-000/data"));
//   // the next read of any file under it comes from the disk
#ifndef PERFCELL_RUNNER_VM_FILE_CACHE_H_
#define PERFCELL_RUNNER_VM_FILE_CACHE_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace perfcell {

// For every regular file under `dir` (recursively): fdatasync, then
// posix_fadvise(POSIX_FADV_DONTNEED) over the whole file. Pages another
// process holds mapped or locked may stay; SQLite's files are read with
// read(2) unless the server enables mmap. Errors name the file.
absl::Status DropFileCaches(const std::string& dir);

// How many bytes of `path` are in the page cache now (mincore over a
// mapping of the file), for tests and checks.
absl::StatusOr<uint64_t> CachedBytes(const std::string& path);

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_VM_FILE_CACHE_H_
