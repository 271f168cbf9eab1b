// What `report` and `compare` do after parsing their flags: load result
// trees, analyse, write cells.csv, summary.md and report.html into the
// output folder, print the summary tables on stdout, and choose the exit
// code. The flags shared by both CLIs are defined in cli.cc.
#ifndef PERFCELL_ANALYSIS_CLI_H_
#define PERFCELL_ANALYSIS_CLI_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analysis/analysis.h"
#include "analysis/result_loader.h"

namespace perfcell::analysis {

// Exit codes of the CLIs.
inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitRegression = 3;

struct CliOptions {
  AnalysisOptions analysis;
  std::string out;
  int warmup = -1;  // -1: use the runner's warm-up flags
  bool fail_on_regression = false;
  bool all_invocations = false;  // pool earlier bazel invocations' results
};

// Reads the shared flags (--out, --correction, --test, --min_effect,
// --alpha, --cv_threshold, --warmup, --bootstrap_resamples, --seed,
// --fail_on_regression, --all_invocations). InvalidArgument naming the flag on
// a bad value.
absl::StatusOr<CliOptions> CliOptionsFromFlags();

// The baseline `report` uses when --baseline is not given: the one the
// results name (Design.baseline, written by interleaved cells), else a branch
// called "baseline" or "main"; InvalidArgument, saying what was found, when
// the results name several or none fits.
absl::StatusOr<std::string> DefaultBaseline(
    const std::vector<LoadedResult>& loaded);

// `report`: every branch of one tree against `baseline` (empty:
// DefaultBaseline). Returns the exit code (kExitRegression when
// --fail_on_regression and a cell is slower).
absl::StatusOr<int> RunReport(const std::string& results,
                              const std::string& baseline,
                              const CliOptions& options);

// `compare`: run B against run A.
absl::StatusOr<int> RunCompare(const std::string& a, const std::string& b,
                               const CliOptions& options);

// Runs `run`, printing a bad status as one line "<program>: <message>" on
// stderr; returns the exit code to leave main with.
int ExitCode(const char* program, const absl::StatusOr<int>& run);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_CLI_H_
