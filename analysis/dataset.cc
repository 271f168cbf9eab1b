#include "analysis/dataset.h"

#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace perfcell::analysis {
namespace {

std::string KindName(int kind) {
  if (!Workload::Kind_IsValid(kind) || kind == Workload::KIND_UNSPECIFIED) {
    return "workload";
  }
  return absl::AsciiStrToLower(Workload::Kind_Name(kind));
}

std::string BackendName(int backend) {
  if (!Backend_IsValid(backend) || backend == BACKEND_UNSPECIFIED) return "";
  return absl::AsciiStrToLower(Backend_Name(backend).substr(8));
}

std::string BranchOf(const CellSpec& spec, const Iteration& it) {
  if (!it.branch().empty()) return it.branch();
  if (spec.binaries_size() > 0 && !spec.binaries(0).branch().empty()) {
    return spec.binaries(0).branch();
  }
  return "(unnamed)";
}

}  // namespace

std::string FormatBytes(uint64_t bytes) {
  if (bytes >= (1ull << 30) && bytes % (1ull << 30) == 0) {
    return absl::StrCat(bytes >> 30, " GiB");
  }
  if (bytes >= (1ull << 20) && bytes % (1ull << 20) == 0) {
    return absl::StrCat(bytes >> 20, " MiB");
  }
  if (bytes >= (1ull << 10) && bytes % (1ull << 10) == 0) {
    return absl::StrCat(bytes >> 10, " KiB");
  }
  return absl::StrCat(bytes, " B");
}

std::string CellKey::WorkloadLabel() const {
  std::string label =
      absl::StrCat(KindName(kind), " ", FormatBytes(bytes_per_request));
  std::vector<std::string> extras;
  if (!BackendName(backend).empty()) extras.push_back(BackendName(backend));
  if (vcpus > 0) extras.push_back(absl::StrCat(vcpus, " vCPU"));
  if (concurrency > 0) extras.push_back(absl::StrCat(concurrency, " clients"));
  if (!extras.empty()) {
    absl::StrAppend(&label, " (", absl::StrJoin(extras, ", "), ")");
  }
  return label;
}

std::string CellKey::Label() const {
  return absl::StrCat(KindName(kind), " ", FormatBytes(bytes_per_request), ", ",
                      memory_mib, " MiB RAM");
}

CellKey KeyOf(const CellSpec& spec) {
  CellKey key;
  key.kind = spec.workload().kind();
  key.bytes_per_request = spec.workload().bytes_per_request();
  key.memory_mib = spec.memory_mib();
  key.backend = spec.backend();
  key.vcpus = spec.vcpus();
  if (spec.workload().kind() == Workload::LOAD) {
    key.concurrency = spec.workload().concurrency();
  }
  return key;
}

std::vector<Group> GroupResults(const std::vector<LoadedResult>& results,
                                const std::string& series_suffix,
                                int warmup_override) {
  std::map<std::pair<CellKey, std::string>, Group> groups;
  for (const LoadedResult& loaded : results) {
    const CellResult& r = loaded.result;
    const CellKey key = KeyOf(r.spec());
    std::map<std::string, int> seen_per_series;
    std::map<std::string, bool> touched;
    for (const Iteration& it : r.iterations()) {
      const std::string branch = BranchOf(r.spec(), it);
      const std::string series = branch + series_suffix;
      Group& group = groups[{key, series}];
      if (!touched[series]) {
        touched[series] = true;
        if (group.results == 0) {
          group.key = key;
          group.branch = branch;
          group.series = series;
          group.spec = r.spec();
          group.provenance = r.provenance();
        }
        ++group.results;
        group.sources.push_back(loaded.source);
        if (r.status() == CellResult::FAILED) {
          ++group.failed_results;
          if (!r.error().empty()) group.result_errors.push_back(r.error());
        }
      }
      Sample s;
      s.index = it.index();
      s.start_unix_nanos = it.start_unix_nanos();
      s.warmup = warmup_override >= 0
                     ? seen_per_series[series]++ < warmup_override
                     : it.warmup();
      s.ok = it.ok() && it.seconds() > 0 && it.bytes() > 0;
      s.error = it.error();
      if (it.ok() && !s.ok && s.error.empty()) {
        s.error = "no bytes or no duration recorded";
      }
      if (s.ok) s.throughput = it.bytes() / it.seconds();
      group.samples.push_back(std::move(s));
    }
    if (r.iterations_size() == 0) {
      // A cell that measured nothing still shows up, as failed.
      const std::string branch = r.spec().binaries_size() > 0
                                     ? r.spec().binaries(0).branch()
                                     : std::string("(unnamed)");
      const std::string series = branch + series_suffix;
      Group& group = groups[{key, series}];
      if (group.results == 0) {
        group.key = key;
        group.branch = branch;
        group.series = series;
        group.spec = r.spec();
        group.provenance = r.provenance();
      }
      ++group.results;
      ++group.failed_results;
      group.sources.push_back(loaded.source);
      group.result_errors.push_back(r.error().empty() ? "no iterations recorded"
                                                      : r.error());
    }
  }
  std::vector<Group> out;
  for (auto& [unused, group] : groups) out.push_back(std::move(group));
  return out;
}

}  // namespace perfcell::analysis
