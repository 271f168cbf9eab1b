// Command-line parsing for the analysis CLIs (report, compare, plan,
// make_synthetic), so that they behave like good CLIs:
//  - --help (or -h, --helpfull) lists every flag the binary defines in
//    analysis/ (its main file and the shared ones of cli.cc) with its
//    meaning and default, and exits 0;
//  - an unknown flag, a malformed value, a missing value or a stray
//    argument prints one line "<program>: ..." on stderr and exits 2
//    (Abseil's own parser exits 1 and lists only the main file's flags);
//  - UserPath() resolves a relative path against BUILD_WORKING_DIRECTORY,
//    which `bazel run` sets to where it was started.
//
//   int main(int argc, char** argv) {
//     if (auto exit = ParseCliFlags(argc, argv, "report", kUsage)) {
//       return *exit;
//     }
//     ...
#ifndef PERFCELL_ANALYSIS_CLI_FLAGS_H_
#define PERFCELL_ANALYSIS_CLI_FLAGS_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace perfcell::analysis {

// Sets the flags from argv. Returns nullopt to go on, or the exit code to
// leave main with: 0 after --help, 2 after one line on stderr.
std::optional<int> ParseCliFlags(int argc, char** argv,
                                 absl::string_view program,
                                 absl::string_view usage);

// The --help text: usage, then one entry per flag defined in analysis/.
std::string CliHelp(absl::string_view program, absl::string_view usage);

// `path` as the user meant it: relative to BUILD_WORKING_DIRECTORY when
// `bazel run` set it, unchanged otherwise (and when empty or absolute).
std::string UserPath(const std::string& path);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_CLI_FLAGS_H_
