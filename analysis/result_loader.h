// Finds and reads every cell result under a folder tree: result.pb and
// result.json files, and the outputs.zip archives `bazel test` leaves in
// bazel-testlogs (including the run_K_of_N folders of --runs_per_test).
// Symlinks are followed (bazel-testlogs is one); each directory is visited
// once even when several links lead to it.
//
//   ASSIGN_OR_RETURN(std::vector<LoadedResult> results,
//                    LoadResultTree("bazel-testlogs"));
#ifndef PERFCELL_ANALYSIS_RESULT_LOADER_H_
#define PERFCELL_ANALYSIS_RESULT_LOADER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/cell.pb.h"

namespace perfcell::analysis {

struct LoadedResult {
  std::string source;  // file path, or "archive.zip!entry" inside a zip
  CellResult result;
};

// Parses one result, binary protobuf or JSON, and checks its schema version.
// InvalidArgument for corrupt content, FailedPrecondition for a result of
// another schema_version; both name `source`.
absl::StatusOr<CellResult> ParseResult(absl::string_view content, bool json,
                                       const std::string& source);

// Reads every result under `root`. In one folder (or one folder of a zip)
// result.pb wins over result.json, which is the same result in another
// encoding. A result found twice (same cell and start time, e.g. a copied
// folder) is kept once. NotFound when `root` does not exist or holds no
// results; the first unreadable file's error otherwise.
absl::StatusOr<std::vector<LoadedResult>> LoadResultTree(
    const std::string& root);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_RESULT_LOADER_H_
