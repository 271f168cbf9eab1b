// report: compares every branch in a tree of results against a baseline.
//
//   bazel run //analysis:report -- --results=$PWD/bazel-testlogs
//       --baseline=main --out=/tmp/report [--fail_on_regression]
//
// Exit codes: 0 done, 2 bad input or flags, 3 a cell is slower (with
// --fail_on_regression).
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "analysis/cli.h"

ABSL_FLAG(std::string, results, "",
          "Folder searched recursively for result.pb, result.json and "
          "outputs.zip (e.g. bazel-testlogs).");
ABSL_FLAG(std::string, baseline, "", "Branch the others are compared with.");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Compares every branch in --results against --baseline, cell by cell; "
      "writes cells.csv, summary.md and report.html into --out.");
  absl::ParseCommandLine(argc, argv);
  using namespace perfcell::analysis;
  absl::StatusOr<CliOptions> options = CliOptionsFromFlags();
  if (!options.ok()) return ExitCode("report", options.status());
  if (absl::GetFlag(FLAGS_baseline).empty()) {
    return ExitCode(
        "report", absl::InvalidArgumentError("--baseline=BRANCH is required"));
  }
  return ExitCode("report", RunReport(absl::GetFlag(FLAGS_results),
                                      absl::GetFlag(FLAGS_baseline), *options));
}
