// plan: how many blocks and how much machine time a matrix needs, from the
// noise and timings of a pilot run (see planner.h and README "Planning a
// run").
//
//   bazel run //analysis:plan -- --pilot=/tmp/pilot --min_effect=5%
//       --power=0.8 [--alpha=0.05] [--design=fixed|adaptive]
//       [--max_blocks=40] [--effect=10%]
//
// Exit codes: 0 done, 2 bad flags or no results under --pilot.
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "analysis/planner.h"
#include "tools/cc/cli_flags.h"

ABSL_FLAG(std::string, pilot, "",
          "Results tree of the pilot (folders or outputs.zip files); "
          "relative paths are taken from where `bazel run` was started.");
ABSL_FLAG(std::string, min_effect, "5%",
          "Smallest change that matters (the verdict's threshold): 5% or "
          "0.05.");
ABSL_FLAG(std::string, effect, "",
          "True change to find; default twice --min_effect.");
ABSL_FLAG(double, power, 0.8, "Chance of reaching the right verdict.");
ABSL_FLAG(double, alpha, 0.05,
          "Error rate: over the report (fixed, Holm) or per cell (adaptive).");
ABSL_FLAG(std::string, design, "fixed", "fixed or adaptive.");
ABSL_FLAG(int, max_blocks, 40, "Most blocks a cell may run.");
ABSL_FLAG(int, min_blocks, 4, "Adaptive: first look.");
ABSL_FLAG(std::string, sequential_method, "mean-t",
          "Adaptive: the stopping rule's intervals, as perf_matrix's "
          "sequential_method: mean-t or signed-rank.");

namespace {

absl::StatusOr<std::string> Run() {
  using perfcell::analysis::ParseFraction;
  perfcell::analysis::PlanOptions options;
  auto min_effect =
      ParseFraction("min_effect", absl::GetFlag(FLAGS_min_effect));
  if (!min_effect.ok()) return min_effect.status();
  options.min_effect = *min_effect;
  if (!absl::GetFlag(FLAGS_effect).empty()) {
    auto effect = ParseFraction("effect", absl::GetFlag(FLAGS_effect));
    if (!effect.ok()) return effect.status();
    options.effect = *effect;
  }
  options.power = absl::GetFlag(FLAGS_power);
  options.alpha = absl::GetFlag(FLAGS_alpha);
  if (!(options.power > 0 && options.power < 1)) {
    return absl::InvalidArgumentError("--power must be in (0, 1)");
  }
  if (!(options.alpha > 0 && options.alpha < 1)) {
    return absl::InvalidArgumentError("--alpha must be in (0, 1)");
  }
  const std::string design = absl::GetFlag(FLAGS_design);
  if (design != "fixed" && design != "adaptive") {
    return absl::InvalidArgumentError(absl::StrCat(
        "--design must be fixed or adaptive, not \"", design, "\""));
  }
  options.adaptive = design == "adaptive";
  options.max_blocks = absl::GetFlag(FLAGS_max_blocks);
  options.min_blocks = absl::GetFlag(FLAGS_min_blocks);
  if (options.min_blocks < 1 || options.max_blocks < options.min_blocks ||
      options.max_blocks > 100) {
    return absl::InvalidArgumentError(
        "need 1 <= --min_blocks <= --max_blocks <= 100");
  }
  const absl::StatusOr<perfcell::stats::SequentialMethod> method =
      perfcell::stats::ParseSequentialMethod(
          absl::GetFlag(FLAGS_sequential_method));
  if (!method.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--sequential_method ", method.status().message()));
  }
  options.method = *method;
  if (options.adaptive &&
      options.method == perfcell::stats::SequentialMethod::kMeanT &&
      options.min_blocks < 3) {
    return absl::InvalidArgumentError(
        "--sequential_method=mean-t needs --min_blocks of 3 or more");
  }
  const std::string pilot = perfcell::UserPath(absl::GetFlag(FLAGS_pilot));
  return perfcell::analysis::RunPlan(pilot, options);
}

}  // namespace

int main(int argc, char** argv) {
  if (auto exit = perfcell::ParseCliFlags(
          argc, argv, "plan",
          "Plans a run from a pilot: blocks per cell for a change of "
          "--effect with --power, and the machine time.")) {
    return *exit;
  }
  return perfcell::analysis::PlanExitCode(Run(), std::cout, std::cerr);
}
