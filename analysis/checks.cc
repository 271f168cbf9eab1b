#include "analysis/checks.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "analysis/format.h"
#include "contract/host_warnings.h"
#include "contract/stats/descriptive.h"

namespace perfcell::analysis {
namespace {

std::string Where(const Group& group) {
  return absl::StrCat(group.key.Label(), ", ", group.series);
}

// "a, b and 3 more".
std::string ShortList(const std::vector<std::string>& items) {
  constexpr size_t kShown = 3;
  std::vector<std::string> shown(
      items.begin(), items.begin() + std::min(items.size(), kShown));
  std::string text = absl::StrJoin(shown, "; ");
  if (items.size() > kShown) {
    absl::StrAppend(&text, " and ", items.size() - kShown, " more");
  }
  return text;
}

// Named fields of the host and backend that should match for a fair
// comparison, with their values.
std::vector<std::pair<std::string, std::string>> Fingerprint(
    const Provenance& p) {
  const HostFingerprint& h = p.host();
  return {
      {"host", h.hostname()},
      {"cpu", h.cpu_model()},
      {"cpus", absl::StrCat(h.cpu_count())},
      {"governor", h.cpu_governor()},
      {"disk", h.disk_rotational() ? "rotational" : "non-rotational"},
      {"kvm", h.kvm_present() ? "present" : "absent"},
      {"accelerator", p.accelerator()},
      {"backend", p.backend_version()},
      {"kernel", p.kernel()},
      {"cache", p.cache_mode()},
  };
}

std::vector<std::pair<std::string, std::string>> SpecFields(const CellSpec& s) {
  return {
      {"api_profile", s.api_profile()},
      {"workload seed", absl::StrCat(s.workload().seed())},
      {"iterations", absl::StrCat(s.workload().iterations())},
      {"warm-up iterations", absl::StrCat(s.workload().warmup_iterations())},
      {"data disk bytes", absl::StrCat(s.data_disk_bytes())},
  };
}

// "accelerator kvm vs tcg, governor performance vs powersave".
std::string Differences(
    const std::vector<std::pair<std::string, std::string>>& a,
    const std::vector<std::pair<std::string, std::string>>& b) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].second != b[i].second) {
      parts.push_back(
          absl::StrCat(a[i].first, " ", a[i].second.empty() ? "?" : a[i].second,
                       " vs ", b[i].second.empty() ? "?" : b[i].second));
    }
  }
  return absl::StrJoin(parts, ", ");
}

}  // namespace

std::vector<Finding> GroupFindings(const Group& group, const GroupStats& s,
                                   const AnalysisOptions& options) {
  std::vector<Finding> findings;
  auto add = [&](std::string kind, std::string headline, std::string detail) {
    findings.push_back({std::move(kind), std::move(headline), group.series,
                        group.key.Label(), std::move(detail)});
  };
  if (group.failed_results > 0) {
    add("failed", "cell runs failed",
        absl::StrCat(group.failed_results, " of ", group.results,
                     " run(s) failed",
                     group.result_errors.empty()
                         ? ""
                         : " (" + group.result_errors.front() + ")"));
  }
  if (s.n_failed > 0) {
    std::string first_error;
    for (const Sample& sample : group.samples) {
      if (!sample.ok && !sample.error.empty()) {
        first_error = sample.error;
        break;
      }
    }
    add("failed", "failed iterations, left out of the estimate",
        absl::StrCat(
            s.n_failed, " of ", group.samples.size(), " iterations failed",
            first_error.empty() ? "" : " (first: " + first_error + ")"));
  }
  if (s.n < 2) {
    add("too few", "too few successful iterations for a spread or a CI",
        absl::StrCat(s.n, " measured iteration(s)"));
    return findings;
  }
  if (s.cv > options.cv_threshold) {
    add("noise",
        absl::StrCat("CV above ", FormatPercent(options.cv_threshold),
                     group.interleaved
                         ? " over the cell (interleaved: noise every branch "
                           "of a block shares cancels; each comparison's "
                           "MDE comes from its block ratios)"
                         : ": changes smaller than the MDE cannot be seen"),
        absl::StrFormat("CV %s (n %d, %s .. %s)", FormatPercent(s.cv), s.n,
                        FormatThroughput(s.min), FormatThroughput(s.max)));
  }
  if (s.drift.p_value < options.drift_alpha) {
    add("drift",
        "throughput trends with start time inside the cell (Spearman rank "
        "correlation)",
        absl::StrCat(
            absl::StrFormat("rho %.2f, p %s, n %d, second half %s vs first",
                            s.drift.rho, FormatPValue(s.drift.p_value),
                            s.drift.n, FormatChange(s.drift_ratio)),
            group.interleaved ? " (interleaved: drift shared by every branch "
                                "cancels within blocks)"
                              : ""));
  }
  if (s.n_warmup > 0 && !std::isnan(s.warmup_ratio)) {
    const double spread = std::isnan(s.cv) ? 0 : 3 * s.cv;
    if (std::fabs(s.warmup_ratio - 1) > std::max(options.min_effect, spread)) {
      add("warm-up",
          "warm-up iterations far from the rest (excluded from the "
          "estimate)",
          absl::StrFormat("%s (%s vs %s, %d warm-up)",
                          FormatChange(s.warmup_ratio),
                          FormatThroughput(s.warmup_median),
                          FormatThroughput(s.median), s.n_warmup));
    }
  }
  return findings;
}

std::vector<Warning> SummarizeFindings(const std::vector<Finding>& findings) {
  std::map<std::pair<std::string, std::string>, std::vector<const Finding*>>
      by_kind_series;
  std::vector<std::pair<std::string, std::string>> order;
  for (const Finding& f : findings) {
    auto& list = by_kind_series[{f.kind, f.series}];
    if (list.empty()) order.push_back({f.kind, f.series});
    list.push_back(&f);
  }
  std::vector<Warning> warnings;
  for (const auto& key : order) {
    const auto& list = by_kind_series[key];
    if (list.size() < 3) {
      for (const Finding* f : list) {
        warnings.push_back(
            {f->kind, absl::StrCat(f->cell, ", ", f->series, ": ", f->headline,
                                   ": ", f->detail)});
      }
      continue;
    }
    std::vector<std::string> items;
    for (const Finding* f : list) {
      items.push_back(absl::StrCat(f->cell, ": ", f->detail));
    }
    constexpr size_t kShown = 6;
    std::string listed = absl::StrJoin(
        items.begin(), items.begin() + std::min(items.size(), kShown), "; ");
    if (items.size() > kShown) {
      absl::StrAppend(&listed, "; and ", items.size() - kShown,
                      " more (see cells.csv)");
    }
    warnings.push_back(
        {key.first, absl::StrCat(key.second, ": ", list.front()->headline,
                                 ", in ", list.size(), " cells: ", listed)});
  }
  return warnings;
}

std::vector<Warning> HostWarnings(const std::vector<Group>& groups) {
  std::map<std::string, std::vector<std::string>> findings;
  for (const Group& group : groups) {
    const Provenance& p = group.provenance;
    // The cell's own rules (contract/host_warnings.h), with the accelerator
    // the cell really used; the load average was a moment's figure.
    for (const std::string& w : contract::HostWarnings(
             p.host(), {.accelerator = p.accelerator(), .with_load = false})) {
      findings[absl::StrCat("host ", p.host().hostname(), ": ", w)].push_back(
          Where(group));
    }
  }
  std::vector<Warning> warnings;
  for (const auto& [finding, where] : findings) {
    warnings.push_back(
        {"host", absl::StrCat(finding, " (", where.size(),
                              " cell series: ", ShortList(where), ")")});
  }
  return warnings;
}

std::vector<Warning> PairWarnings(const std::vector<Group>& groups,
                                  const std::vector<Comparison>& comparisons) {
  // (kind, candidate series, difference) -> cells
  std::map<std::tuple<std::string, std::string, std::string>,
           std::vector<std::string>>
      found;
  for (const Comparison& c : comparisons) {
    const Group& base = groups[c.baseline];
    const Group& cand = groups[c.candidate];
    const std::string host =
        Differences(Fingerprint(base.provenance), Fingerprint(cand.provenance));
    if (!host.empty()) {
      found[{"host", cand.series + " vs " + base.series, host}].push_back(
          base.key.Label());
    }
    const std::string spec =
        Differences(SpecFields(base.spec), SpecFields(cand.spec));
    if (!spec.empty()) {
      found[{"spec", cand.series + " vs " + base.series, spec}].push_back(
          base.key.Label());
    }
  }
  std::vector<Warning> warnings;
  for (const auto& [key, cells] : found) {
    const auto& [kind, pair, difference] = key;
    const std::string what = kind == "host"
                                 ? "results from different hosts compared"
                                 : "cells with different specs compared";
    warnings.push_back(
        {kind, absl::StrCat(pair, ": ", what, " (", difference, ") in ",
                            cells.size(), " cell(s): ", ShortList(cells))});
  }
  return warnings;
}

std::vector<Warning> RunDriftWarnings(
    const std::vector<Group>& groups,
    const std::vector<GroupStats>& group_stats,
    const std::map<CellKey, double>& pooled, const AnalysisOptions& options,
    RunDrift* drift) {
  struct Point {
    double time;
    double relative;
  };
  std::vector<Point> points;
  std::map<std::string, std::pair<int64_t, int64_t>> span;  // series window
  for (size_t g = 0; g < groups.size(); ++g) {
    const Group& group = groups[g];
    auto it = pooled.find(group.key);
    if (it == pooled.end() || !(it->second > 0)) continue;
    // Interleaved: relative to the branch's own median. An adaptive cell's
    // settled branches ran in its first blocks only, so against the cell's
    // median a branch faster or slower than the rest would read as drift.
    const double median =
        group.interleaved ? group_stats[g].median : it->second;
    if (!(median > 0)) continue;
    for (const Sample& s : group.samples) {
      if (!s.ok || s.warmup || s.start_unix_nanos == 0) continue;
      points.push_back(
          {static_cast<double>(s.start_unix_nanos), s.throughput / median});
      auto& window = span[group.series];
      if (window.first == 0 || s.start_unix_nanos < window.first) {
        window.first = s.start_unix_nanos;
      }
      window.second = std::max(window.second, s.start_unix_nanos);
    }
  }
  if (points.size() < 8) return {};
  std::sort(points.begin(), points.end(),
            [](const Point& a, const Point& b) { return a.time < b.time; });
  std::vector<double> times, values;
  for (const Point& p : points) {
    times.push_back(p.time);
    values.push_back(p.relative);
  }
  drift->spearman = stats::Spearman(times, values);
  const size_t quarter = values.size() / 4;
  drift->first_quarter = stats::Median(
      std::vector<double>(values.begin(), values.begin() + quarter));
  drift->last_quarter =
      stats::Median(std::vector<double>(values.end() - quarter, values.end()));
  const double change = drift->last_quarter / drift->first_quarter;
  if (!(drift->spearman.p_value < options.drift_alpha) ||
      std::fabs(change - 1) < options.min_effect) {
    return {};
  }
  const double hours = (times.back() - times.front()) / 3.6e12;
  std::string message = absl::StrFormat(
      "throughput relative to each cell's median (interleaved: each "
      "branch's) changes over the run: "
      "%s from the first quarter (median %.2fx) to the last (%.2fx) of "
      "%.1f h (Spearman rho %.2f, p %s, n %d)",
      FormatChange(change), drift->first_quarter, drift->last_quarter, hours,
      drift->spearman.rho, FormatPValue(drift->spearman.p_value),
      drift->spearman.n);
  // Series whose time windows do not overlap ran one after another.
  std::vector<std::pair<int64_t, int64_t>> windows;
  for (const auto& [series, window] : span) windows.push_back(window);
  std::sort(windows.begin(), windows.end());
  bool sequential = windows.size() > 1;
  for (size_t i = 1; i < windows.size(); ++i) {
    if (windows[i].first <= windows[i - 1].second) sequential = false;
  }
  if (sequential) {
    absl::StrAppend(&message,
                    "; the branches ran one after another, so this drift is "
                    "indistinguishable from branch differences: interleave "
                    "branches and re-run");
  } else {
    absl::StrAppend(&message,
                    "; the machine or the server state changed during the "
                    "run (fragmentation, leaked files, thermal)");
  }
  return {{"run-drift", message}};
}

}  // namespace perfcell::analysis
