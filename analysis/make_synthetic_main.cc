// make_synthetic: writes a demo tree of synthetic cell results, laid out as
// `bazel test` leaves them (bazel-testlogs/.../test.outputs/outputs.zip):
// a baseline, a branch 10% slower, one with no difference, one that slows
// down during each cell, and a noisy one.
//
//   bazel run //analysis:make_synthetic -- --out=/tmp/demo
//   bazel run //analysis:make_synthetic -- --out=/tmp/blocks --interleaved
//       --blocks=12 --machine_cv=0.3 --run_slowdown=0.5
//   bazel run //analysis:report -- --results=/tmp/demo --baseline=baseline
//       --out=/tmp/demo-report
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "analysis/synthetic.h"
#include "tools/cc/cli_flags.h"

ABSL_FLAG(std::string, out, "",
          "Folder to write the tree into; relative to where `bazel run` was "
          "started.");
ABSL_FLAG(int, iterations, 10, "Measured iterations per cell.");
ABSL_FLAG(bool, sequential, false,
          "Run each branch's cells one after another instead of "
          "interleaving them (confounds branch and time).");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the synthetic noise.");
ABSL_FLAG(double, run_slowdown, 0.0,
          "Fraction of throughput the machine loses from the first to the "
          "last iteration of the run (0.67: 3x slower by the end).");
ABSL_FLAG(bool, interleaved, false,
          "One result per cell holding every branch and the A/A copy "
          "baseline~aa, run in blocks (the recommended design).");
ABSL_FLAG(int, blocks, 10,
          "--interleaved: blocks per cell (--adaptive: max_blocks).");
ABSL_FLAG(bool, adaptive, false,
          "--interleaved: stop each cell as an adaptive cell does "
          "(design.stop ADAPTIVE, first look after --min_blocks).");
ABSL_FLAG(int, min_blocks, 4, "--adaptive: first look.");
ABSL_FLAG(double, machine_cv, 0.0,
          "Machine speed noise (log-normal sd) shared by every run of a "
          "block (--interleaved) or of a session (sequential).");
ABSL_FLAG(int, sessions, 1,
          "Sequential: result files per branch and cell (--runs_per_test).");
ABSL_FLAG(double, hours, 0.0,
          "Spread the run over this many hours (0: 2 s per iteration).");

int main(int argc, char** argv) {
  if (auto exit = perfcell::ParseCliFlags(
          argc, argv, "make_synthetic",
          "Writes a demo tree of synthetic cell results into --out, laid out "
          "as `bazel test` leaves them in bazel-testlogs.")) {
    return *exit;
  }
  const std::string out = perfcell::UserPath(absl::GetFlag(FLAGS_out));
  if (out.empty()) {
    std::cerr << "make_synthetic: --out=DIR is required\n";
    return 2;
  }
  perfcell::analysis::SyntheticOptions options =
      perfcell::analysis::DemoOptions();
  options.iterations = absl::GetFlag(FLAGS_iterations);
  options.interleave_cells = !absl::GetFlag(FLAGS_sequential);
  options.seed = absl::GetFlag(FLAGS_seed);
  options.run_slowdown = absl::GetFlag(FLAGS_run_slowdown);
  options.interleaved = absl::GetFlag(FLAGS_interleaved);
  options.blocks = absl::GetFlag(FLAGS_blocks);
  options.adaptive = absl::GetFlag(FLAGS_adaptive);
  options.min_blocks = absl::GetFlag(FLAGS_min_blocks);
  options.machine_cv = absl::GetFlag(FLAGS_machine_cv);
  options.sessions = absl::GetFlag(FLAGS_sessions);
  if (options.blocks < 1 || options.sessions < 1) {
    std::cerr << "make_synthetic: --blocks and --sessions must be >= 1\n";
    return 2;
  }
  if (absl::GetFlag(FLAGS_hours) > 0) {
    const int cells =
        (options.branches.size() + (options.interleaved ? 1 : 0)) *
        options.sizes.size() * options.memory_mib.size() *
        (options.interleaved ? options.blocks : options.sessions);
    const int slots = options.iterations + options.warmup_iterations + 5;
    options.iteration_nanos = static_cast<int64_t>(absl::GetFlag(FLAGS_hours) *
                                                   3.6e12 / (cells * slots));
  }
  std::vector<perfcell::CellResult> results =
      perfcell::analysis::MakeSyntheticResults(options);
  // One failed request, as real runs have them: shown, never averaged in.
  bool failed_one = false;
  for (perfcell::CellResult& r : results) {
    for (int i = 0; i < r.iterations_size() && !failed_one; ++i) {
      perfcell::Iteration* it = r.mutable_iterations(i);
      if (it->branch() != "noisy" || it->warmup()) continue;
      it->set_ok(false);
      it->set_http_status(502);
      it->set_error("HTTP 502 Bad Gateway");
      failed_one = true;
    }
  }
  const absl::Status status =
      perfcell::analysis::WriteBazelTestlogs(out, results);
  if (!status.ok()) {
    std::cerr << "make_synthetic: " << status.message() << "\n";
    return 2;
  }
  std::cerr << "wrote " << out << "/bazel-testlogs\n";
  return 0;
}
