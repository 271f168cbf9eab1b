// Copies a file keeping its holes: a reflink where the file system can share
// blocks, else only the data extents (SEEK_DATA / SEEK_HOLE) are read, and
// of them only the blocks that are not all zeros are written. A 50 GiB ext4
// image holding a few MB copies in milliseconds and stays a few MB on disk,
// also when its holes were filled with zeros on the way (a remote cache
// stores and returns files dense).
//
//   RETURN_IF_ERROR(SparseCopy("images/data_disk.ext4", tmp + "/data.ext4"));
#ifndef PERFCELL_TOOLS_CC_SPARSE_COPY_H_
#define PERFCELL_TOOLS_CC_SPARSE_COPY_H_

#include <string>

#include "absl/status/status.h"

namespace perfcell {

// Creates (or replaces) `to` with the content and apparent size of `from`;
// on error `to` is removed.
absl::Status SparseCopy(const std::string& from, const std::string& to);

// Copies `from` into the open, empty file `to_fd`; `to_path` names it in
// errors. Errors: NotFound for a missing source, ResourceExhausted when the
// destination's disk is full, DataLoss when the source shrinks meanwhile.
absl::Status SparseCopyToFd(const std::string& from, int to_fd,
                            const std::string& to_path);

}  // namespace perfcell

#endif  // PERFCELL_TOOLS_CC_SPARSE_COPY_H_
