// Turns loaded results into the units the analysis compares: a Group is one
// series (a branch, or a branch of run A or B) in one cell, with every
// iteration of every result of that cell pooled (--runs_per_test gives
// several results per cell).
//
// A cell is keyed by what it measured, not by its name: workload kind,
// bytes per request, memory, backend, vCPUs and load concurrency. Iterations
// go to the series of `iteration.branch` when set (interleaved cells hold
// several binaries), else of `spec.binaries[0].branch`.
//
// The units the comparisons use are kept beside the pooled samples:
//  - interleaved results (Design.mode INTERLEAVED): per complete block, the
//    median of each branch's measured iterations in its run of that block.
//    A block with a failed run, a run that is missing for a branch of the
//    spec, or a run without one successful measured iteration is dropped
//    whole (and counted in a warning);
//  - every result: one session median per series (the result file is one
//    cell test, one VM session), the median of its measured iterations.
// A cell whose results mix interleaved and sequential (UNSPECIFIED or
// SEQUENTIAL) designs keeps the interleaved ones and warns.
#ifndef PERFCELL_ANALYSIS_DATASET_H_
#define PERFCELL_ANALYSIS_DATASET_H_

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "analysis/result_loader.h"
#include "proto/cell.pb.h"

namespace perfcell::analysis {

struct CellKey {
  int kind = 0;  // Workload::Kind
  uint64_t bytes_per_request = 0;
  uint32_t memory_mib = 0;
  int backend = 0;  // Backend
  uint32_t vcpus = 0;
  uint32_t concurrency = 0;

  auto Tie() const {
    return std::tie(kind, bytes_per_request, backend, vcpus, concurrency,
                    memory_mib);
  }
  bool operator<(const CellKey& o) const { return Tie() < o.Tie(); }
  bool operator==(const CellKey& o) const { return Tie() == o.Tie(); }

  // "upload 8 MiB, 256 MiB RAM" (+ backend, vCPUs, concurrency).
  std::string Label() const;
  // "upload 8 MiB (qemu, 2 vCPU)": the workload without the memory size.
  std::string WorkloadLabel() const;
};

CellKey KeyOf(const CellSpec& spec);

// "8 MiB", "512 KiB", "100 B".
std::string FormatBytes(uint64_t bytes);

// Something wrong with the input, for the report's warning list: one line
// per problem, never a crash.
struct Warning {
  std::string kind;  // noise, drift, run-drift, warm-up, host, spec, ...
  std::string message;
};

// One iteration as the analysis sees it.
struct Sample {
  double throughput = 0;  // bytes / seconds; 0 when failed
  int64_t start_unix_nanos = 0;
  uint32_t index = 0;
  bool warmup = false;
  bool ok = false;
  std::string error;
  int block = -1;  // interleaved results: Iteration.block; -1 otherwise
};

// A block of an interleaved result: (result ordinal in the input, index).
using BlockId = std::pair<int, uint32_t>;

struct Group {
  CellKey key;
  std::string branch;  // as the result names it
  std::string series;  // branch, or "branch (A)" in compare mode
  std::vector<Sample> samples;
  std::vector<std::string> sources;
  CellSpec spec;            // of the first result
  Provenance provenance;    // of the first result
  std::string stop_reason;  // of the first result (CellResult.stop_reason)
  int results = 0;          // results pooled (runs)
  int failed_results = 0;   // results whose status is FAILED
  std::vector<std::string> result_errors;
  // True when the results of this group are interleaved (blocks).
  bool interleaved = false;
  // Interleaved: this branch's run value (bytes/s) in every usable block:
  // the run's median or geometric mean as its Design names
  // (contract/design.h).
  std::map<BlockId, double> block_values;
  // One per result with a successful measured iteration of this series:
  // the median of those iterations (bytes/s), in input order.
  std::vector<double> session_medians;
};

// Groups results by (cell key, series). `series_suffix` is appended to each
// branch name (" (A)" in compare mode). `warmup_override` >= 0 treats the
// first that many iterations of each series in each result as warm-up
// instead of the `warmup` flags the runner wrote (in interleaved results:
// of each run). Problems with the input (mixed designs, dropped blocks, an
// interleaved spec without its baseline) are appended to `warnings` when
// given.
std::vector<Group> GroupResults(const std::vector<LoadedResult>& results,
                                const std::string& series_suffix,
                                int warmup_override,
                                std::vector<Warning>* warnings = nullptr);

// True for results whose design is INTERLEAVED.
bool IsInterleaved(const CellResult& result);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_DATASET_H_
