#include "analysis/load_cell_fixture.h"

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "contract/latency_histogram.h"

namespace perfcell::analysis {

CellResult LoadCell(const LoadCellOptions& options) {
  const int blocks = options.blocks;
  const double speedup = options.speedup;
  const bool dense = options.dense;
  CellResult r;
  r.set_schema_version(SCHEMA_VERSION_CURRENT);
  r.set_status(CellResult::PASSED);
  CellSpec& spec = *r.mutable_spec();
  spec.set_cell("quick_256mib_16m_load");
  spec.set_memory_mib(256);
  spec.set_backend(BACKEND_HOST);
  spec.mutable_workload()->set_kind(Workload::LOAD);
  spec.mutable_workload()->set_bytes_per_request(16 << 20);
  spec.mutable_workload()->set_concurrency(4);
  spec.mutable_workload()->set_iterations(2);
  spec.mutable_workload()->set_warmup_iterations(1);
  spec.add_binaries()->set_branch("baseline");
  spec.add_binaries()->set_branch("fast");
  spec.mutable_design()->set_mode(Design::INTERLEAVED);
  spec.mutable_design()->set_baseline("baseline");
  std::mt19937_64 rng(options.seed);
  std::lognormal_distribution<double> latency(std::log(0.020), 0.3);
  std::normal_distribution<double> block_effect(0, 0.03);
  uint32_t run_index = 0;
  for (int b = 0; b < blocks; ++b) {
    Block& block = *r.add_blocks();
    block.set_index(b);
    block.set_complete(true);
    const double shared =  // drift in a block
        options.scale * std::exp(block_effect(rng));
    for (const std::string branch : {"baseline", "fast"}) {
      block.add_order(branch);
      Run& run = *block.add_runs();
      run.set_branch(branch);
      run.set_index(run_index);
      run.set_ok(true);
      const double scale = shared * (branch == "fast" ? speedup : 1.0);
      for (int stage = 0; stage < 3; ++stage) {
        Iteration& it = *r.add_iterations();
        it.set_index(stage);
        it.set_warmup(stage == 0);
        it.set_branch(branch);
        it.set_bytes(uint64_t{100} << 20);
        it.set_seconds(2 * scale);
        it.set_ok(true);
        it.set_block(b);
        it.set_run(run_index);
        LatencyCounts counts;
        for (int k = 0; k < 400; ++k) {
          counts.Add(stage == 0 ? 5.0 : latency(rng) * scale);
        }
        LatencyHistogram h = counts.ToProto(absl::StrCat(
            branch, " run ", run_index, ": stage ", stage, ": 4 clients"));
        if (dense) {
          LatencyHistogram old;
          old.set_name(h.name());
          std::vector<uint64_t> c(22, 0);
          for (int k = 0; k < h.bucket_index_size(); ++k) {
            const double mid =
                LatencyLayout::Default().MidSeconds(h.bucket_index(k));
            int i = 0;
            while (i < 21 && std::pow(10.0, -3 + i / 4.0) < mid) ++i;
            c[i] += h.bucket_count(k);
          }
          for (int i = 0; i < 22; ++i) {
            old.add_upper_bound_seconds(
                i < 21 ? std::round(std::pow(10.0, -3 + i / 4.0) * 1e6) / 1e6
                       : INFINITY);
            old.add_counts(c[i]);
          }
          old.set_total(h.total());
          h = old;
        }
        *r.add_histograms() = h;
      }
      ++run_index;
    }
  }
  return r;
}

}  // namespace perfcell::analysis
