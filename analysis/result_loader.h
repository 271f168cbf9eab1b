// Finds and reads every cell result under a folder tree: result.pb and
// result.json files, and the outputs.zip archives `bazel test` leaves in
// bazel-testlogs (including the run_K_of_N folders of --runs_per_test).
// Symlinks are followed (bazel-testlogs is one); each directory is visited
// once even when several links lead to it.
//
//   ASSIGN_OR_RETURN(LoadedTree tree, LoadResults("bazel-testlogs", {}));
//   for (const std::string& w : tree.warnings) ...
//
// Input is not trusted:
//  - a result.pb, result.json or outputs.zip that is not a regular file
//    (FIFO, socket, device) is skipped with a warning, never opened for
//    reading (it could block);
//  - a result over 256 MiB (on disk, or claimed or inflated inside a zip)
//    is an error naming the file, as corrupt content is: the tree is not
//    read by halves;
//  - measured iterations whose seconds are NaN, infinite, zero or negative
//    are dropped and counted in one warning per file;
//  - the same result found twice (same content) is kept once; two results
//    with the same identity (matrix, cell, start, end, iteration count) but
//    different content are both kept, with a warning naming both files;
//  - only the latest invocation of each bazel test target is kept (see
//    invocations.h), unless `all_invocations`.
#ifndef PERFCELL_ANALYSIS_RESULT_LOADER_H_
#define PERFCELL_ANALYSIS_RESULT_LOADER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/cell.pb.h"

namespace perfcell::analysis {

// Largest result file read: 256 MiB.
inline constexpr uint64_t kMaxResultBytes = uint64_t{256} << 20;

struct LoadedResult {
  std::string source;  // file path, or "archive.zip!entry" inside a zip
  CellResult result;
};

struct LoadOptions {
  // Pool every invocation's results of a test target (with a warning)
  // instead of only the latest one's.
  bool all_invocations = false;
};

struct LoadedTree {
  std::vector<LoadedResult> results;
  // One line each: skipped files, dropped iterations, duplicates, older
  // invocations left out.
  std::vector<std::string> warnings;
};

// Parses one result, binary protobuf or JSON, and checks its schema version.
// InvalidArgument for corrupt content, FailedPrecondition for a result of
// another schema_version; both name `source`.
absl::StatusOr<CellResult> ParseResult(absl::string_view content, bool json,
                                       const std::string& source);

// Reads every result under `root`. In one folder (or one folder of a zip)
// result.pb wins over result.json, which is the same result in another
// encoding. NotFound when `root` does not exist or holds no results; the
// first unreadable file's error otherwise.
absl::StatusOr<LoadedTree> LoadResults(const std::string& root,
                                       const LoadOptions& options);

// LoadResults with the default options, without the warnings.
absl::StatusOr<std::vector<LoadedResult>> LoadResultTree(
    const std::string& root);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_RESULT_LOADER_H_
