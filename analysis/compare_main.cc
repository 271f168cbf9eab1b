// compare: compares run B against run A, cell by cell.
//
//   bazel run //analysis:compare -- --a=/runs/before --b=/runs/after
//       --out=/tmp/compare [--fail_on_regression]
//
// Cells are matched by what they measured (workload, size, memory, backend,
// ...) and branch: each branch of B against the same branch of A, branches
// of one run only listed as not compared; when each run holds one branch,
// they are matched whatever the names. Exit codes: 0 done, 2 bad input or
// flags, 3 a cell is slower in B (with --fail_on_regression).
#include <string>

#include "absl/flags/flag.h"
#include "analysis/cli.h"
#include "tools/cc/cli_flags.h"

ABSL_FLAG(std::string, a, "", "Results of run A (the reference).");
ABSL_FLAG(std::string, b, "", "Results of run B (compared with A).");

int main(int argc, char** argv) {
  using namespace perfcell::analysis;
  using perfcell::ParseCliFlags;
  using perfcell::UserPath;
  if (auto exit = ParseCliFlags(
          argc, argv, "compare",
          "Compares the results in --b against those in --a, cell by cell; "
          "writes cells.csv, summary.md and report.html into --out.")) {
    return *exit;
  }
  absl::StatusOr<CliOptions> options = CliOptionsFromFlags();
  if (!options.ok()) return ExitCode("compare", options.status());
  return ExitCode("compare",
                  RunCompare(UserPath(absl::GetFlag(FLAGS_a)),
                             UserPath(absl::GetFlag(FLAGS_b)), *options));
}
