#include "analysis/latency_report.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analysis/format.h"
#include "analysis/svg.h"
#include "contract/stats/signed_rank.h"
#include "re2/re2.h"

namespace perfcell::analysis {
namespace {

// The percentiles compared between branches.
constexpr double kCompared[] = {0.5, 0.99};

// What a histogram's name says: "<branch> run <R>: stage <S>: <load>"
// (cell runner), or the workload's own "stage <S>: <load>", where the load
// is "4 clients", "4 to 16 clients", "200/s, up to 16 clients", ...
// (runner/workload/load_plan.h).
struct HistogramName {
  std::string branch;  // empty: the spec's first binary
  int run = 0;
  int stage = 0;
  std::string load;
};

bool ParseName(const std::string& name, HistogramName* out) {
  static const RE2* const full =
      new RE2(R"(^(.*) run (\d+): stage (\d+): (.+)$)");
  static const RE2* const bare = new RE2(R"(^stage (\d+): (.+)$)");
  if (RE2::FullMatch(name, *full, &out->branch, &out->run, &out->stage,
                     &out->load)) {
    return true;
  }
  out->branch.clear();
  out->run = 0;
  return RE2::FullMatch(name, *bare, &out->stage, &out->load);
}

using SeriesKey = std::tuple<CellKey, std::string, std::string, std::string>;

// Whether stage `stage` of run `run` of `branch` counts, and its block.
struct StageInfo {
  bool measured = false;
  uint32_t block = 0;
};

StageInfo InfoOf(const CellResult& r, const std::string& branch, int run,
                 int stage, int warmup_override) {
  StageInfo info;
  for (const Iteration& it : r.iterations()) {
    const std::string& it_branch =
        it.branch().empty() && r.spec().binaries_size() > 0
            ? r.spec().binaries(0).branch()
            : it.branch();
    if (static_cast<int>(it.run()) != run || it_branch != branch ||
        static_cast<int>(it.index()) != stage) {
      continue;
    }
    const bool warmup =
        warmup_override >= 0 ? stage < warmup_override : it.warmup();
    info.measured = it.ok() && !warmup;
    info.block = it.block();
    return info;
  }
  return info;  // no iteration: not measured
}

PercentileEstimate Estimate(const LatencySeries& s, double q,
                            const AnalysisOptions& options) {
  PercentileEstimate e;
  e.q = q;
  e.pooled = s.pooled.Percentile(q);
  std::vector<double> logs;
  for (const auto& [unit, d] : s.units) {
    const double v = d.Percentile(q);
    if (v > 0 && std::isfinite(v)) logs.push_back(std::log(v));
  }
  if (logs.size() < 2) return e;
  // Centred on their mean: the signed-rank machinery drops values equal to
  // its centre, and log(1 s) = 0 is a bucket bound of old histograms.
  double centre = 0;
  for (double l : logs) centre += l / logs.size();
  for (double& l : logs) l -= centre;
  const stats::OneSampleEstimate hl =
      stats::HodgesLehmannOneSample(logs, options.confidence);
  if (std::isnan(hl.estimate)) {  // every unit gave the same value
    e.estimate = std::exp(centre);
    e.ci = {e.estimate, e.estimate};
    return e;
  }
  e.estimate = std::exp(centre + hl.estimate);
  e.ci = {std::exp(centre + hl.ci_low), std::exp(centre + hl.ci_high)};
  e.ci_level = hl.achieved_confidence;
  e.reached = hl.reached;
  return e;
}

}  // namespace

namespace {

// One result file and the suffix its series get (" (A)" in compare mode).
struct Source {
  const LoadedResult* loaded;
  std::string suffix;
  int run_ordinal = 0;  // its index among its own run's results
};

// Every latency series of `sources` that the throughput analysis kept,
// estimated, in cell, stage, operation order, series in the order of the
// throughput report.
void CollectSeries(const std::vector<Source>& sources, const Report& report,
                   int warmup_override, LatencyReport* out) {
  const AnalysisOptions& options = report.options;
  // The units the throughput analysis kept, per (cell, series).
  std::map<std::pair<CellKey, std::string>, const Group*> groups;
  for (const Group& g : report.groups) groups[{g.key, g.series}] = &g;

  std::map<SeriesKey, LatencySeries> series;
  int unreadable = 0, mixed = 0;
  std::string first_problem;
  for (int ordinal = 0; ordinal < static_cast<int>(sources.size()); ++ordinal) {
    const CellResult& r = sources[ordinal].loaded->result;
    if (r.histograms_size() == 0) continue;
    const CellKey key = KeyOf(r.spec());
    const bool interleaved = IsInterleaved(r);
    for (const LatencyHistogram& h : r.histograms()) {
      HistogramName name;
      if (!ParseName(h.name(), &name)) continue;
      if (name.branch.empty()) {
        name.branch = r.spec().binaries_size() > 0
                          ? r.spec().binaries(0).branch()
                          : std::string("(unnamed)");
      }
      const std::string series_name = name.branch + sources[ordinal].suffix;
      auto group = groups.find({key, series_name});
      if (group == groups.end()) continue;
      // Mixed designs: the throughput analysis kept only interleaved ones.
      if (group->second->interleaved != interleaved) continue;
      const StageInfo info =
          InfoOf(r, name.branch, name.run, name.stage, warmup_override);
      if (!info.measured) continue;
      // Units are numbered by their result's ordinal among `sources`; the
      // groups number blocks by the result's ordinal in its own run.
      const BlockId unit =
          interleaved ? BlockId{ordinal, info.block} : BlockId{ordinal, 0};
      if (interleaved && !group->second->block_values.count(
                             {sources[ordinal].run_ordinal, info.block})) {
        continue;
      }
      absl::StatusOr<LatencyDistribution> d = LatencyDistribution::FromProto(h);
      if (!d.ok()) {
        if (unreadable++ == 0) {
          first_problem = absl::StrCat(sources[ordinal].loaded->source, ": ",
                                       d.status().message());
        }
        continue;
      }
      LatencySeries& s = series[{key, name.load, h.operation(), series_name}];
      if (s.series.empty()) {
        s.key = key;
        s.series = series_name;
        s.stage = name.load;
        s.operation = h.operation();
        s.interleaved = interleaved;
      }
      if (!s.units[unit].Merge(*d).ok() || !s.pooled.Merge(*d).ok()) {
        ++mixed;
      }
    }
  }
  if (unreadable > 0) {
    out->warnings.push_back(
        {"input", absl::StrCat(unreadable,
                               " latency histogram(s) unreadable and left "
                               "out; first: ",
                               first_problem)});
  }
  if (mixed > 0) {
    out->warnings.push_back(
        {"input", absl::StrCat(mixed,
                               " latency histogram(s) of another bucket "
                               "layout than the rest of their series left "
                               "out of the pooled percentiles")});
  }

  // Series in cell, stage, operation order, the baseline first, then the
  // order of the throughput report.
  std::map<std::string, size_t> rank;
  for (size_t i = 0; i < report.series_order.size(); ++i) {
    rank[report.series_order[i]] = i;
  }
  for (auto& [k, s] : series) {
    for (double q : ReportedPercentiles()) {
      s.percentiles.push_back(Estimate(s, q, options));
    }
    out->series.push_back(std::move(s));
  }
  std::stable_sort(out->series.begin(), out->series.end(),
                   [&](const LatencySeries& a, const LatencySeries& b) {
                     const auto ka = std::tie(a.key, a.stage, a.operation);
                     const auto kb = std::tie(b.key, b.stage, b.operation);
                     if (ka != kb) return ka < kb;
                     return rank[a.series] < rank[b.series];
                   });
}

// Holm (or BH) over the latency comparisons, then each one's verdict and
// its latency ratio (candidate / baseline).
void Decide(const AnalysisOptions& options, LatencyReport* out) {
  std::vector<double> p_values;
  for (const LatencyComparison& lc : out->comparisons) {
    p_values.push_back(lc.blocks.p_value);
  }
  const std::vector<double> adjusted =
      AdjustPValues(p_values, options.correction);
  for (size_t i = 0; i < out->comparisons.size(); ++i) {
    LatencyComparison& lc = out->comparisons[i];
    lc.blocks.p_adjusted = adjusted[i];
    lc.blocks.verdict = DecideComparisonVerdict(lc.blocks, options);
    lc.ratio = 1 / lc.blocks.ratio;
    lc.ratio_ci = {1 / lc.blocks.ratio_ci.high, 1 / lc.blocks.ratio_ci.low};
    const double base = out->series[lc.baseline].pooled.Percentile(lc.q);
    const double cand = out->series[lc.candidate].pooled.Percentile(lc.q);
    if (base > 0 && std::isfinite(base) && std::isfinite(cand)) {
      lc.pooled_ratio = cand / base;
    }
  }
}

// The percentile of each result file's units merged (sessions), as 1 /
// seconds (higher is better, as throughput).
std::vector<double> SessionSpeeds(const LatencySeries& s, double q) {
  std::map<int, LatencyDistribution> sessions;
  for (const auto& [unit, d] : s.units) {
    sessions[unit.first].Merge(d).IgnoreError();
  }
  std::vector<double> speeds;
  for (const auto& [ordinal, d] : sessions) {
    const double v = d.Percentile(q);
    if (v > 0 && std::isfinite(v)) speeds.push_back(1 / v);
  }
  return speeds;
}

}  // namespace

LatencyReport AnalyzeLatency(const std::vector<LoadedResult>& loaded,
                             const Report& report, int warmup_override) {
  LatencyReport out;
  out.baseline = report.baseline_name;
  const AnalysisOptions& options = report.options;
  if (report.runs.has_value()) return out;  // compare: AnalyzeCompareLatency
  std::vector<Source> sources;
  for (const LoadedResult& r : loaded) {
    sources.push_back({&r, "", static_cast<int>(sources.size())});
  }
  CollectSeries(sources, report, warmup_override, &out);

  // Candidates against the baseline, per block, for p50 and p99.
  for (size_t b = 0; b < out.series.size(); ++b) {
    const LatencySeries& base = out.series[b];
    if (base.series != report.baseline_name || !base.interleaved) continue;
    for (size_t c = 0; c < out.series.size(); ++c) {
      const LatencySeries& cand = out.series[c];
      if (c == b || !cand.interleaved || !(cand.key == base.key) ||
          cand.stage != base.stage || cand.operation != base.operation) {
        continue;
      }
      // Old four-per-decade buckets put most blocks' percentiles on the
      // same bound: ties the signed-rank statistics drop, and a 20% change
      // inside a bucket stays invisible. Shown, not compared.
      if (!base.pooled.fine() || !cand.pooled.fine()) continue;
      for (double q : kCompared) {
        std::vector<double> d;
        for (const auto& [unit, cand_d] : cand.units) {
          auto it = base.units.find(unit);
          if (it == base.units.end()) continue;
          const double vb = it->second.Percentile(q);
          const double vc = cand_d.Percentile(q);
          if (!(vb > 0) || !(vc > 0) || !std::isfinite(vb) ||
              !std::isfinite(vc)) {
            continue;
          }
          d.push_back(std::log(vb / vc));  // higher: candidate faster
        }
        LatencyComparison lc;
        lc.baseline = b;
        lc.candidate = c;
        lc.q = q;
        lc.blocks = CompareBlockLogRatios(std::move(d), options);
        out.comparisons.push_back(std::move(lc));
      }
    }
  }
  Decide(options, &out);
  return out;
}

LatencyReport AnalyzeCompareLatency(const std::vector<LoadedResult>& loaded_a,
                                    const std::vector<LoadedResult>& loaded_b,
                                    const Report& report, int warmup_override) {
  LatencyReport out;
  out.baseline = "run A";
  out.compare = true;
  if (!report.runs.has_value()) return out;
  std::vector<Source> sources;
  for (size_t i = 0; i < loaded_a.size(); ++i) {
    sources.push_back({&loaded_a[i], " (A)", static_cast<int>(i)});
  }
  for (size_t i = 0; i < loaded_b.size(); ++i) {
    sources.push_back({&loaded_b[i], " (B)", static_cast<int>(i)});
  }
  CollectSeries(sources, report, warmup_override, &out);

  // Each branch of B against the same branch of A, per cell, stage and
  // operation: the runs' blocks do not pair, so the units are result files
  // (sessions), as for throughput in `compare`.
  for (const BranchPair& pair : report.runs->pairs) {
    for (size_t a = 0; a < out.series.size(); ++a) {
      const LatencySeries& sa = out.series[a];
      if (sa.series != pair.series_a) continue;
      for (size_t b = 0; b < out.series.size(); ++b) {
        const LatencySeries& sb = out.series[b];
        if (sb.series != pair.series_b || !(sb.key == sa.key) ||
            sb.stage != sa.stage || sb.operation != sa.operation) {
          continue;
        }
        if (!sa.pooled.fine() || !sb.pooled.fine()) continue;
        for (double q : kCompared) {
          LatencyComparison lc;
          lc.baseline = a;
          lc.candidate = b;
          lc.q = q;
          lc.blocks =
              CompareSessionValues(SessionSpeeds(sb, q), SessionSpeeds(sa, q),
                                   report.options, /*compare_mode=*/true);
          out.comparisons.push_back(std::move(lc));
        }
      }
    }
  }
  Decide(report.options, &out);
  return out;
}

namespace {

constexpr const char* kCsvOperations[] = {"download", "upload"};
constexpr double kCsvPercentiles[] = {0.5, 0.95, 0.99};

}  // namespace

std::vector<std::string> LatencyCsvHeader() {
  std::vector<std::string> header;
  for (const char* op : kCsvOperations) {
    for (double q : kCsvPercentiles) {
      header.push_back(
          absl::StrCat(op, "_", PercentileName(q), "_s"));  // download_p50_s
    }
  }
  return header;
}

std::vector<std::string> LatencyCsvFields(const LatencyReport* latency,
                                          const CellKey& key,
                                          const std::string& series) {
  std::vector<std::string> fields;
  for (const char* op : kCsvOperations) {
    LatencyDistribution merged;
    bool any = false;
    if (latency != nullptr) {
      for (const LatencySeries& s : latency->series) {
        const std::string& s_op =
            s.operation.empty() ? std::string("download") : s.operation;
        if (!(s.key == key) || s.series != series || s_op != op) continue;
        any = merged.Merge(s.pooled).ok() || any;
      }
    }
    for (double q : kCsvPercentiles) {
      const double v = any ? merged.Percentile(q) : NAN;
      fields.push_back(std::isfinite(v) ? absl::StrFormat("%.6g", v) : "");
    }
  }
  return fields;
}

std::string FormatLatency(double seconds) {
  if (std::isnan(seconds)) return "-";
  if (std::isinf(seconds)) return "> 100 s";
  if (seconds == 0) return "0";
  if (seconds >= 1) return absl::StrFormat("%.3g s", seconds);
  if (seconds >= 1e-3) return absl::StrFormat("%.3g ms", seconds * 1e3);
  return absl::StrFormat("%.3g us", seconds * 1e6);
}

namespace {

const char* const kPalette[] = {"#4c72b0", "#dd8452", "#55a868", "#8172b3",
                                "#937860", "#da8bc3", "#8c8c8c", "#ccb974",
                                "#64b5cd", "#c44e52"};

// Series of one table: same cell, stage and operation.
std::vector<std::vector<size_t>> Tables(const LatencyReport& latency) {
  std::vector<std::vector<size_t>> tables;
  for (size_t i = 0; i < latency.series.size(); ++i) {
    const LatencySeries& s = latency.series[i];
    if (i > 0) {
      const LatencySeries& p = latency.series[i - 1];
      if (p.key == s.key && p.stage == s.stage && p.operation == s.operation) {
        tables.back().push_back(i);
        continue;
      }
    }
    tables.push_back({i});
  }
  return tables;
}

std::string TableTitle(const LatencySeries& s) {
  return absl::StrCat(s.key.Label(), ", ", s.stage,
                      s.operation.empty() ? "" : ", ", s.operation);
}

std::string UnitsOf(const LatencySeries& s) {
  const size_t n = s.units.size();
  return absl::StrCat(n, " ",
                      s.interleaved ? (n == 1 ? "block" : "blocks")
                                    : (n == 1 ? "session" : "sessions"));
}

// "21.3 ms [20.9, 21.8]": the centre over units with its interval, or the
// pooled value alone with fewer than two units.
std::string EstimateText(const PercentileEstimate& e) {
  if (std::isnan(e.estimate)) return FormatLatency(e.pooled);
  std::string text =
      absl::StrCat(FormatLatency(e.estimate), " [", FormatLatency(e.ci.low),
                   ", ", FormatLatency(e.ci.high), "]");
  if (!e.reached && !std::isnan(e.ci_level)) {
    absl::StrAppend(&text, absl::StrFormat(" (%.1f%%)", e.ci_level * 100));
  }
  return text;
}

const PercentileEstimate* Find(const LatencySeries& s, double q) {
  for (const PercentileEstimate& e : s.percentiles) {
    if (e.q == q) return &e;
  }
  return nullptr;
}

const LatencyComparison* ComparisonOf(const LatencyReport& latency,
                                      size_t candidate, double q) {
  for (const LatencyComparison& c : latency.comparisons) {
    if (c.candidate == candidate && c.q == q) return &c;
  }
  return nullptr;
}

std::string ChangeText(const LatencyComparison* c, bool bold) {
  if (c == nullptr) return "";
  const Comparison& b = c->blocks;
  std::string verdict = VerdictName(b.verdict);
  if (bold &&
      (b.verdict == Verdict::kFaster || b.verdict == Verdict::kSlower)) {
    verdict = "**" + verdict + "**";
  }
  if (std::isnan(c->ratio_ci.low)) {
    const bool sessions = b.unit == Unit::kSessions;
    std::string units =
        sessions ? absl::StrCat(b.n_cand, " vs ", b.n_base, " sessions")
                 : absl::StrCat(b.n_units, " blocks");
    if (!std::isnan(c->pooled_ratio)) {
      return absl::StrCat(FormatChange(c->pooled_ratio), " pooled, ", verdict,
                          " (", units, ")");
    }
    return absl::StrCat("n/a ", verdict, " (", units, ")");
  }
  return absl::StrCat(FormatChange(c->ratio), " [",
                      FormatChange(c->ratio_ci.low), ", ",
                      FormatChange(c->ratio_ci.high), "] ", verdict, " (p ",
                      FormatPValue(b.p_adjusted), ")");
}

std::string Row(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const std::string& c : cells) absl::StrAppend(&out, " ", c, " |");
  return out + "\n";
}

std::vector<std::string> MainRow(const LatencyReport& latency, size_t i,
                                 bool bold) {
  const LatencySeries& s = latency.series[i];
  return {s.series,
          absl::StrCat(UnitsOf(s), ", ", s.pooled.total(), " requests"),
          EstimateText(*Find(s, 0.5)),
          EstimateText(*Find(s, 0.95)),
          EstimateText(*Find(s, 0.99)),
          ChangeText(ComparisonOf(latency, i, 0.5), bold),
          ChangeText(ComparisonOf(latency, i, 0.99), bold)};
}

std::vector<std::string> SpectrumRow(const LatencySeries& s) {
  std::vector<std::string> cells = {s.series};
  for (const PercentileEstimate& e : s.percentiles) {
    cells.push_back(FormatLatency(e.pooled));
  }
  return cells;
}

// Why a table of old-format histograms has no comparisons; "" otherwise.
std::string CoarseNote(const LatencyReport& latency,
                       const std::vector<size_t>& rows) {
  for (size_t i : rows) {
    const LatencySeries& s = latency.series[i];
    if (!s.pooled.empty() && !s.pooled.fine()) {
      return "Older results: latency histograms of four buckets per decade "
             "(x1.78 apart); each percentile is its bucket's upper bound, and "
             "branches are not compared (changes within a bucket cannot be "
             "seen).";
    }
  }
  return "";
}

std::string IntroText(const LatencyReport& latency,
                      const AnalysisOptions& options) {
  return absl::StrCat(
      "Latency of every request of the measured load stages (warm-up "
      "stages excluded), per LOAD cell, load level and branch. p50, p95, "
      "p99: the Hodges-Lehmann centre of the branch's percentile over its "
      "blocks (sessions for sequential cells) with its ",
      options.confidence * 100,
      "% signed-rank interval; one unit: the percentile alone. Changes "
      "(negative: lower latency): ",
      latency.compare
          ? "run B / run A percentile of the same branch; the runs' blocks "
            "do not pair, so per result file (session), Hodges-Lehmann "
            "estimate of the ratio with its Mann-Whitney interval (with "
            "fewer than 3 sessions a side, the pooled percentiles' ratio, "
            "inconclusive); "
          : "candidate / baseline percentile per block, Hodges-Lehmann "
            "estimate and interval; ",
      "verdict as for throughput (faster = lower latency) with ",
      options.correction == Correction::kHolm ? "Holm" : "Benjamini-Hochberg",
      " over the ", latency.comparisons.size(),
      " latency comparisons. Then every percentile with all units pooled "
      "(histograms merged); the log-linear histograms are within 0.4% of "
      "the true value, older results' four-per-decade buckets give their "
      "upper bound.");
}

// The latency of each branch against the percentile, on a log axis of
// 1 / (1 - q) (HdrHistogram's percentile spectrum): 0%, 90%, 99%, 99.9%
// ... evenly spaced, so the tail gets as much room as the body.
std::string SpectrumPlot(const LatencyReport& latency,
                         const std::vector<size_t>& rows,
                         const std::map<std::string, std::string>& colors) {
  // x = log10(1 / (1 - q)); the last point of a series is its maximum at
  // q = 1 - 1 / n.
  double x_high = 1, y_high = 0;
  for (size_t i : rows) {
    const LatencySeries& s = latency.series[i];
    if (s.pooled.total() < 2) continue;
    x_high =
        std::max(x_high, std::log10(static_cast<double>(s.pooled.total())));
    const double max = s.pooled.Percentile(1);
    if (std::isfinite(max)) y_high = std::max(y_high, max);
  }
  x_high = std::ceil(x_high);
  if (!(y_high > 0)) y_high = 1;
  constexpr double kLeft = 70, kRight = 560, kTop = 28, kBottom = 230;
  Svg svg(720, 270);
  LinearScale x{0, x_high, kLeft, kRight};
  LinearScale y{0, y_high * 1.05, kBottom, kTop};
  svg.Text(4, 14, TableTitle(latency.series[rows.front()]), "start", 12, "#222",
           true);
  for (int k = 0; k <= x_high; ++k) {
    const double q = 1 - std::pow(10.0, -k);
    svg.Line(x(k), kTop, x(k), kBottom, "#ececec");
    svg.Text(x(k), kBottom + 14,
             k == 0 ? std::string("0%")
                    : absl::StrFormat("%.*f%%", std::max(0, k - 2), q * 100),
             "middle", 10, "#666");
  }
  svg.Text((kLeft + kRight) / 2, kBottom + 30,
           "percentile (log scale of 1/(1-q))", "middle", 10, "#666");
  for (double t : NiceTicks(0, y_high * 1.05, 5)) {
    svg.Line(kLeft, y(t), kRight, y(t), "#ececec");
    svg.Text(kLeft - 4, y(t) + 4, FormatLatency(t), "end", 9, "#666");
  }
  double legend_y = kTop + 6;
  for (size_t i : rows) {
    const LatencySeries& s = latency.series[i];
    const std::string& color = colors.at(s.series);
    const double n = static_cast<double>(s.pooled.total());
    if (n < 1) continue;
    const double last = n > 1 ? std::log10(n) : 0;
    double px = -1, py = 0;
    constexpr int kSteps = 120;
    for (int k = 0; k <= kSteps; ++k) {
      const double xv = last * k / kSteps;
      const double q = k == kSteps ? 1 : 1 - std::pow(10.0, -xv);
      const double v = s.pooled.Percentile(q);
      if (!std::isfinite(v)) break;
      const double cx = x(xv), cy = y(v);
      if (px >= 0) svg.Line(px, py, cx, cy, color, 1.6);
      px = cx;
      py = cy;
    }
    for (const PercentileEstimate& e : s.percentiles) {
      if (!std::isfinite(e.pooled)) continue;
      const double xv = e.q >= 1 ? last : std::min(last, -std::log10(1 - e.q));
      svg.Circle(x(xv), y(e.pooled), 2.8, color, "",
                 absl::StrCat(s.series, " ", PercentileName(e.q), ": ",
                              FormatLatency(e.pooled)));
    }
    svg.Circle(kRight + 16, legend_y, 3.5, color);
    svg.Text(kRight + 24, legend_y + 4, s.series, "start", 10);
    legend_y += 15;
  }
  return svg.Finish();
}

}  // namespace

std::string LatencyMarkdown(const LatencyReport& latency,
                            const AnalysisOptions& options) {
  if (latency.series.empty()) return "";
  std::string out =
      absl::StrCat("## Latency\n\n", IntroText(latency, options), "\n\n");
  for (const std::vector<size_t>& rows : Tables(latency)) {
    absl::StrAppend(&out, "### ", TableTitle(latency.series[rows.front()]),
                    "\n\n");
    out += Row({"branch", "units", "p50", "p95", "p99",
                absl::StrCat("p50 vs ", latency.baseline),
                absl::StrCat("p99 vs ", latency.baseline)});
    out += Row(std::vector<std::string>(7, "---"));
    for (size_t i : rows) out += Row(MainRow(latency, i, true));
    out += "\n";
    std::vector<std::string> header = {"branch (pooled)"};
    for (double q : ReportedPercentiles()) header.push_back(PercentileName(q));
    out += Row(header);
    out += Row(std::vector<std::string>(header.size(), "---"));
    for (size_t i : rows) out += Row(SpectrumRow(latency.series[i]));
    out += "\n";
    if (!CoarseNote(latency, rows).empty()) {
      absl::StrAppend(&out, CoarseNote(latency, rows), "\n\n");
    }
  }
  return out;
}

std::string LatencyHtml(const LatencyReport& latency,
                        const AnalysisOptions& options,
                        const std::vector<std::string>& series_order) {
  if (latency.series.empty()) return "";
  std::map<std::string, std::string> colors;
  size_t next = 0;
  for (const std::string& series : series_order) {
    colors[series] = kPalette[next++ % (sizeof(kPalette) / sizeof(*kPalette))];
  }
  for (const LatencySeries& s : latency.series) {
    if (!colors.count(s.series)) {
      colors[s.series] =
          kPalette[next++ % (sizeof(kPalette) / sizeof(*kPalette))];
    }
  }
  std::string out =
      absl::StrCat("<h2>Latency</h2><p class=\"lead\">",
                   HtmlEscape(IntroText(latency, options)), "</p>");
  for (const std::vector<size_t>& rows : Tables(latency)) {
    absl::StrAppend(&out, "<h3>",
                    HtmlEscape(TableTitle(latency.series[rows.front()])),
                    "</h3><table><tr>");
    for (const std::string& h :
         {std::string("branch"), std::string("units"), std::string("p50"),
          std::string("p95"), std::string("p99"),
          absl::StrCat("p50 vs ", latency.baseline),
          absl::StrCat("p99 vs ", latency.baseline)}) {
      absl::StrAppend(&out, "<th>", HtmlEscape(h), "</th>");
    }
    out += "</tr>";
    for (size_t i : rows) {
      out += "<tr>";
      const std::vector<std::string> cells = MainRow(latency, i, false);
      for (size_t k = 0; k < cells.size(); ++k) {
        const LatencyComparison* c = k == 5   ? ComparisonOf(latency, i, 0.5)
                                     : k == 6 ? ComparisonOf(latency, i, 0.99)
                                              : nullptr;
        std::string cls;
        if (c != nullptr) {
          switch (c->blocks.verdict) {
            case Verdict::kFaster:
              cls = " class=\"faster\"";
              break;
            case Verdict::kSlower:
              cls = " class=\"slower\"";
              break;
            case Verdict::kNoDifference:
              cls = " class=\"same\"";
              break;
            case Verdict::kInconclusive:
              cls = " class=\"unsure\"";
              break;
          }
        }
        absl::StrAppend(&out, "<td", cls, ">", HtmlEscape(cells[k]), "</td>");
      }
      out += "</tr>";
    }
    out += "</table><table><tr><th>branch (pooled)</th>";
    for (double q : ReportedPercentiles()) {
      absl::StrAppend(&out, "<th>", PercentileName(q), "</th>");
    }
    out += "</tr>";
    for (size_t i : rows) {
      out += "<tr>";
      for (const std::string& cell : SpectrumRow(latency.series[i])) {
        absl::StrAppend(&out, "<td>", HtmlEscape(cell), "</td>");
      }
      out += "</tr>";
    }
    absl::StrAppend(&out, "</table>");
    if (!CoarseNote(latency, rows).empty()) {
      absl::StrAppend(&out, "<p>", HtmlEscape(CoarseNote(latency, rows)),
                      "</p>");
    }
    out += SpectrumPlot(latency, rows, colors);
  }
  return out;
}

}  // namespace perfcell::analysis
