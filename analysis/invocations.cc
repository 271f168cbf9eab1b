#include "analysis/invocations.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "re2/re2.h"

namespace perfcell::analysis {

bool InvocationOf(const std::string& source, std::string* target, int* runs) {
  // "a/b/outputs.zip!result.pb": the file system part.
  const std::string path = source.substr(0, source.find('!'));
  const std::vector<std::string> parts = absl::StrSplit(path, '/');
  static const LazyRE2 kRun = {R"(run_(\d+)_of_(\d+))"};
  for (size_t i = parts.size(); i-- > 1;) {
    int k = 0, n = 0;
    if (RE2::FullMatch(parts[i], *kRun, &k, &n) && n >= 1) {
      *target = absl::StrJoin(parts.begin(), parts.begin() + i, "/");
      *runs = n;
      return true;
    }
  }
  for (size_t i = parts.size(); i-- > 1;) {
    if (parts[i] == "test.outputs") {
      *target = absl::StrJoin(parts.begin(), parts.begin() + i, "/");
      *runs = 1;
      return true;
    }
  }
  return false;
}

namespace {

std::string RunsLabel(int runs) {
  return runs == 1 ? "one run" : absl::StrCat("run_K_of_", runs);
}

}  // namespace

std::vector<LoadedResult> LatestInvocations(
    std::vector<LoadedResult> results, bool keep_all,
    std::vector<std::string>* warnings) {
  struct Invocation {
    int count = 0;
    int64_t newest = std::numeric_limits<int64_t>::min();
  };
  // target -> runs per test -> invocation.
  std::map<std::string, std::map<int, Invocation>> targets;
  for (const LoadedResult& r : results) {
    std::string target;
    int runs = 0;
    if (!InvocationOf(r.source, &target, &runs)) continue;
    Invocation& inv = targets[target][runs];
    ++inv.count;
    inv.newest = std::max(inv.newest, r.result.start_unix_nanos());
  }
  std::map<std::string, int> latest;  // target -> runs of the kept one
  for (const auto& [target, invocations] : targets) {
    if (invocations.size() < 2) continue;
    auto newest = std::max_element(invocations.begin(), invocations.end(),
                                   [](const auto& a, const auto& b) {
                                     return a.second.newest < b.second.newest;
                                   });
    std::vector<std::string> others;
    int other_results = 0;
    for (const auto& [runs, inv] : invocations) {
      if (runs == newest->first) continue;
      others.push_back(absl::StrCat(inv.count, " of ", RunsLabel(runs)));
      other_results += inv.count;
    }
    if (keep_all) {
      std::vector<std::string> all;
      for (const auto& [runs, inv] : invocations) {
        all.push_back(absl::StrCat(inv.count, " of ", RunsLabel(runs)));
      }
      warnings->push_back(
          absl::StrCat(target, ": results of ", invocations.size(),
                       " bazel invocations pooled (--all_invocations): ",
                       absl::StrJoin(all, ", "),
                       "; their sessions may differ by more than the noise"));
      continue;
    }
    latest[target] = newest->first;
    warnings->push_back(absl::StrCat(
        target, ": kept the latest invocation (", newest->second.count,
        " result(s) of ", RunsLabel(newest->first), "), ignored ",
        other_results, " older result(s) (", absl::StrJoin(others, ", "),
        "); --all_invocations pools them"));
  }
  if (latest.empty()) return results;
  std::vector<LoadedResult> kept;
  for (LoadedResult& r : results) {
    std::string target;
    int runs = 0;
    if (InvocationOf(r.source, &target, &runs)) {
      auto it = latest.find(target);
      if (it != latest.end() && it->second != runs) continue;
    }
    kept.push_back(std::move(r));
  }
  return kept;
}

}  // namespace perfcell::analysis
