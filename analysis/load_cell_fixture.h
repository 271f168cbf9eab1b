// Test fixtures: an interleaved LOAD cell with latency histograms, as the
// cell runner writes them, for the latency analysis and the CLIs' tests.
//
//   LoadCellOptions o;
//   o.speedup = 0.8;  // the "fast" branch's latencies are 0.8x baseline's
//   CellResult r = LoadCell(o);
#ifndef PERFCELL_ANALYSIS_LOAD_CELL_FIXTURE_H_
#define PERFCELL_ANALYSIS_LOAD_CELL_FIXTURE_H_

#include <cstdint>

#include "proto/cell.pb.h"

namespace perfcell::analysis {

struct LoadCellOptions {
  int blocks = 6;
  // The "fast" branch's latencies relative to "baseline"'s.
  double speedup = 1;
  // Every latency of the cell (both branches) times this.
  double scale = 1;
  // The old four-per-decade dense histograms instead of log-linear ones.
  bool dense = false;
  uint64_t seed = 3;  // of the latencies drawn
};

// Cell quick_256mib_16m_load (host, 256 MiB, 16 MiB, 4 clients) with branches
// "baseline" and "fast": `blocks` complete blocks; each run one warm-up stage
// (every latency 5 s, to be left out) and two measured stages of "4
// clients", 400 requests each, latencies lognormal around 20 ms (times a
// per-block factor shared by both branches).
CellResult LoadCell(const LoadCellOptions& options);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_LOAD_CELL_FIXTURE_H_
