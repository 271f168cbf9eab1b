// make_synthetic: writes a demo tree of synthetic cell results, laid out as
// `bazel test` leaves them (bazel-testlogs/.../test.outputs/outputs.zip):
// a baseline, a branch 10% slower, one with no difference, one that slows
// down during each cell, and a noisy one.
//
//   bazel run //analysis:make_synthetic -- --out=/tmp/demo
//   bazel run //analysis:report -- --results=/tmp/demo --baseline=baseline
//       --out=/tmp/demo-report
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "analysis/synthetic.h"

ABSL_FLAG(std::string, out, "", "Folder to write the tree into.");
ABSL_FLAG(int, iterations, 10, "Measured iterations per cell.");
ABSL_FLAG(bool, sequential, false,
          "Run each branch's cells one after another instead of "
          "interleaving them (confounds branch and time).");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the synthetic noise.");
ABSL_FLAG(double, run_slowdown, 0.0,
          "Fraction of throughput the machine loses from the first to the "
          "last iteration of the run (0.67: 3x slower by the end).");
ABSL_FLAG(double, hours, 0.0,
          "Spread the run over this many hours (0: 2 s per iteration).");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string out = absl::GetFlag(FLAGS_out);
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
  if (absl::GetFlag(FLAGS_hours) > 0) {
    const int cells = options.branches.size() * options.sizes.size() *
                      options.memory_mib.size();
    const int slots = options.iterations + options.warmup_iterations + 5;
    options.iteration_nanos = static_cast<int64_t>(absl::GetFlag(FLAGS_hours) *
                                                   3.6e12 / (cells * slots));
  }
  std::vector<perfcell::CellResult> results =
      perfcell::analysis::MakeSyntheticResults(options);
  // One failed request, as real runs have them: shown, never averaged in.
  for (perfcell::CellResult& r : results) {
    if (r.spec().binaries(0).branch() == "noisy" && r.iterations_size() > 3) {
      perfcell::Iteration* it = r.mutable_iterations(3);
      it->set_ok(false);
      it->set_http_status(502);
      it->set_error("HTTP 502 Bad Gateway");
      break;
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
