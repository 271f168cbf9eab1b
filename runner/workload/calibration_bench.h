// Measures how much slower chunkstore's --slowdown_percent makes requests as
// perfcell's real workload client (runner/workload) sees them.
//
//   CalibrationPlan plan;
//   plan.binary = "examples/chunkstore/chunkstore";
//   plan.percents = {0, 0, 3, 10};  // one child server each
//   absl::StatusOr<CalibrationReport> report = RunCalibration(plan);
//   report->ratios[c][s];  // case c, server s: median over blocks of
//                          // server s's median seconds over the baseline's
//                          // (the geometric mean of the N = 0 servers')
//
// perfcell's real workload client (RunWorkload) drives every server, one
// client thread per server; their timed requests take turns one at a time
// (each round runs every server once, in a shuffled order), so whatever the
// shared machine does meanwhile hits every server alike. Every block starts
// fresh server processes and runs its share of the rounds of every case;
// per block, the ratio of each server's median to the baseline (the
// geometric mean of the N = 0 servers' medians: two N = 0 servers give an
// A/A check, their two ratios ≈ 1 ± half their difference); the report
// holds the median over blocks.
#ifndef PERFCELL_RUNNER_WORKLOAD_CALIBRATION_BENCH_H_
#define PERFCELL_RUNNER_WORKLOAD_CALIBRATION_BENCH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "proto/cell.pb.h"

namespace chunkstore_bench {

struct CalibrationCase {
  perfcell::Workload::Kind kind = perfcell::Workload::DOWNLOAD;
  uint64_t bytes = 4 << 20;
  std::string Name() const;  // "download 4 MiB"
};

struct CalibrationPlan {
  std::string binary;            // the chunkstore binary
  std::vector<double> percents;  // --slowdown_percent of each server
  std::vector<CalibrationCase> cases;
  // Timed requests per server and case in all (after one warm-up request
  // per block), a round running every server once.
  int upload_rounds = 30;
  int download_rounds = 100;
  // Blocks: fresh servers each, and an equal share of the rounds.
  int blocks = 10;
  std::vector<std::string> extra_flags;  // passed to every server
};

struct CalibrationReport {
  // [case][server]: median over blocks of the block's median seconds on that
  // server over the baseline's.
  std::vector<std::vector<double>> ratios;
  // [case][server]: median seconds of the timed requests.
  std::vector<std::vector<double>> seconds;
  std::string Table(const CalibrationPlan& plan) const;
};

absl::StatusOr<CalibrationReport> RunCalibration(const CalibrationPlan& plan);

}  // namespace chunkstore_bench

#endif  // PERFCELL_RUNNER_WORKLOAD_CALIBRATION_BENCH_H_
