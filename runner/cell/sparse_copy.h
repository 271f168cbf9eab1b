// Copies a file keeping its holes: only the data extents (SEEK_DATA /
// SEEK_HOLE) are read and written, so a 50 GiB ext4 image with a few MB of
// metadata copies in milliseconds and stays a few MB on disk.
#ifndef PERFCELL_RUNNER_CELL_SPARSE_COPY_H_
#define PERFCELL_RUNNER_CELL_SPARSE_COPY_H_

#include <string>

#include "absl/status/status.h"

namespace perfcell {

// Creates (or replaces) `to` with the content and apparent size of `from`.
absl::Status SparseCopy(const std::string& from, const std::string& to);

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_CELL_SPARSE_COPY_H_
