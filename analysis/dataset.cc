#include "analysis/dataset.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "contract/design.h"
#include "proto/backend_name.h"

namespace perfcell::analysis {
namespace {

std::string KindName(int kind) {
  if (!Workload::Kind_IsValid(kind) || kind == Workload::KIND_UNSPECIFIED) {
    return "workload";
  }
  return absl::AsciiStrToLower(Workload::Kind_Name(kind));
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

bool IsInterleaved(const CellResult& result) {
  return result.spec().design().mode() == Design::INTERLEAVED;
}

namespace {

Group& GroupFor(std::map<std::pair<CellKey, std::string>, Group>* groups,
                const CellKey& key, const std::string& branch,
                const std::string& series, const CellResult& r) {
  Group& group = (*groups)[{key, series}];
  if (group.results == 0) {
    group.key = key;
    group.branch = branch;
    group.series = series;
    group.spec = r.spec();
    group.provenance = r.provenance();
    group.stop_reason = r.stop_reason();
    group.interleaved = IsInterleaved(r);
  }
  return group;
}

double MedianOf(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

// The blocks of an interleaved result that can be used, with the branches
// each holds: every branch it was meant to run ran in it, no run failed, and
// each has a successful measured iteration there. A block is meant to run
// every branch of the spec; in an adaptive cell, the baseline and the
// branches still open (its `order`: a settled branch has left the cell).
// Counts the blocks seen in `total`.
std::map<uint32_t, std::set<std::string>> UsableBlocks(
    const CellResult& r,
    const std::map<std::pair<uint32_t, std::string>, int>& measured_ok,
    int* total) {
  std::set<std::string> branches;
  for (const Binary& b : r.spec().binaries()) branches.insert(b.branch());
  const bool adaptive = IsAdaptive(r.spec().design());
  std::set<uint32_t> seen, bad;
  std::map<uint32_t, std::set<std::string>> meant;
  for (const Block& block : r.blocks()) {
    seen.insert(block.index());
    std::set<std::string>& want = meant[block.index()];
    want = branches;
    if (adaptive) {
      want = {block.order().begin(), block.order().end()};
      const bool subset = std::includes(branches.begin(), branches.end(),
                                        want.begin(), want.end());
      if (!subset || !want.count(r.spec().design().baseline())) {
        bad.insert(block.index());
      }
    }
    std::set<std::string> ran;
    for (const Run& run : block.runs()) {
      if (!run.ok()) bad.insert(block.index());
      ran.insert(run.branch());
    }
    if (!block.complete() || ran != want) bad.insert(block.index());
  }
  for (const Iteration& it : r.iterations()) {
    seen.insert(it.block());
    if (!meant.count(it.block())) meant[it.block()] = branches;
  }
  for (uint32_t block : seen) {
    for (const std::string& branch : meant[block]) {
      auto it = measured_ok.find({block, branch});
      if (it == measured_ok.end() || it->second == 0) bad.insert(block);
    }
  }
  *total = static_cast<int>(seen.size());
  std::map<uint32_t, std::set<std::string>> usable;
  for (uint32_t block : seen) {
    if (!bad.count(block)) usable[block] = meant[block];
  }
  return usable;
}

}  // namespace

std::vector<Group> GroupResults(const std::vector<LoadedResult>& results,
                                const std::string& series_suffix,
                                int warmup_override,
                                std::vector<Warning>* warnings) {
  std::vector<Warning> found;
  // Cells whose results mix designs keep only the interleaved ones.
  std::map<CellKey, std::pair<int, int>> designs;  // interleaved, sequential
  std::map<CellKey, std::map<std::string, int>> statistics;  // interleaved
  for (const LoadedResult& loaded : results) {
    const CellKey key = KeyOf(loaded.result.spec());
    auto& counts = designs[key];
    (IsInterleaved(loaded.result) ? counts.first : counts.second)++;
    if (IsInterleaved(loaded.result)) {
      ++statistics[key][RunStatisticName(
          RunStatisticOf(loaded.result.spec().design()))];
    }
  }
  for (const auto& [key, names] : statistics) {
    if (names.size() < 2) continue;
    std::vector<std::string> parts;
    for (const auto& [name, n] : names) {
      parts.push_back(absl::StrCat(name, " in ", n));
    }
    found.push_back(
        {"mixed",
         absl::StrCat("cell ", key.Label(),
                      ": its results count a run by different statistics (",
                      absl::StrJoin(parts, ", "),
                      "); their block ratios are pooled as they are (re-run "
                      "the cell with one run_statistic)")});
  }
  for (const auto& [key, counts] : designs) {
    if (counts.first > 0 && counts.second > 0) {
      found.push_back(
          {"mixed",
           absl::StrCat("cell ", key.Label(), ": ", counts.first,
                        " interleaved and ", counts.second,
                        " sequential result(s) of the same cell; the "
                        "sequential ones are left out (re-run the cell one "
                        "way)")});
    }
  }
  std::map<std::pair<CellKey, std::string>, Group> groups;
  for (int ordinal = 0; ordinal < static_cast<int>(results.size()); ++ordinal) {
    const LoadedResult& loaded = results[ordinal];
    const CellResult& r = loaded.result;
    const CellKey key = KeyOf(r.spec());
    const bool interleaved = IsInterleaved(r);
    if (!interleaved && designs[key].first > 0) continue;
    if (interleaved) {
      const std::string& baseline = r.spec().design().baseline();
      bool listed = false;
      std::vector<std::string> names;
      for (const Binary& b : r.spec().binaries()) {
        listed |= b.branch() == baseline;
        names.push_back(b.branch());
      }
      if (baseline.empty() || !listed) {
        found.push_back(
            {"spec", absl::StrCat(
                         "cell ", key.Label(), " (", loaded.source,
                         "): interleaved result whose spec lacks its "
                         "baseline branch (design.baseline \"",
                         baseline, "\", binaries: ", absl::StrJoin(names, ", "),
                         "); its blocks pair with whatever baseline the "
                         "report names")});
      }
    }
    for (const std::string& w : r.warnings()) {
      found.push_back({"spec", absl::StrCat("cell ", key.Label(), " (",
                                            loaded.source, "): ", w)});
    }
    // An adaptive cell stopped on the iterations it counted: replaying it with
    // other warm-ups would show decisions it never took.
    const bool adaptive = IsAdaptive(r.spec().design());
    const int warmup_here = adaptive ? -1 : warmup_override;
    if (adaptive && warmup_override >= 0) {
      found.push_back(
          {"spec", absl::StrCat("cell ", key.Label(), " (", loaded.source,
                                "): --warmup=", warmup_override,
                                " ignored: an adaptive cell is replayed on "
                                "the warm-ups it decided with")});
    }
    std::map<std::string, int> seen_per_run;  // series + block
    std::map<std::string, bool> touched;
    // Interleaved: measured throughputs per (block, branch), successes.
    std::map<std::pair<uint32_t, std::string>, std::vector<double>> runs;
    std::map<std::pair<uint32_t, std::string>, int> measured_ok;
    std::map<std::string, std::vector<double>> session;
    for (const Iteration& it : r.iterations()) {
      const std::string branch = BranchOf(r.spec(), it);
      const std::string series = branch + series_suffix;
      Group& group = GroupFor(&groups, key, branch, series, r);
      if (!touched[series]) {
        touched[series] = true;
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
      const std::string run_key =
          interleaved ? absl::StrCat(series, "\n", it.block()) : series;
      s.warmup = warmup_here >= 0 ? seen_per_run[run_key]++ < warmup_here
                                  : it.warmup();
      s.ok = it.ok() && it.seconds() > 0 && it.bytes() > 0;
      s.error = it.error();
      if (it.ok() && !s.ok && s.error.empty()) {
        s.error = "no bytes or no duration recorded";
      }
      if (s.ok) s.throughput = it.bytes() / it.seconds();
      if (interleaved) s.block = static_cast<int>(it.block());
      if (s.ok && !s.warmup) {
        session[series].push_back(s.throughput);
        if (interleaved) {
          runs[{it.block(), branch}].push_back(s.throughput);
          ++measured_ok[{it.block(), branch}];
        }
      }
      group.samples.push_back(std::move(s));
    }
    for (const auto& [series, values] : session) {
      groups[{key, series}].session_medians.push_back(MedianOf(values));
    }
    if (interleaved && r.iterations_size() > 0) {
      int total = 0;
      const std::map<uint32_t, std::set<std::string>> usable =
          UsableBlocks(r, measured_ok, &total);
      for (const auto& [block_branch, values] : runs) {
        auto block = usable.find(block_branch.first);
        if (block == usable.end() ||
            !block->second.count(block_branch.second)) {
          continue;
        }
        groups[{key, block_branch.second + series_suffix}]
            .block_values[{ordinal, block_branch.first}] =
            RunValue(r.spec().design(), values);
      }
      const int dropped = total - static_cast<int>(usable.size());
      if (dropped > 0) {
        found.push_back(
            {"blocks",
             absl::StrCat("cell ", key.Label(), ": ", dropped, " of ", total,
                          " blocks dropped (failed or missing "
                          "runs)",
                          results.size() > 1
                              ? absl::StrCat(" in ", loaded.source)
                              : std::string())});
      }
    }
    if (r.iterations_size() == 0) {
      // A cell that measured nothing still shows up, as failed.
      const std::string branch = r.spec().binaries_size() > 0
                                     ? r.spec().binaries(0).branch()
                                     : std::string("(unnamed)");
      const std::string series = branch + series_suffix;
      Group& group = GroupFor(&groups, key, branch, series, r);
      ++group.results;
      ++group.failed_results;
      group.sources.push_back(loaded.source);
      group.result_errors.push_back(r.error().empty() ? "no iterations recorded"
                                                      : r.error());
    }
  }
  if (warnings != nullptr) {
    warnings->insert(warnings->end(), found.begin(), found.end());
  }
  std::vector<Group> out;
  for (auto& [unused, group] : groups) out.push_back(std::move(group));
  return out;
}

}  // namespace perfcell::analysis
