#include "analysis/analysis.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "analysis/checks.h"
#include "analysis/format.h"
#include "contract/design.h"
#include "contract/stats/descriptive.h"
#include "contract/stats/distributions.h"
#include "contract/stats/multiple_testing.h"
#include "contract/stats/permutation.h"
#include "contract/stats/power.h"
#include "contract/stats/signed_rank.h"

namespace perfcell::analysis {
namespace {

std::vector<double> Logs(const std::vector<double>& values) {
  std::vector<double> logs;
  for (double v : values) logs.push_back(std::log(v));
  return logs;
}

std::string Round(double v) { return absl::StrFormat("%.2g", v); }

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

constexpr int kMinSessions = 3;

double Z(double p) { return stats::NormalQuantile(p); }

// Smallest two-sided exact Mann–Whitney p-value with m and n values a side:
// 2 / C(m + n, m).
double SmallestMannWhitneyP(int m, int n) {
  if (m <= 0 || n <= 0) return 1;
  double combinations = 1;
  for (int i = 1; i <= m; ++i) combinations = combinations * (n + i) / i;
  return std::min(1.0, 2 / combinations);
}

// Sessions per side whose exact Mann–Whitney floor is below alpha.
int SessionsToReach(double alpha) {
  int k = 2;
  while (SmallestMannWhitneyP(k, k) >= alpha && k < 1000) ++k;
  return k;
}

// Blocks: d = log(candidate / baseline) per block both groups hold.
Comparison CompareBlocks(const Group& base, const Group& cand,
                         const AnalysisOptions& options) {
  std::vector<double> d;
  for (const auto& [block, cand_median] : cand.block_values) {
    auto it = base.block_values.find(block);
    if (it == base.block_values.end()) continue;
    if (!(cand_median > 0) || !(it->second > 0)) continue;
    d.push_back(std::log(cand_median / it->second));
  }
  return CompareBlockLogRatios(std::move(d), options);
}

// Sessions: one median per result file and series.
Comparison CompareSessions(const Group& base, const Group& cand,
                           const AnalysisOptions& options, bool compare_mode) {
  return CompareSessionValues(cand.session_medians, base.session_medians,
                              options, compare_mode);
}

}  // namespace

Comparison CompareSessionValues(const std::vector<double>& x,
                                const std::vector<double>& y,
                                const AnalysisOptions& options,
                                bool compare_mode) {
  Comparison c;
  c.unit = Unit::kSessions;
  c.n_cand = static_cast<int>(x.size());
  c.n_base = static_cast<int>(y.size());
  c.n_units = std::min(c.n_cand, c.n_base);
  if (c.n_units < kMinSessions) {
    c.note = compare_mode
                 ? "compare: each result file is one session; sessions "
                   "cannot be told from branch differences with fewer than 3 "
                   "a side; run >= 3 sessions (--runs_per_test=3) in each run"
                 : "sequential cells: sessions cannot be told from branch "
                   "differences; run interleaved or >= 3 sessions "
                   "(--runs_per_test=3)";
    c.units_needed = kMinSessions;
    return c;
  }
  const stats::ShiftEstimate shift =
      stats::HodgesLehmannShift(Logs(x), Logs(y), options.confidence);
  c.ratio = std::exp(shift.estimate);
  c.ratio_ci = {std::exp(shift.ci_low), std::exp(shift.ci_high)};
  c.ci_level = options.confidence;
  c.ci_level_reached = true;
  if (options.test == TestKind::kPermutation) {
    stats::PermutationOptions permutation;
    permutation.seed = options.seed;
    c.p_value = stats::PermutationTest(Logs(x), Logs(y), permutation).p_value;
  } else {
    c.p_value = stats::MannWhitneyU(x, y).p_value;
  }
  c.min_p = SmallestMannWhitneyP(c.n_cand, c.n_base);
  c.mde = stats::MinimumDetectableEffect(
      stats::CoefficientOfVariation(y), c.n_base,
      stats::CoefficientOfVariation(x), c.n_cand, options.alpha, options.power);
  return c;
}

namespace {

// Adaptive cells: the verdict is the first decision of the cell's own
// group-sequential design, replayed on the block log-ratios (adaptive.h).
// Several results of one adaptive cell (--runs_per_test) have no single
// sequence of looks: they stay with the fixed analysis, and a warning says
// so; so does a design the boundary cannot be built for.
void ApplyAdaptive(const Group& base, const Group& cand, Comparison* c,
                   std::vector<Warning>* warnings) {
  if (cand.results != 1 || base.results != 1) {
    warnings->push_back(
        {"spec", absl::StrCat("cell ", cand.key.Label(), ", ", cand.series,
                              ": ", std::max(cand.results, base.results),
                              " results of an adaptive cell pooled; their "
                              "blocks are analysed as a fixed design with "
                              "the report's correction, not as the cell's "
                              "stopping rule")});
    return;
  }
  absl::StatusOr<AdaptiveReplay> replay =
      ReplayAdaptive(cand.spec, c->block_log_ratios, cand.stop_reason);
  if (!replay.ok()) {
    warnings->push_back(
        {"spec", absl::StrCat("cell ", cand.key.Label(), ", ", cand.series,
                              ": adaptive design cannot be replayed (",
                              replay.status().message(),
                              "); analysed as a fixed design")});
    return;
  }
  // A branch leaves an adaptive cell once its comparison settles: blocks
  // that end before that were not the cell's rule.
  if (replay->decided_at == 0 && replay->futile_at == 0 &&
      cand.block_values.size() < base.block_values.size()) {
    warnings->push_back(
        {"spec",
         absl::StrCat("cell ", cand.key.Label(), ", ", cand.series, ": its ",
                      cand.block_values.size(),
                      " blocks end before the "
                      "baseline's ",
                      base.block_values.size(),
                      " although its comparison had not settled; the cell "
                      "did not run its stopping rule as recorded")});
  }
  c->verdict = replay->verdict;
  c->ratio = replay->ratio;
  c->ratio_ci = replay->ratio_ci;
  c->ci_level = replay->look_level;
  c->ci_level_reached = true;
  c->p_value = NAN;
  c->min_p = NAN;
  c->mde = NAN;
  c->note = replay->description;
  c->units_needed =
      replay->verdict == Verdict::kInconclusive && replay->more_blocks > 0
          ? replay->blocks + replay->more_blocks
          : -1;
  c->adaptive = *std::move(replay);
}

// Units (blocks, or sessions per side) an undecided comparison needs: enough
// to detect a change of min_effect at the observed spread, and never fewer
// than the design needs to reach p < alpha after correction (`floor_alpha`).
// When the units already suffice for min_effect, the estimate sits near the
// edge of the no-difference band; then it is the units that resolve the
// distance to that edge, taken as at least half the band.
int UnitsToResolve(const Comparison& c, const Group& base, const Group& cand,
                   const AnalysisOptions& options, double floor_alpha) {
  if (std::isnan(c.ratio)) return -1;
  const double z = Z(1 - options.alpha / 2) + Z(options.power);
  int for_noise = -1;
  const double edge = std::fabs(std::fabs(c.ratio - 1) - options.min_effect);
  if (c.unit == Unit::kBlocks) {
    if (c.block_log_ratios.size() < 2) return -1;
    const double sd = stats::StdDev(c.block_log_ratios);
    auto blocks_for = [&](double effect) {
      const double n = std::pow(z * sd / std::log1p(effect), 2);
      return std::max(2, static_cast<int>(std::ceil(n)));
    };
    for_noise = blocks_for(options.min_effect);
    if (for_noise <= c.n_units) {
      for_noise = blocks_for(std::max(edge, options.min_effect / 2));
    }
    return std::max(for_noise, stats::SignedRankUnitsToReach(floor_alpha));
  }
  const double cv_b = stats::CoefficientOfVariation(base.session_medians);
  const double cv_c = stats::CoefficientOfVariation(cand.session_medians);
  for_noise = stats::RunsPerSideNeeded(cv_b, cv_c, options.min_effect,
                                       options.alpha, options.power);
  if (for_noise >= 0 && for_noise <= c.n_units) {
    for_noise = stats::RunsPerSideNeeded(cv_b, cv_c,
                                         std::max(edge, options.min_effect / 2),
                                         options.alpha, options.power);
  }
  return std::max({for_noise, SessionsToReach(floor_alpha), kMinSessions});
}

}  // namespace

Comparison CompareBlockLogRatios(std::vector<double> log_ratios,
                                 const AnalysisOptions& options) {
  Comparison c;
  c.unit = Unit::kBlocks;
  for (size_t i = 0; i < log_ratios.size(); ++i) {
    c.block_index.push_back(static_cast<int>(i));
  }
  c.block_log_ratios = std::move(log_ratios);
  const std::vector<double>& d = c.block_log_ratios;
  c.n_units = c.n_base = c.n_cand = static_cast<int>(d.size());
  if (d.empty()) {
    c.note = "no complete block holds both branches";
    return c;
  }
  const stats::OneSampleEstimate hl =
      stats::HodgesLehmannOneSample(d, options.confidence);
  c.ratio = std::exp(hl.estimate);
  c.ratio_ci = {std::exp(hl.ci_low), std::exp(hl.ci_high)};
  c.ci_level = hl.achieved_confidence;
  c.ci_level_reached = hl.reached;
  c.p_value = stats::WilcoxonSignedRank(d).p_value;
  c.min_p = stats::SmallestTwoSidedSignedRankP(hl.n);
  if (d.size() >= 2) {
    const double sd = stats::StdDev(d);
    c.mde = std::exp((Z(1 - options.alpha / 2) + Z(options.power)) * sd /
                     std::sqrt(double(d.size()))) -
            1;
    std::vector<double> order(c.block_index.begin(), c.block_index.end());
    c.ratio_trend = stats::Spearman(order, d);
  }
  return c;
}

std::vector<double> AdjustPValues(const std::vector<double>& p,
                                  Correction correction) {
  return correction == Correction::kHolm ? stats::HolmAdjust(p)
                                         : stats::BenjaminiHochbergAdjust(p);
}

Verdict DecideComparisonVerdict(const Comparison& c,
                                const AnalysisOptions& options) {
  const Verdict verdict = DecideVerdict(c.ratio, c.ratio_ci, c.p_adjusted,
                                        options.alpha, options.min_effect);
  if (verdict == Verdict::kNoDifference && !c.ci_level_reached) {
    return Verdict::kInconclusive;
  }
  return verdict;
}

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
  const bool compare_mode = report.runs.has_value();
  std::vector<Warning> adaptive_warnings;
  std::vector<double> p_values;
  for (const auto& [base, cand] : input.pairings) {
    const Group& gb = report.groups[base];
    const Group& gc = report.groups[cand];
    Comparison c = !compare_mode && gb.interleaved && gc.interleaved
                       ? CompareBlocks(gb, gc, options)
                       : CompareSessions(gb, gc, options, compare_mode);
    if (c.unit == Unit::kBlocks && IsAdaptive(gc.spec.design())) {
      ApplyAdaptive(gb, gc, &c, &adaptive_warnings);
    }
    c.baseline = base;
    c.candidate = cand;
    c.baseline_median = report.stats[base].median;
    c.candidate_median = report.stats[cand].median;
    p_values.push_back(c.p_value);
    report.comparisons.push_back(std::move(c));
  }
  const std::vector<double> adjusted =
      AdjustPValues(p_values, options.correction);
  int tested = 0;
  for (double p : p_values) tested += !std::isnan(p);
  // The smallest adjusted p a comparison can get: Holm multiplies the
  // smallest p by the number of tests; BH can leave it as it is.
  const double factor =
      options.correction == Correction::kHolm ? std::max(tested, 1) : 1;
  const std::string correction_text =
      options.correction == Correction::kHolm
          ? absl::StrCat("Holm over ", tested, " comparisons")
          : "Benjamini-Hochberg";
  for (size_t i = 0; i < report.comparisons.size(); ++i) {
    Comparison& c = report.comparisons[i];
    c.p_adjusted = adjusted[i];
    if (c.adaptive.has_value()) continue;  // the design's own decision
    c.verdict = DecideComparisonVerdict(c, options);
    const bool floor_too_high = c.min_p * factor >= options.alpha;
    if (c.note.empty() && floor_too_high) {
      const int needed =
          c.unit == Unit::kBlocks
              ? stats::SignedRankUnitsToReach(options.alpha / factor)
              : SessionsToReach(options.alpha / factor);
      c.note = absl::StrCat(
          c.n_units, " ", UnitName(c.unit),
          c.unit == Unit::kSessions ? " a side" : "", " cannot reach p < ",
          Round(options.alpha),
          tested > 1 ? absl::StrCat(" after ", correction_text) : "",
          " (smallest possible p ", Round(c.min_p * factor),
          "); needs >= ", needed, " ", UnitName(c.unit),
          c.unit == Unit::kSessions ? " a side" : "");
    }
    if (c.note.empty() && c.verdict == Verdict::kInconclusive &&
        !c.ci_level_reached && !std::isnan(c.ci_level)) {
      c.note =
          absl::StrCat(c.n_units, " ", UnitName(c.unit), " cannot give a ",
                       Round(options.confidence * 100), "% interval (widest: ",
                       absl::StrFormat("%.2f", c.ci_level * 100), "%)");
    }
    if (c.verdict == Verdict::kInconclusive && c.units_needed < 0) {
      c.units_needed = UnitsToResolve(c, report.groups[c.baseline],
                                      report.groups[c.candidate], options,
                                      options.alpha / factor);
    }
  }

  report.warnings = std::move(input.warnings);
  for (Warning& w : adaptive_warnings) report.warnings.push_back(std::move(w));
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
  for (const Comparison& c : report.comparisons) {
    if (!(c.ratio_trend.p_value < options.drift_alpha)) continue;
    const Group& cand = report.groups[c.candidate];
    report.warnings.push_back(
        {"drift",
         absl::StrFormat(
             "%s, %s vs %s: the block ratio trends over the blocks "
             "(Spearman rho %.2f, p %s, n %d): the branch itself changes "
             "during the cell (a leak?); drift shared by every branch "
             "cancels within blocks and does not cause this",
             cand.key.Label(), cand.series, report.groups[c.baseline].series,
             c.ratio_trend.rho, FormatPValue(c.ratio_trend.p_value),
             c.ratio_trend.n)});
  }
  for (Warning& w :
       RunDriftWarnings(report.groups, report.stats, report.pooled_median,
                        options, &report.run_drift)) {
    report.warnings.push_back(std::move(w));
  }
  // Most consequential first: what invalidates every comparison, then what
  // invalidates some, then what weakens one.
  const std::vector<std::string> order = {
      "mixed",  "run-drift", "host",  "spec",  "missing", "blocks",
      "failed", "too few",   "drift", "noise", "warm-up"};
  auto rank_of = [&order](const Warning& w) {
    return std::find(order.begin(), order.end(), w.kind) - order.begin();
  };
  std::stable_sort(report.warnings.begin(), report.warnings.end(),
                   [&](const Warning& a, const Warning& b) {
                     return rank_of(a) < rank_of(b);
                   });
  return report;
}

std::string UnitName(Unit unit) {
  return unit == Unit::kBlocks ? "blocks" : "sessions";
}

std::string AaName(const std::string& baseline) { return baseline + "~aa"; }

bool IsAaComparison(const Report& report, const Comparison& c) {
  return absl::EndsWith(report.groups[c.candidate].branch, "~aa");
}

bool AnyRegression(const Report& report) {
  return std::any_of(
      report.comparisons.begin(), report.comparisons.end(),
      [](const Comparison& c) { return c.verdict == Verdict::kSlower; });
}

}  // namespace perfcell::analysis
