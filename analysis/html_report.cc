#include "analysis/html_report.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "analysis/format.h"
#include "analysis/svg.h"
#include "analysis/text_report.h"

namespace perfcell::analysis {
namespace {

constexpr double kMiB = 1 << 20;

const char* const kPalette[] = {"#4c72b0", "#dd8452", "#55a868", "#8172b3",
                                "#937860", "#da8bc3", "#8c8c8c", "#ccb974",
                                "#64b5cd", "#c44e52"};

std::string VerdictColor(Verdict v) {
  switch (v) {
    case Verdict::kFaster:
      return "#2a9d3c";
    case Verdict::kSlower:
      return "#d62728";
    case Verdict::kNoDifference:
      return "#6c757d";
    case Verdict::kInconclusive:
      return "#e69500";
  }
  return "#000";
}

std::string VerdictClass(Verdict v) {
  switch (v) {
    case Verdict::kFaster:
      return "faster";
    case Verdict::kSlower:
      return "slower";
    case Verdict::kNoDifference:
      return "same";
    case Verdict::kInconclusive:
      return "unsure";
  }
  return "";
}

std::map<std::string, std::string> SeriesColors(const Report& report) {
  std::map<std::string, std::string> colors;
  size_t i = 0;
  for (const std::string& series : report.series_order) {
    colors[series] = kPalette[i++ % (sizeof(kPalette) / sizeof(*kPalette))];
  }
  return colors;
}

std::string CompareSummaryHtml(const Report& report) {
  std::string out;
  const std::string note = OneRunBranchesNote(*report.runs);
  if (!note.empty()) {
    absl::StrAppend(&out, "<p><b>", HtmlEscape(note), "</b></p>");
  }
  const std::vector<CompareTable> tables = BuildCompareTables(report);
  if (tables.empty()) out += "<p>No branch has a cell in both runs.</p>";
  for (const CompareTable& table : tables) {
    absl::StrAppend(&out, "<h3>", HtmlEscape(table.workload),
                    "</h3><table><tr><th>memory</th>");
    for (const BranchPair* pair : table.pairs) {
      absl::StrAppend(&out, "<th>", HtmlEscape(CompareHeaderA(*pair)),
                      "</th><th>", HtmlEscape(CompareHeaderB(*pair)), "</th>");
    }
    out += "</tr>";
    for (const CompareTable::Row& row : table.rows) {
      absl::StrAppend(&out, "<tr><td>", row.memory_mib, " MiB</td>");
      for (const CompareTable::Cell& cell : row.cells) {
        absl::StrAppend(&out, "<td>", HtmlEscape(CompareCellAText(cell)),
                        "</td>");
        const Comparison* c = cell.comparison;
        if (c == nullptr) {
          absl::StrAppend(&out, "<td>",
                          HtmlEscape(CompareCellBText(cell, false)), "</td>");
          continue;
        }
        absl::StrAppend(&out, "<td class=\"", VerdictClass(c->verdict),
                        "\" title=\"p ", FormatPValue(c->p_value),
                        ", adjusted ", FormatPValue(c->p_adjusted), ", MDE ",
                        FormatPercent(c->mde), "\">",
                        HtmlEscape(CompareCellBText(cell, false)), "</td>");
      }
      out += "</tr>";
    }
    out += "</table>";
  }
  return out;
}

std::string SummaryHtml(const Report& report) {
  if (report.runs.has_value()) return CompareSummaryHtml(report);
  std::string out;
  const std::string p_header =
      report.options.correction == Correction::kHolm ? "p (Holm)" : "p (BH)";
  for (const SummaryTable& table : BuildSummaryTables(report)) {
    absl::StrAppend(&out, "<h3>", HtmlEscape(table.workload),
                    "</h3><table><tr><th>memory</th><th>branch</th><th>",
                    HtmlEscape(report.baseline_name),
                    " (old)</th><th>new</th><th>change</th><th>interval</th>"
                    "<th>",
                    p_header, "</th><th>verdict</th><th>units</th></tr>");
    for (const Comparison* c : table.rows) {
      const Group& cand = report.groups[c->candidate];
      absl::StrAppend(&out, "<tr><td>", cand.key.memory_mib, " MiB</td><td>",
                      HtmlEscape(cand.series), "</td>");
      const std::vector<std::string> cells = SummaryRowCells(report, *c, false);
      for (size_t i = 0; i < cells.size(); ++i) {
        const bool verdict_cell = i == 5;
        absl::StrAppend(
            &out, "<td",
            verdict_cell
                ? absl::StrCat(" class=\"", VerdictClass(c->verdict),
                               "\" title=\"p ", FormatPValue(c->p_value),
                               ", adjusted ", FormatPValue(c->p_adjusted), "\"")
                : std::string(),
            ">", HtmlEscape(cells[i]), "</td>");
      }
      out += "</tr>";
    }
    out += "</table>";
  }
  return out;
}

// The interval each verdict uses, on a log-ratio axis, with the
// no-difference band and one faint dot per block (interleaved cells).
std::string ForestPlot(const Report& report) {
  const auto& comparisons = report.comparisons;
  if (comparisons.empty()) return "<p>No comparisons.</p>";
  const double me = report.options.min_effect;
  double low = std::log(1 - 2 * me), high = std::log(1 + 2 * me);
  for (const Comparison& c : comparisons) {
    if (!std::isnan(c.ratio_ci.low)) {
      low = std::min(low, std::log(c.ratio_ci.low));
      high = std::max(high, std::log(c.ratio_ci.high));
    }
    for (double d : c.block_log_ratios) {
      low = std::min(low, d);
      high = std::max(high, d);
    }
  }
  low = std::max(low - 0.02, std::log(0.2));
  high = std::min(high + 0.02, std::log(5.0));
  constexpr double kRow = 19, kTop = 34, kLeft = 360, kRight = 1000;
  const double height = kTop + kRow * comparisons.size() + 44;
  Svg svg(1330, height);
  LinearScale x{low, high, kLeft, kRight};
  auto at = [&](double ratio) {
    return x(std::clamp(std::log(ratio), low, high));
  };
  const double bottom = kTop + kRow * comparisons.size();
  svg.Rect(at(1 - me), kTop - 6, at(1 + me) - at(1 - me), bottom - kTop + 6,
           "#9fd5a8", 0.35);
  svg.Text(at(1), bottom + 32,
           absl::StrCat("green: no-difference band +/-", FormatPercent(me),
                        "; log-ratio axis; grey dots: single blocks"),
           "middle", 11, "#2a7a3a");
  for (double t : NiceTicks(std::exp(low), std::exp(high), 8)) {
    if (t <= 0) continue;
    svg.Line(at(t), kTop - 6, at(t), bottom, "#e3e3e3");
    svg.Text(at(t), bottom + 16, FormatChange(t), "middle", 11, "#555");
  }
  svg.Line(at(1), kTop - 6, at(1), bottom, "#333", 1.2);
  // Rows are named by branch; in `compare` by the branch compared across
  // the runs ("baseline", or "before -> after").
  std::map<std::string, std::string> row_label;
  if (report.runs.has_value()) {
    for (const BranchPair& pair : report.runs->pairs) {
      row_label[pair.series_b] = pair.label;
    }
  }
  const bool runs = report.runs.has_value();
  svg.Text(kLeft, 14, runs ? "<- slower in run B" : "<- branch slower", "start",
           12, "#d62728", true);
  svg.Text(kRight, 14, runs ? "faster in run B ->" : "branch faster ->", "end",
           12, "#2a9d3c", true);
  std::string previous_cell;
  for (size_t i = 0; i < comparisons.size(); ++i) {
    const Comparison& c = comparisons[i];
    const Group& base = report.groups[c.baseline];
    const Group& cand = report.groups[c.candidate];
    const double y = kTop + kRow * i + kRow / 2;
    const std::string cell = base.key.Label();
    if (cell != previous_cell) {
      if (i > 0) svg.Line(10, y - kRow / 2, 1320, y - kRow / 2, "#cfcfcf");
      svg.Text(10, y + 4, cell, "start", 11, "#222", true);
      previous_cell = cell;
    }
    auto label_it = row_label.find(cand.series);
    const std::string& label =
        label_it != row_label.end() ? label_it->second : cand.series;
    svg.Text(kLeft - 10, y + 4, label, "end", 11);
    for (size_t k = 0; k < c.block_log_ratios.size(); ++k) {
      const double jitter = ((k * 37) % 7 - 3) * 1.3;
      svg.Circle(at(std::exp(c.block_log_ratios[k])), y + jitter, 1.8,
                 "#c4c4c4", "",
                 absl::StrCat("block ", k + 1, ": ",
                              FormatChange(std::exp(c.block_log_ratios[k]))));
    }
    const std::string color = VerdictColor(c.verdict);
    if (!std::isnan(c.ratio_ci.low)) {
      const double a = at(c.ratio_ci.low);
      const double b = at(c.ratio_ci.high);
      svg.Line(a, y, b, y, color, 2.5);
      svg.Line(a, y - 4, a, y + 4, color, 1.5);
      svg.Line(b, y - 4, b, y + 4, color, 1.5);
    }
    std::string interval =
        std::isnan(c.ratio_ci.low)
            ? std::string("no interval")
            : absl::StrCat(FormatChange(c.ratio), " [",
                           FormatChange(c.ratio_ci.low), ", ",
                           FormatChange(c.ratio_ci.high), "]");
    if (!std::isnan(c.ratio) && !std::isnan(c.ratio_ci.low)) {
      svg.Circle(
          at(c.ratio), y, 4.5, color, "#fff",
          absl::StrCat(runs ? cand.series + " vs " + base.series : cand.series,
                       ": ", interval, ", p adj ", FormatPValue(c.p_adjusted),
                       ", ", UnitsText(c)));
    }
    svg.Text(kRight + 12, y + 4, interval, "start", 11, "#333");
    svg.Text(kRight + 175, y + 4, VerdictName(c.verdict), "start", 11, color,
             c.verdict == Verdict::kSlower || c.verdict == Verdict::kFaster);
  }
  return svg.Finish();
}

// Every iteration of every series of one cell.
std::string StripPlot(const Report& report, const CellKey& key,
                      const std::vector<size_t>& groups,
                      const std::map<std::string, std::string>& colors) {
  double low = INFINITY, high = -INFINITY;
  for (size_t g : groups) {
    for (const Sample& s : report.groups[g].samples) {
      if (!s.ok) continue;
      low = std::min(low, s.throughput / kMiB);
      high = std::max(high, s.throughput / kMiB);
    }
  }
  if (!(high >= low)) low = 0, high = 1;
  const double pad = std::max((high - low) * 0.06, high * 0.01);
  low = std::max(0.0, low - pad);
  high += pad;
  constexpr double kLeft = 110, kRight = 405, kRow = 24, kTop = 24;
  const double bottom = kTop + kRow * groups.size();
  Svg svg(420, bottom + 30);
  LinearScale x{low, high, kLeft, kRight};
  // At most kMaxDots dots a series: a 1.3 M-iteration series is thinned
  // to every stride-th iteration (the statistics use them all).
  constexpr size_t kMaxDots = 2000;
  size_t most = 0;
  for (size_t g : groups)
    most = std::max(most, report.groups[g].samples.size());
  const size_t stride = std::max<size_t>(1, (most + kMaxDots - 1) / kMaxDots);
  svg.Text(4, 14,
           stride > 1 ? absl::StrCat(key.Label(), " (every ", stride,
                                     "th iteration shown)")
                      : key.Label(),
           "start", 12, "#222", true);
  for (double t : NiceTicks(low, high, 5)) {
    svg.Line(x(t), kTop, x(t), bottom, "#ececec");
    svg.Text(x(t), bottom + 13, absl::StrFormat("%g", t), "middle", 10, "#666");
  }
  svg.Text((kLeft + kRight) / 2, bottom + 26, "MiB/s", "middle", 10, "#666");
  for (size_t row = 0; row < groups.size(); ++row) {
    const Group& group = report.groups[groups[row]];
    const GroupStats& stats = report.stats[groups[row]];
    const double y = kTop + kRow * row + kRow / 2;
    const std::string& color = colors.at(group.series);
    svg.Text(kLeft - 8, y + 4, group.series, "end", 11);
    int k = 0;
    size_t index = 0;
    for (const Sample& s : group.samples) {
      if (index++ % stride != 0) continue;
      // Deterministic vertical jitter so that equal values stay visible.
      const double jitter = ((k++ * 37) % 9 - 4) * 1.6;
      if (!s.ok) {
        svg.Cross(kLeft - 2, y + jitter, 3, "#d62728",
                  absl::StrCat("iteration ", s.index, " failed: ", s.error));
        continue;
      }
      const std::string title =
          absl::StrCat("iteration ", s.index, s.warmup ? " (warm-up)" : "",
                       ": ", FormatThroughput(s.throughput));
      if (s.warmup) {
        svg.Circle(x(s.throughput / kMiB), y + jitter, 3.2, "none", "#555",
                   title);
      } else {
        svg.Circle(x(s.throughput / kMiB), y + jitter, 3, color, "", title);
      }
    }
    if (!std::isnan(stats.median)) {
      const double m = x(stats.median / kMiB);
      svg.Line(m, y - 9, m, y + 9, "#111", 2);
    }
  }
  return svg.Finish();
}

// One small plot per interleaved cell: each candidate's block ratio
// (candidate run value / baseline run value) against the block, on a
// log axis. A slope is drift that does not cancel within blocks.
std::string BlockSeriesPlot(const Report& report, const CellKey& key,
                            const std::vector<const Comparison*>& comparisons,
                            const std::map<std::string, std::string>& colors) {
  double low = std::log(1 - report.options.min_effect);
  double high = std::log(1 + report.options.min_effect);
  size_t blocks = 1;
  for (const Comparison* c : comparisons) {
    for (double d : c->block_log_ratios) {
      low = std::min(low, d);
      high = std::max(high, d);
    }
    blocks = std::max(blocks, c->block_log_ratios.size());
  }
  low -= 0.01;
  high += 0.01;
  constexpr double kLeft = 52, kRight = 300, kTop = 24, kBottom = 150;
  Svg svg(420, 180);
  LinearScale x{0, std::max<double>(blocks - 1, 1), kLeft, kRight};
  LinearScale y{low, high, kBottom, kTop};
  svg.Text(4, 14, key.Label(), "start", 12, "#222", true);
  for (double t : NiceTicks(std::exp(low), std::exp(high), 5)) {
    if (t <= 0) continue;
    const double py = y(std::log(t));
    if (py < kTop - 1 || py > kBottom + 1) continue;
    svg.Line(kLeft, py, kRight, py, "#ececec");
    svg.Text(kLeft - 4, py + 4, FormatChange(t), "end", 9, "#666");
  }
  svg.Line(kLeft, y(0), kRight, y(0), "#333", 1, "4 3");
  svg.Text((kLeft + kRight) / 2, kBottom + 22, "block", "middle", 10, "#666");
  double legend_y = kTop + 6;
  for (const Comparison* c : comparisons) {
    const Group& cand = report.groups[c->candidate];
    const std::string& color = colors.at(cand.series);
    for (size_t k = 0; k < c->block_log_ratios.size(); ++k) {
      const double px = x(k), py = y(c->block_log_ratios[k]);
      if (k > 0) {
        svg.Line(x(k - 1), y(c->block_log_ratios[k - 1]), px, py, color, 1);
      }
      svg.Circle(px, py, 2.4, color, "",
                 absl::StrCat(cand.series, ", block ", k + 1, ": ",
                              FormatChange(std::exp(c->block_log_ratios[k]))));
    }
    svg.Circle(kRight + 14, legend_y, 3.5, color);
    svg.Text(kRight + 22, legend_y + 4, cand.series, "start", 10);
    legend_y += 15;
  }
  return svg.Finish();
}

std::string BlockSeries(const Report& report,
                        const std::map<std::string, std::string>& colors) {
  std::map<CellKey, std::vector<const Comparison*>> by_cell;
  for (const Comparison& c : report.comparisons) {
    if (c.unit == Unit::kBlocks && !c.block_log_ratios.empty()) {
      by_cell[report.groups[c.candidate].key].push_back(&c);
    }
  }
  if (by_cell.empty()) {
    return "<p>No interleaved cells: sequential results have no blocks, so "
           "drift over time cannot be told from branch differences (see the "
           "warnings).</p>";
  }
  std::string out = "<div class=\"strips\">";
  for (const auto& [key, comparisons] : by_cell) {
    out += BlockSeriesPlot(report, key, comparisons, colors);
  }
  return out + "</div>";
}

std::string StatsTable(const Report& report) {
  std::string out =
      "<table><tr><th>cell</th><th>series</th><th>n</th><th>median</th>"
      "<th>95% CI of median</th><th>mean &plusmn; sd</th><th>CV</th>"
      "<th>min &hellip; max</th><th>warm-up vs rest</th><th>failed</th>"
      "<th>trend (rho, p)</th></tr>";
  for (size_t i = 0; i < report.groups.size(); ++i) {
    const Group& g = report.groups[i];
    const GroupStats& s = report.stats[i];
    absl::StrAppend(
        &out, "<tr><td>", HtmlEscape(g.key.Label()), "</td><td>",
        HtmlEscape(g.series), "</td><td>", s.n, "</td><td>",
        FormatThroughput(s.median), "</td><td>",
        FormatThroughput(s.median_ci.low), " &hellip; ",
        FormatThroughput(s.median_ci.high), "</td><td>",
        FormatThroughput(s.mean), " &plusmn; ", FormatThroughput(s.stddev),
        "</td><td>", FormatPercent(s.cv), "</td><td>", FormatThroughput(s.min),
        " &hellip; ", FormatThroughput(s.max), "</td><td>",
        s.n_warmup > 0 ? FormatChange(s.warmup_ratio) : "-", "</td><td",
        s.n_failed > 0 ? " class=\"slower\"" : "", ">", s.n_failed, "</td><td>",
        std::isnan(s.drift.rho)
            ? std::string("-")
            : absl::StrFormat("%.2f, %s", s.drift.rho,
                              FormatPValue(s.drift.p_value)),
        "</td></tr>");
  }
  return out + "</table>";
}

constexpr char kStyle[] = R"(
body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1340px; }
h1 { margin-bottom: 4px; } h2 { margin-top: 32px; border-bottom: 1px solid #ddd; }
p.lead { color: #444; max-width: 1100px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { border: 1px solid #d8d8d8; padding: 4px 8px; text-align: left; }
th { background: #f3f3f3; }
td.slower { background: #fbe3e3; color: #a11d1d; font-weight: bold; }
td.faster { background: #e2f5e5; color: #1f7a2e; font-weight: bold; }
td.same { color: #555; }
td.unsure { background: #fff4dd; }
.strips { display: flex; flex-wrap: wrap; gap: 8px 14px; }
.strips svg { border: 1px solid #eee; }
ul.warnings li { margin: 4px 0; }
p.aa { font-weight: bold; }
p.aa-warning { background: #fbe3e3; color: #a11d1d; font-weight: bold; padding: 8px; }
span.kind { display: inline-block; min-width: 80px; font-weight: bold; color: #a15c00; }
)";

}  // namespace

std::string HtmlReport(const Report& report, const LatencyReport* latency,
                       const TargetsReport* targets,
                       const GuestMetricsReport* guest) {
  const auto colors = SeriesColors(report);
  std::map<Verdict, int> counts;
  for (const Comparison& c : report.comparisons) ++counts[c.verdict];
  std::string out = absl::StrCat(
      "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
      "<title>perfcell ",
      report.runs.has_value() ? "compare" : "report", "</title><style>", kStyle,
      "</style></head><body>");
  const std::vector<std::string> aa = AaCheckLines(report);
  for (size_t i = 0; i < aa.size(); ++i) {
    absl::StrAppend(&out, "<p class=\"", i == 0 ? "aa" : "aa-warning", "\">",
                    HtmlEscape(aa[i]), "</p>");
  }
  absl::StrAppend(&out, "<h1>perfcell ",
                  report.runs.has_value() ? "compare" : "report", "</h1>");
  const std::string subject =
      report.runs.has_value()
          ? absl::StrCat("Run B (", HtmlEscape(report.runs->run_b),
                         ") against run A (", HtmlEscape(report.runs->run_a),
                         "), each branch against itself: <b>",
                         HtmlEscape(CompareIntro(*report.runs)), "</b>")
          : absl::StrCat("Baseline <b>", HtmlEscape(report.baseline_name),
                         "</b>");
  absl::StrAppend(
      &out, "<p class=\"lead\">", subject, "; ", report.comparisons.size(),
      " comparisons: <b>", counts[Verdict::kSlower], " slower</b>, <b>",
      counts[Verdict::kFaster], " faster</b>, ", counts[Verdict::kNoDifference],
      " no difference, ", counts[Verdict::kInconclusive], " inconclusive; ",
      report.warnings.size(),
      " warnings. Throughput = bytes / seconds of each iteration (higher is "
      "better). ",
      HtmlEscape(MethodSentence(report.options)), ".</p>");
  if (const std::string adaptive = AdaptiveSentence(report);
      !adaptive.empty()) {
    absl::StrAppend(&out, "<p>", HtmlEscape(adaptive), "</p>");
  }
  if (!report.warnings.empty()) {
    absl::StrAppend(&out, "<p><b>Read the ", report.warnings.size(),
                    " <a href=\"#warnings\">warnings</a> before trusting "
                    "these numbers.</b></p>");
  }
  absl::StrAppend(&out, "<h2>Summary</h2>", SummaryHtml(report));
  if (targets != nullptr) out += TargetsHtml(*targets);
  absl::StrAppend(
      &out,
      "<h2>Ratios with confidence intervals</h2><p class=\"lead\">Each line: "
      "the ratio ",
      report.runs.has_value() ? "of the branch in run B to the same branch in "
                                "run A"
                              : "branch / baseline",
      " the verdict uses (Hodges-Lehmann estimate) with its interval "
      "(exact signed-rank interval over blocks, or the rank interval over "
      "sessions), on a log-ratio axis; grey dots: the ratio in each block. "
      "Inside the green band the change is too small to matter.</p>",
      ForestPlot(report));
  absl::StrAppend(&out,
                  "<h2>Every iteration</h2><p class=\"lead\">Filled dots: "
                  "measured iterations; hollow: warm-up (excluded); red "
                  "crosses at the left: failed iterations; black tick: "
                  "median.</p><div class=\"strips\">");
  std::map<CellKey, std::vector<size_t>> by_cell;
  std::map<std::string, size_t> rank;
  for (size_t i = 0; i < report.series_order.size(); ++i) {
    rank[report.series_order[i]] = i;
  }
  for (size_t i = 0; i < report.groups.size(); ++i) {
    by_cell[report.groups[i].key].push_back(i);
  }
  for (auto& [key, groups] : by_cell) {
    std::sort(groups.begin(), groups.end(), [&](size_t a, size_t b) {
      return rank[report.groups[a].series] < rank[report.groups[b].series];
    });
    out += StripPlot(report, key, groups, colors);
  }
  out += "</div>";
  const RunDrift& drift = report.run_drift;
  absl::StrAppend(
      &out,
      "<h2>Block ratios over time</h2><p class=\"lead\">Per interleaved "
      "cell, each branch's ratio to the baseline in every block, in run "
      "order. Drift that hits every branch alike cancels within a block and "
      "leaves these flat; a slope is the branch changing relative to the "
      "baseline.",
      drift.spearman.n > 0
          ? absl::StrFormat(
                " Whole run (throughput relative to each cell's median, "
                "interleaved cells' to each branch's, against time): Spearman "
                "rho %.2f (p %s, n %d); first "
                "quarter %.2fx, last quarter %.2fx.",
                drift.spearman.rho, FormatPValue(drift.spearman.p_value),
                drift.spearman.n, drift.first_quarter, drift.last_quarter)
          : std::string(),
      "</p>", BlockSeries(report, colors));
  if (latency != nullptr) {
    out += LatencyHtml(*latency, report.options, report.series_order);
  }
  if (guest != nullptr) out += GuestMetricsHtml(*guest);
  absl::StrAppend(&out, "<h2 id=\"warnings\">Warnings (",
                  report.warnings.size(), ")</h2><ul class=\"warnings\">");
  for (const Warning& w : report.warnings) {
    absl::StrAppend(&out, "<li><span class=\"kind\">", HtmlEscape(w.kind),
                    "</span> ", HtmlEscape(w.message), "</li>");
  }
  if (report.warnings.empty()) out += "<li>None.</li>";
  absl::StrAppend(&out, "</ul><h2>Per-cell statistics</h2>", StatsTable(report),
                  "</body></html>\n");
  return out;
}

}  // namespace perfcell::analysis
