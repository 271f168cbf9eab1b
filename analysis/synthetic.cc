#include "analysis/synthetic.h"

#include <cmath>
#include <filesystem>
#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "analysis/zip_reader.h"
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

std::vector<CellResult> MakeSyntheticResults(const SyntheticOptions& options) {
  std::mt19937_64 rng(options.seed);
  std::normal_distribution<double> standard_normal(0, 1);
  std::vector<CellResult> results;
  const int per_cell = options.iterations + options.warmup_iterations;
  const int64_t iteration_nanos = options.iteration_nanos;
  const int64_t cell_nanos = (per_cell + 5) * iteration_nanos;
  const int cells_per_branch = options.sizes.size() * options.memory_mib.size();
  const int branch_count = options.branches.size();
  const int64_t run_nanos = cell_nanos * cells_per_branch * branch_count;
  int cell_index = 0;
  for (uint64_t size : options.sizes) {
    for (uint32_t memory : options.memory_mib) {
      for (int b = 0; b < branch_count; ++b) {
        const SyntheticBranch& branch = options.branches[b];
        // Position of this cell in the run order.
        const int slot = options.interleave_cells
                             ? cell_index * branch_count + b
                             : b * cells_per_branch + cell_index;
        const int64_t cell_start = options.start_unix_nanos + slot * cell_nanos;
        CellResult r;
        r.set_schema_version(SCHEMA_VERSION_CURRENT);
        CellSpec* spec = r.mutable_spec();
        spec->set_matrix("demo");
        spec->set_cell(absl::StrCat("demo_", branch.name, "_", memory, "mb_",
                                    SizeName(size), "_upload"));
        Binary* binary = spec->add_binaries();
        binary->set_branch(branch.name);
        binary->set_label(absl::StrCat("//examples:server_", branch.name));
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
        const double mean_throughput =
            BaseThroughput(size, memory) * branch.relative_speed;
        for (int i = 0; i < per_cell; ++i) {
          Iteration* it = r.add_iterations();
          const bool warmup = i < options.warmup_iterations;
          const int measured_index = i - options.warmup_iterations;
          double throughput =
              mean_throughput * (1 + branch.cv * standard_normal(rng));
          if (warmup) throughput *= options.warmup_speed;
          if (!warmup) {
            throughput *=
                std::pow(1 - branch.drift_per_iteration, measured_index);
          }
          const int64_t offset =
              cell_start - options.start_unix_nanos + i * iteration_nanos;
          throughput *= 1 - options.run_slowdown * offset / double(run_nanos);
          throughput = std::max(throughput, mean_throughput * 0.05);
          it->set_index(i);
          it->set_warmup(warmup);
          it->set_branch(branch.name);
          it->set_start_unix_nanos(cell_start + i * iteration_nanos);
          it->set_bytes(size);
          it->set_seconds(size / throughput);
          it->set_http_status(200);
          it->set_ok(true);
        }
        Provenance* provenance = r.mutable_provenance();
        provenance->set_backend("qemu");
        provenance->set_backend_version("QEMU emulator version 7.2.15");
        provenance->set_accelerator(options.accelerator);
        provenance->set_cache_mode("none");
        HostFingerprint* host = provenance->mutable_host();
        host->set_hostname("bench-1");
        host->set_cpu_model("Synthetic CPU");
        host->set_cpu_count(2);
        host->set_cpu_governor("performance");
        host->set_kvm_present(options.accelerator == "kvm");
        provenance->set_bazel_target(absl::StrCat("//demo:", spec->cell()));
        r.set_status(CellResult::PASSED);
        r.set_start_unix_nanos(cell_start);
        r.set_end_unix_nanos(cell_start + per_cell * iteration_nanos);
        r.set_boot_seconds(3.0);
        results.push_back(std::move(r));
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
  return WriteZipFiles(path, {{"result.json", json},
                              {"result.pb", r.SerializeAsString()},
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
