// report: compares every branch in a tree of results against a baseline.
//
//   bazel run //analysis:report -- --results=$PWD/bazel-testlogs
//       --baseline=main --out=/tmp/report [--fail_on_regression]
//
// Exit codes: 0 done, 2 bad input or flags, 3 a cell is slower (with
// --fail_on_regression).
#include <string>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "analysis/cli.h"
#include "tools/cc/cli_flags.h"

ABSL_FLAG(std::string, results, "",
          "Folder searched recursively for result.pb, result.json and "
          "outputs.zip (e.g. bazel-testlogs); relative to where `bazel "
          "run` was started.");
ABSL_FLAG(std::string, baseline, "",
          "Branch the others are compared with (default: the baseline the "
          "results name, else \"baseline\" or \"main\").");

int main(int argc, char** argv) {
  using namespace perfcell::analysis;
  using perfcell::ParseCliFlags;
  using perfcell::UserPath;
  if (auto exit = ParseCliFlags(
          argc, argv, "report",
          "Compares every branch in --results against --baseline, cell by "
          "cell; writes cells.csv, summary.md and report.html into --out.")) {
    return *exit;
  }
  absl::StatusOr<CliOptions> options = CliOptionsFromFlags();
  if (!options.ok()) return ExitCode("report", options.status());
  return ExitCode("report", RunReport(UserPath(absl::GetFlag(FLAGS_results)),
                                      absl::GetFlag(FLAGS_baseline), *options));
}
