// The names of the files a cell leaves in its output folder (Bazel's
// TEST_UNDECLARED_OUTPUTS_DIR, zipped into test.outputs/outputs.zip), which
// the cell writes and the analysis reads:
//
//   result.pb     the CellResult (proto/cell.proto), binary
//   result.json   the same, protobuf's JSON mapping (for people and tools)
//   console-<run>-<branch>.log   each VM's console (Run.console_log names it)
//
//   WriteFileAtomically(dir + "/" + std::string(kResultJsonFile), json);
#ifndef PERFCELL_CONTRACT_RESULT_FILES_H_
#define PERFCELL_CONTRACT_RESULT_FILES_H_

#include "absl/strings/string_view.h"

namespace perfcell {

inline constexpr absl::string_view kResultPbFile = "result.pb";
inline constexpr absl::string_view kResultJsonFile = "result.json";

}  // namespace perfcell

#endif  // PERFCELL_CONTRACT_RESULT_FILES_H_
