// Reads the files inside a zip archive (the outputs.zip that `bazel test`
// leaves in bazel-testlogs/<pkg>/<target>/test.outputs/) with libzip.
//
//   absl::StatusOr<std::map<std::string, std::string>> files =
//       ReadZipFiles("bazel-testlogs/demo/cell/test.outputs/outputs.zip",
//                    [](absl::string_view name) {
//                      return absl::EndsWith(name, "result.json");
//                    });
#ifndef PERFCELL_ANALYSIS_ZIP_READER_H_
#define PERFCELL_ANALYSIS_ZIP_READER_H_

#include <functional>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace perfcell::analysis {

// Returns name -> content of every entry whose name `wanted` accepts.
// DataLoss naming the archive when it is truncated, corrupt (the archive's
// consistency is checked on open) or an entry fails its CRC.
absl::StatusOr<std::map<std::string, std::string>> ReadZipFiles(
    const std::string& path,
    const std::function<bool(absl::string_view)>& wanted);

// Writes `files` (name -> content) into a new zip archive at `path`,
// replacing it. Used by tests and the synthetic-result generator.
absl::Status WriteZipFiles(const std::string& path,
                           const std::map<std::string, std::string>& files);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_ZIP_READER_H_
