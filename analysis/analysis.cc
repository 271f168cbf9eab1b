#include "analysis/analysis.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "analysis/checks.h"
#include "analysis/stats/descriptive.h"
#include "analysis/stats/multiple_testing.h"
#include "analysis/stats/permutation.h"
#include "analysis/stats/power.h"

namespace perfcell::analysis {
namespace {

std::vector<double> Logs(const std::vector<double>& values) {
  std::vector<double> logs;
  for (double v : values) logs.push_back(std::log(v));
  return logs;
}

std::string KeyList(const std::vector<CellKey>& keys) {
  std::vector<std::string> labels;
  for (const CellKey& key : keys) labels.push_back(key.Label());
  if (labels.size() > 4) {
    const size_t more = labels.size() - 3;
    labels.resize(3);
    labels.push_back(absl::StrCat("and ", more, " more"));
  }
  return absl::StrJoin(labels, "; ");
}

// Warnings for cells that one side of a pairing has and the other lacks.
void MissingWarnings(const std::string& have, const std::string& lack,
                     const std::vector<CellKey>& keys,
                     std::vector<Warning>* warnings) {
  if (keys.empty()) return;
  warnings->push_back(
      {"missing",
       absl::StrCat(lack, " has no result for ", keys.size(), " cell(s) that ",
                    have, " has; they are not compared: ", KeyList(keys))});
}

std::map<std::string, std::set<CellKey>> KeysBySeries(
    const std::vector<Group>& groups) {
  std::map<std::string, std::set<CellKey>> keys;
  for (const Group& g : groups) keys[g.series].insert(g.key);
  return keys;
}

std::vector<CellKey> Difference(const std::set<CellKey>& a,
                                const std::set<CellKey>& b) {
  std::vector<CellKey> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(),
                      std::back_inserter(out));
  return out;
}

Comparison Compare(const GroupStats& base, const GroupStats& cand,
                   const AnalysisOptions& options,
                   const stats::BootstrapOptions& bootstrap) {
  Comparison c;
  c.ratio = cand.median / base.median;
  c.ratio_ci =
      stats::BootstrapRatioOfMediansCi(cand.measured, base.measured, bootstrap);
  const stats::ShiftEstimate shift = stats::HodgesLehmannShift(
      Logs(cand.measured), Logs(base.measured), options.confidence);
  c.hl_ratio = std::exp(shift.estimate);
  c.hl_ci = {std::exp(shift.ci_low), std::exp(shift.ci_high)};
  if (cand.n == 0 || base.n == 0) {
    c.p_value = NAN;
  } else if (options.test == TestKind::kPermutation) {
    stats::PermutationOptions permutation;
    permutation.seed = options.seed;
    c.p_value = stats::PermutationTest(Logs(cand.measured), Logs(base.measured),
                                       permutation)
                    .p_value;
  } else {
    c.p_value = stats::MannWhitneyU(cand.measured, base.measured).p_value;
  }
  c.mde = stats::MinimumDetectableEffect(base.cv, base.n, cand.cv, cand.n,
                                         options.alpha, options.power);
  return c;
}

// Runs per side an inconclusive comparison needs at the observed noise:
// enough to detect a change of min_effect (the MDE brought down to it).
// When the runs already suffice for that, the estimate sits near the edge
// of the no-difference band; then it is the runs that resolve the distance
// to that edge, taken as at least half the band so the figure stays finite.
int RunsToResolve(const Comparison& c, const GroupStats& base,
                  const GroupStats& cand, const AnalysisOptions& options) {
  if (std::isnan(c.ratio)) return -1;
  const int for_min_effect = stats::RunsPerSideNeeded(
      base.cv, cand.cv, options.min_effect, options.alpha, options.power);
  if (for_min_effect < 0 || for_min_effect > std::max(base.n, cand.n)) {
    return for_min_effect;
  }
  const double edge = std::fabs(std::fabs(c.ratio - 1) - options.min_effect);
  return stats::RunsPerSideNeeded(base.cv, cand.cv,
                                  std::max(edge, options.min_effect / 2),
                                  options.alpha, options.power);
}

}  // namespace

absl::StatusOr<AnalysisInput> PairForReport(std::vector<Group> groups,
                                            const std::string& baseline) {
  const auto keys = KeysBySeries(groups);
  if (!keys.count(baseline)) {
    std::vector<std::string> names;
    for (const auto& [series, unused] : keys) names.push_back(series);
    return absl::InvalidArgumentError(
        absl::StrCat("baseline branch \"", baseline,
                     "\" is not in the results; branches found: ",
                     absl::StrJoin(names, ", ")));
  }
  AnalysisInput input;
  input.baseline_name = baseline;
  input.series_order.push_back(baseline);
  for (const auto& [series, series_keys] : keys) {
    if (series == baseline) continue;
    input.series_order.push_back(series);
    MissingWarnings(baseline, series,
                    Difference(keys.at(baseline), series_keys),
                    &input.warnings);
    MissingWarnings(series, baseline,
                    Difference(series_keys, keys.at(baseline)),
                    &input.warnings);
  }
  std::map<CellKey, size_t> baseline_index;
  for (size_t i = 0; i < groups.size(); ++i) {
    if (groups[i].series == baseline) baseline_index[groups[i].key] = i;
  }
  for (size_t i = 0; i < groups.size(); ++i) {
    auto it = baseline_index.find(groups[i].key);
    if (groups[i].series != baseline && it != baseline_index.end()) {
      input.pairings.emplace_back(it->second, i);
    }
  }
  input.groups = std::move(groups);
  return input;
}

AnalysisInput PairForCompare(std::vector<Group> a, std::vector<Group> b) {
  AnalysisInput input;
  input.baseline_name = "run A";
  // Branch name -> series name ("baseline" -> "baseline (A)").
  std::map<std::string, std::string> branches_a, branches_b;
  for (const Group& g : a) branches_a.emplace(g.branch, g.series);
  for (const Group& g : b) branches_b.emplace(g.branch, g.series);
  RunComparison runs;
  // One branch a side: compare them whatever their names.
  const bool by_key_only = branches_a.size() == 1 && branches_b.size() == 1;
  if (by_key_only) {
    const auto& [name_a, series_a] = *branches_a.begin();
    const auto& [name_b, series_b] = *branches_b.begin();
    runs.pairs.push_back(
        {name_a == name_b ? name_a : absl::StrCat(name_a, " -> ", name_b),
         series_a, series_b});
  } else {
    for (const auto& [name, series] : branches_a) {
      auto it = branches_b.find(name);
      if (it == branches_b.end()) {
        runs.only_in_a.push_back(name);
      } else {
        runs.pairs.push_back({name, series, it->second});
      }
    }
    for (const auto& [name, unused] : branches_b) {
      if (!branches_a.count(name)) runs.only_in_b.push_back(name);
    }
  }
  auto match_key = [by_key_only](const Group& g) {
    return std::make_pair(g.key, by_key_only ? std::string() : g.branch);
  };
  const size_t offset = a.size();
  std::map<std::pair<CellKey, std::string>, size_t> index_a;
  for (size_t i = 0; i < a.size(); ++i) index_a[match_key(a[i])] = i;
  std::set<std::pair<CellKey, std::string>> matched;
  for (size_t i = 0; i < b.size(); ++i) {
    auto it = index_a.find(match_key(b[i]));
    if (it != index_a.end()) {
      input.pairings.emplace_back(it->second, offset + i);
      matched.insert(it->first);
    }
  }
  // Cells missing on one side of a compared branch; a branch that only one
  // run holds is listed in `runs` instead, once.
  const std::set<std::string> one_sided_a(runs.only_in_a.begin(),
                                          runs.only_in_a.end());
  const std::set<std::string> one_sided_b(runs.only_in_b.begin(),
                                          runs.only_in_b.end());
  std::map<std::string, std::vector<CellKey>> only_a, only_b;
  for (const Group& g : a) {
    if (!matched.count(match_key(g)) && !one_sided_a.count(g.branch)) {
      only_a[g.series].push_back(g.key);
    }
  }
  for (const Group& g : b) {
    if (!matched.count(match_key(g)) && !one_sided_b.count(g.branch)) {
      only_b[g.series].push_back(g.key);
    }
  }
  for (const auto& [series, keys] : only_a) {
    MissingWarnings(series, "run B", keys, &input.warnings);
  }
  for (const auto& [series, keys] : only_b) {
    MissingWarnings(series, "run A", keys, &input.warnings);
  }
  // Compared branches first, A before B, then the branches of one run.
  for (const BranchPair& pair : runs.pairs) {
    input.series_order.push_back(pair.series_a);
    input.series_order.push_back(pair.series_b);
  }
  for (const std::string& name : runs.only_in_a) {
    input.series_order.push_back(branches_a.at(name));
  }
  for (const std::string& name : runs.only_in_b) {
    input.series_order.push_back(branches_b.at(name));
  }
  input.runs = std::move(runs);
  input.groups = std::move(a);
  for (Group& g : b) input.groups.push_back(std::move(g));
  return input;
}

Report Analyze(AnalysisInput input, const AnalysisOptions& options) {
  Report report;
  report.options = options;
  report.baseline_name = input.baseline_name;
  report.series_order = std::move(input.series_order);
  report.groups = std::move(input.groups);
  report.runs = std::move(input.runs);
  stats::BootstrapOptions bootstrap;
  bootstrap.resamples = options.bootstrap_resamples;
  bootstrap.confidence = options.confidence;
  bootstrap.seed = options.seed;

  std::map<CellKey, std::vector<double>> pooled;
  for (const Group& group : report.groups) {
    report.stats.push_back(ComputeGroupStats(group, bootstrap));
    const std::vector<double>& measured = report.stats.back().measured;
    auto& all = pooled[group.key];
    all.insert(all.end(), measured.begin(), measured.end());
  }
  for (const auto& [key, values] : pooled) {
    report.pooled_median[key] = stats::Median(values);
  }

  // Comparisons in cell order, then in the order of the series.
  std::map<std::string, size_t> rank;
  for (size_t i = 0; i < report.series_order.size(); ++i) {
    rank[report.series_order[i]] = i;
  }
  std::sort(input.pairings.begin(), input.pairings.end(),
            [&](const auto& x, const auto& y) {
              const Group& gx = report.groups[x.second];
              const Group& gy = report.groups[y.second];
              if (!(gx.key == gy.key)) return gx.key < gy.key;
              return rank[gx.series] < rank[gy.series];
            });
  std::vector<double> p_values;
  for (const auto& [base, cand] : input.pairings) {
    Comparison c =
        Compare(report.stats[base], report.stats[cand], options, bootstrap);
    c.baseline = base;
    c.candidate = cand;
    p_values.push_back(c.p_value);
    report.comparisons.push_back(c);
  }
  const std::vector<double> adjusted =
      options.correction == Correction::kHolm
          ? stats::HolmAdjust(p_values)
          : stats::BenjaminiHochbergAdjust(p_values);
  for (size_t i = 0; i < report.comparisons.size(); ++i) {
    Comparison& c = report.comparisons[i];
    c.p_adjusted = adjusted[i];
    c.verdict = DecideVerdict(c.ratio, c.ratio_ci, c.p_adjusted, options.alpha,
                              options.min_effect);
    if (c.verdict == Verdict::kInconclusive) {
      c.runs_needed = RunsToResolve(c, report.stats[c.baseline],
                                    report.stats[c.candidate], options);
    }
  }

  report.warnings = std::move(input.warnings);
  std::vector<Finding> findings;
  for (size_t i = 0; i < report.groups.size(); ++i) {
    for (Finding& f :
         GroupFindings(report.groups[i], report.stats[i], options)) {
      findings.push_back(std::move(f));
    }
  }
  for (Warning& w : SummarizeFindings(findings)) {
    report.warnings.push_back(std::move(w));
  }
  for (Warning& w : HostWarnings(report.groups)) {
    report.warnings.push_back(std::move(w));
  }
  for (Warning& w : PairWarnings(report.groups, report.comparisons)) {
    report.warnings.push_back(std::move(w));
  }
  for (Warning& w : RunDriftWarnings(report.groups, report.pooled_median,
                                     options, &report.run_drift)) {
    report.warnings.push_back(std::move(w));
  }
  // Most consequential first: what invalidates every comparison, then what
  // invalidates some, then what weakens one.
  const std::vector<std::string> order = {"run-drift", "host",   "spec",
                                          "missing",   "failed", "too few",
                                          "drift",     "noise",  "warm-up"};
  auto rank_of = [&order](const Warning& w) {
    return std::find(order.begin(), order.end(), w.kind) - order.begin();
  };
  std::stable_sort(report.warnings.begin(), report.warnings.end(),
                   [&](const Warning& a, const Warning& b) {
                     return rank_of(a) < rank_of(b);
                   });
  return report;
}

bool AnyRegression(const Report& report) {
  return std::any_of(
      report.comparisons.begin(), report.comparisons.end(),
      [](const Comparison& c) { return c.verdict == Verdict::kSlower; });
}

}  // namespace perfcell::analysis
