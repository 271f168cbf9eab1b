#include "analysis/synthetic.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <random>

#include "absl/strings/str_cat.h"
#include "analysis/zip_reader.h"
#include "contract/design.h"
#include "contract/result_files.h"
#include "contract/stats/sequential.h"
#include "google/protobuf/util/json_util.h"
#include "tools/cc/atomic_file.h"
#include "tools/cc/status_macros.h"

namespace perfcell::analysis {
namespace {

// Baseline throughput of a cell in bytes/s: more memory and larger requests
// go a little faster, so cells differ as real ones do.
double BaseThroughput(uint64_t size, uint32_t memory_mib) {
  return 80e6 * (1 + 0.1 * std::log2(memory_mib / 256.0)) *
         (1 + 0.05 * std::log2(size / double(8 << 20)));
}

std::string SizeName(uint64_t bytes) {
  return bytes % (1 << 20) == 0 ? absl::StrCat(bytes >> 20, "m")
                                : absl::StrCat(bytes >> 10, "k");
}

absl::StatusOr<std::string> ToJson(const CellResult& r) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  const auto status =
      google::protobuf::util::MessageToJsonString(r, &json, options);
  if (!status.ok()) {
    return absl::InternalError(std::string(status.message()));
  }
  return json;
}

}  // namespace

SyntheticOptions DemoOptions() {
  SyntheticOptions options;
  options.branches = {
      {.name = "baseline"},
      {.name = "batch-reads", .relative_speed = 0.90},
      {.name = "refactor", .relative_speed = 1.0},
      {.name = "leaky-tmp", .relative_speed = 1.0, .drift_per_iteration = 0.03},
      {.name = "noisy", .relative_speed = 1.08, .cv = 0.25},
  };
  return options;
}

namespace {

// The spec, provenance and status every synthetic result shares.
CellResult NewResult(const SyntheticOptions& options, const std::string& cell,
                     uint64_t size, uint32_t memory) {
  CellResult r;
  r.set_schema_version(SCHEMA_VERSION_CURRENT);
  CellSpec* spec = r.mutable_spec();
  spec->set_matrix("demo");
  spec->set_cell(cell);
  spec->set_memory_mib(memory);
  spec->set_vcpus(2);
  spec->set_backend(BACKEND_QEMU);
  spec->set_api_profile("chunkstore");
  spec->set_data_disk_bytes(50ull << 30);
  Workload* workload = spec->mutable_workload();
  workload->set_kind(Workload::UPLOAD);
  workload->set_bytes_per_request(size);
  workload->set_iterations(options.iterations);
  workload->set_warmup_iterations(options.warmup_iterations);
  workload->set_seed(7);
  Provenance* provenance = r.mutable_provenance();
  provenance->set_backend_kind(BACKEND_QEMU);
  provenance->set_backend_version("QEMU emulator version 7.2.15");
  provenance->set_accelerator(options.accelerator);
  provenance->set_cache_mode("none");
  HostFingerprint* host = provenance->mutable_host();
  host->set_hostname("bench-1");
  host->set_cpu_model("Synthetic CPU");
  host->set_cpu_count(2);
  host->set_cpu_governor("performance");
  host->set_kvm_present(options.accelerator == "kvm");
  provenance->set_bazel_target(absl::StrCat("//demo:", cell));
  r.set_status(CellResult::PASSED);
  r.set_boot_seconds(3.0);
  return r;
}

// Appends the warm-up and measured iterations of one run (a sequential
// cell, or one branch's turn in a block) starting at `start`.
// `machine` multiplies every throughput of the run.
void AddRun(const SyntheticOptions& options, const SyntheticBranch& branch,
            uint64_t size, double mean_throughput, double machine,
            int64_t start, int64_t run_nanos, int first_index,
            std::mt19937_64* rng, CellResult* r) {
  std::normal_distribution<double> standard_normal(0, 1);
  const int per_run = options.iterations + options.warmup_iterations;
  for (int i = 0; i < per_run; ++i) {
    Iteration* it = r->add_iterations();
    const bool warmup = i < options.warmup_iterations;
    const int measured_index = i - options.warmup_iterations;
    double throughput =
        mean_throughput * machine * (1 + branch.cv * standard_normal(*rng));
    if (warmup) throughput *= options.warmup_speed;
    if (!warmup) {
      throughput *= std::pow(1 - branch.drift_per_iteration, measured_index);
    }
    const int64_t when = start + i * options.iteration_nanos;
    const int64_t offset = when - options.start_unix_nanos;
    throughput *= 1 - options.run_slowdown * offset / double(run_nanos);
    throughput = std::max(throughput, mean_throughput * 0.05);
    it->set_index(first_index + i);
    it->set_warmup(warmup);
    it->set_branch(branch.name);
    it->set_start_unix_nanos(when);
    it->set_bytes(size);
    it->set_seconds(size / throughput);
    it->set_http_status(200);
    it->set_ok(true);
  }
}

std::vector<CellResult> MakeInterleaved(const SyntheticOptions& options) {
  std::mt19937_64 rng(options.seed);
  std::normal_distribution<double> standard_normal(0, 1);
  std::vector<SyntheticBranch> branches = options.branches;
  if (options.aa_copy && !branches.empty()) {
    SyntheticBranch aa = branches.front();
    aa.name += "~aa";
    branches.insert(branches.begin() + 1, aa);
  }
  const int per_run = options.iterations + options.warmup_iterations;
  const int64_t slot_nanos = (per_run + 5) * options.iteration_nanos;
  const int64_t cell_nanos = slot_nanos * branches.size() * options.blocks;
  const int64_t run_nanos =
      cell_nanos * options.sizes.size() * options.memory_mib.size();
  std::vector<CellResult> results;
  int cell_index = 0;
  for (uint64_t size : options.sizes) {
    for (uint32_t memory : options.memory_mib) {
      CellResult r = NewResult(
          options,
          absl::StrCat("demo_", memory, "mb_", SizeName(size), "_upload"), size,
          memory);
      CellSpec* spec = r.mutable_spec();
      for (const SyntheticBranch& branch : branches) {
        Binary* binary = spec->add_binaries();
        binary->set_branch(branch.name);
        binary->set_label(
            absl::StrCat("//examples:server_",
                         branches.front().name == branch.name ||
                                 branch.name == branches.front().name + "~aa"
                             ? branches.front().name
                             : branch.name));
      }
      Design* design = spec->mutable_design();
      design->set_mode(Design::INTERLEAVED);
      design->set_isolation(Design::VM);
      design->set_stop(Design::FIXED);
      design->set_min_blocks(options.blocks);
      design->set_max_blocks(options.blocks);
      design->set_seed(options.seed);
      design->set_baseline(branches.front().name);
      design->set_min_effect(0.05);
      design->set_alpha(0.05);
      // Adaptive: the runner's stopping rule (runner/cell/adaptive_stop.h).
      std::optional<stats::SequentialBoundary> boundary;
      std::vector<std::unique_ptr<stats::SequentialComparison>> looks;
      std::vector<bool> decided(branches.size(), false);
      bool any_futile = false;
      if (options.adaptive) {
        design->set_stop(Design::ADAPTIVE);
        design->set_min_blocks(options.min_blocks);
        design->set_futility(options.futility);
        absl::StatusOr<stats::SequentialBoundary> calibrated =
            stats::CalibrateBoundary(SequentialDesignFor(
                *design, static_cast<int>(branches.size()) - 1));
        if (calibrated.ok()) boundary = *std::move(calibrated);
        for (size_t k = 0; boundary && k < branches.size(); ++k) {
          looks.push_back(
              std::make_unique<stats::SequentialComparison>(&*boundary));
        }
      }
      std::string stop_reason =
          absl::StrCat("fixed design: ", options.blocks, " blocks");
      const int64_t cell_start =
          options.start_unix_nanos + cell_index * cell_nanos;
      std::vector<size_t> order(branches.size());
      int run_index = 0;
      for (int b = 0; b < options.blocks; ++b) {
        std::vector<double> run_values(branches.size(), 0);
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::shuffle(order.begin(), order.end(), rng);
        const double machine =
            std::exp(options.machine_cv * standard_normal(rng));
        Block* block = r.add_blocks();
        block->set_index(b);
        block->set_complete(true);
        for (size_t k : order) {
          if (decided[k]) continue;  // settled: it left the cell
          const SyntheticBranch& branch = branches[k];
          const int64_t start = cell_start + run_index * slot_nanos;
          block->add_order(branch.name);
          Run* run = block->add_runs();
          run->set_branch(branch.name);
          run->set_index(run_index);
          run->set_start_unix_nanos(start);
          run->set_boot_seconds(3.0);
          run->set_ok(true);
          const int first = r.iterations_size();
          AddRun(options, branch, size,
                 BaseThroughput(size, memory) * branch.relative_speed,
                 machine * std::exp(options.run_cv * standard_normal(rng)),
                 start, run_nanos, 0, &rng, &r);
          std::vector<double> measured;
          for (int i = first; i < r.iterations_size(); ++i) {
            Iteration* it = r.mutable_iterations(i);
            it->set_index(i);
            it->set_block(b);
            it->set_run(run_index);
            if (!it->warmup()) measured.push_back(it->bytes() / it->seconds());
          }
          run_values[k] = RunValue(*design, measured);
          ++run_index;
        }
        if (looks.empty()) continue;
        const int n = b + 1;
        bool all_decided = true;
        for (size_t k = 1; k < branches.size(); ++k) {
          if (decided[k]) continue;
          looks[k]->AddBlock(std::log(run_values[k] / run_values[0]));
          if (n >= options.min_blocks) {
            const absl::StatusOr<stats::SequentialLook> look =
                looks[k]->Look(n >= options.blocks);
            decided[k] = look.ok() && look->Settled();
            any_futile = any_futile || (look.ok() && look->futile);
          }
          all_decided = all_decided && decided[k];
        }
        if (all_decided) {
          stop_reason = absl::StrCat("adaptive: every comparison decided",
                                     any_futile ? " or futile" : "", " after ",
                                     n, " blocks");
          break;
        }
        if (n == options.blocks) {
          stop_reason = absl::StrCat("adaptive: max_blocks ", n, " reached");
        } else if (n == options.stop_after_blocks) {
          stop_reason = absl::StrCat(
              "adaptive: max_cell_seconds reached after ", n, " blocks");
          break;
        }
      }
      r.set_start_unix_nanos(cell_start);
      r.set_end_unix_nanos(cell_start + run_index * slot_nanos);
      r.set_stop_reason(stop_reason);
      results.push_back(std::move(r));
      ++cell_index;
    }
  }
  return results;
}

}  // namespace

std::vector<CellResult> MakeSyntheticResults(const SyntheticOptions& options) {
  if (options.interleaved) return MakeInterleaved(options);
  std::mt19937_64 rng(options.seed);
  std::normal_distribution<double> standard_normal(0, 1);
  std::vector<CellResult> results;
  const int per_cell = options.iterations + options.warmup_iterations;
  const int64_t iteration_nanos = options.iteration_nanos;
  const int64_t cell_nanos = (per_cell + 5) * iteration_nanos;
  const int cells_per_branch = options.sizes.size() * options.memory_mib.size();
  const int branch_count = options.branches.size();
  const int sessions = std::max(options.sessions, 1);
  const int64_t run_nanos =
      cell_nanos * cells_per_branch * branch_count * sessions;
  int cell_index = 0;
  for (uint64_t size : options.sizes) {
    for (uint32_t memory : options.memory_mib) {
      for (int session = 0; session < sessions; ++session) {
        for (int b = 0; b < branch_count; ++b) {
          const SyntheticBranch& branch = options.branches[b];
          // Position of this cell in the run order.
          const int slot =
              options.interleave_cells
                  ? (cell_index * sessions + session) * branch_count + b
                  : (b * sessions + session) * cells_per_branch + cell_index;
          const int64_t cell_start =
              options.start_unix_nanos + slot * cell_nanos;
          CellResult r =
              NewResult(options,
                        absl::StrCat("demo_", branch.name, "_", memory, "mb_",
                                     SizeName(size), "_upload"),
                        size, memory);
          Binary* binary = r.mutable_spec()->add_binaries();
          binary->set_branch(branch.name);
          binary->set_label(absl::StrCat("//examples:server_", branch.name));
          const double machine =
              options.machine_cv > 0
                  ? std::exp(options.machine_cv * standard_normal(rng))
                  : 1.0;
          AddRun(options, branch, size,
                 BaseThroughput(size, memory) * branch.relative_speed, machine,
                 cell_start, run_nanos, 0, &rng, &r);
          r.set_start_unix_nanos(cell_start);
          r.set_end_unix_nanos(cell_start + per_cell * iteration_nanos);
          results.push_back(std::move(r));
        }
      }
      ++cell_index;
    }
  }
  return results;
}

absl::Status WriteResultJson(const std::string& path, const CellResult& r) {
  ASSIGN_OR_RETURN(std::string json, ToJson(r));
  return WriteFileAtomically(path, json);
}

absl::Status WriteResultPb(const std::string& path, const CellResult& r) {
  return WriteFileAtomically(path, r.SerializeAsString());
}

absl::Status WriteOutputsZip(const std::string& path, const CellResult& r) {
  ASSIGN_OR_RETURN(std::string json, ToJson(r));
  return WriteZipFiles(path,
                       {{std::string(kResultJsonFile), json},
                        {std::string(kResultPbFile), r.SerializeAsString()},
                        {"console.log", "perfcell-guest: ready\n"}});
}

absl::Status WriteBazelTestlogs(const std::string& dir,
                                const std::vector<CellResult>& results) {
  std::map<std::string, int> runs;
  for (const CellResult& r : results) ++runs[r.spec().cell()];
  std::map<std::string, int> seen;
  for (const CellResult& r : results) {
    const std::string& cell = r.spec().cell();
    std::string folder =
        absl::StrCat(dir, "/bazel-testlogs/", r.spec().matrix(), "/", cell);
    if (runs[cell] > 1) {
      absl::StrAppend(&folder, "/run_", ++seen[cell], "_of_", runs[cell]);
    }
    folder += "/test.outputs";
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (error) {
      return absl::InternalError(
          absl::StrCat("cannot create ", folder, ": ", error.message()));
    }
    RETURN_IF_ERROR(WriteOutputsZip(folder + "/outputs.zip", r));
  }
  return absl::OkStatus();
}

}  // namespace perfcell::analysis
