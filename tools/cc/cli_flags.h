// Command-line parsing for every perfcell binary, so that each behaves like
// a good CLI (Abseil's own parser exits 1 on a bad flag and its --help lists
// only the flags of the file that defines main):
//  - --help (or -h, --helpfull) lists every flag the binary defines in this
//    repository, with its meaning and default, and exits 0;
//  - an unknown flag, a malformed value, a missing value or a stray
//    argument prints one line "<program>: ..." on stderr and exits 2;
//  - arguments after "--" are handed back when the binary takes them;
//  - UserPath() resolves a relative path against BUILD_WORKING_DIRECTORY,
//    which `bazel run` sets to where it was started.
//
//   int main(int argc, char** argv) {
//     std::vector<std::string> server_args;
//     if (auto exit = perfcell::ParseCliFlags(argc, argv, "cell", kUsage,
//                                             &server_args)) {
//       return *exit;
//     }
//     ...
#ifndef PERFCELL_TOOLS_CC_CLI_FLAGS_H_
#define PERFCELL_TOOLS_CC_CLI_FLAGS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace perfcell {

// Sets the flags from argv. Returns nullopt to go on, or the exit code to
// leave main with: 0 after --help, 2 after one line on stderr. With
// `after_dashes`, the arguments after a "--" are stored there; without it
// they are an error like any other stray argument.
std::optional<int> ParseCliFlags(
    int argc, char** argv, absl::string_view program, absl::string_view usage,
    std::vector<std::string>* after_dashes = nullptr);

// The --help text: usage, then one entry per flag the binary defines outside
// Abseil, sorted by name.
std::string CliHelp(absl::string_view program, absl::string_view usage);

// `path` as the user meant it: relative to BUILD_WORKING_DIRECTORY when
// `bazel run` set it, unchanged otherwise (and when empty or absolute).
std::string UserPath(const std::string& path);

}  // namespace perfcell

#endif  // PERFCELL_TOOLS_CC_CLI_FLAGS_H_
