#include "analysis/targets.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analysis/dataset.h"
#include "analysis/svg.h"

namespace perfcell::analysis {
namespace {

// How far `c` is on the wrong side of its limit (bigger: worse), so the
// worst of several results of one cell and branch can stand.
double Badness(const ThresholdCheck& c) {
  if (std::isnan(c.value)) return -INFINITY;
  const bool upper = c.threshold.op() == Threshold::LESS ||
                     c.threshold.op() == Threshold::LESS_OR_EQUAL;
  return upper ? c.value - c.threshold.limit() : c.threshold.limit() - c.value;
}

std::string Verdict(const ThresholdCheck& c) {
  if (std::isnan(c.value)) return "no data";
  return c.broken ? "FAIL" : "pass";
}

std::string ValueText(const ThresholdCheck& c) {
  absl::StatusOr<MetricKind> kind = KindOfMetric(c.threshold.metric());
  return FormatMetricValue(kind.ok() ? *kind : MetricKind::kBytes, c.value);
}

std::string RelativeText(const ThresholdCheck& c) {
  if (!c.broken || !std::isfinite(c.relative)) return "";
  return absl::StrFormat(
      std::fabs(c.relative) < 0.1 ? " (%+.1f%%)" : " (%+.0f%%)",
      100 * c.relative);
}

std::string EntryText(const TargetRow::Entry& e, bool markdown) {
  const ThresholdCheck& c = e.check;
  std::string verdict = Verdict(c);
  if (markdown && c.broken) verdict = absl::StrCat("**", verdict, "**");
  std::string text =
      std::isnan(c.value)
          ? verdict
          : absl::StrCat(ValueText(c), " ", verdict, RelativeText(c));
  if (e.results > 1) absl::StrAppend(&text, " (worst of ", e.results, ")");
  return text;
}

}  // namespace

TargetsReport AnalyzeTargets(const std::vector<LoadedResult>& loaded,
                             const std::vector<std::string>& series_order,
                             int warmup_override) {
  TargetsReport out;
  // (cell key, threshold order in its spec, threshold text) -> row
  std::map<std::tuple<CellKey, int, std::string>, TargetRow> rows;
  std::vector<std::string> seen;
  for (const LoadedResult& r : loaded) {
    const CellSpec& spec = r.result.spec();
    if (spec.thresholds().empty()) continue;
    const CellKey key = KeyOf(spec);
    std::map<std::string, int> order;
    for (int i = 0; i < spec.thresholds_size(); ++i) {
      order.emplace(spec.thresholds(i).text(), i);
    }
    for (const ThresholdCheck& c : CheckThresholds(r.result, warmup_override)) {
      TargetRow& row =
          rows[{key, order[c.threshold.text()], c.threshold.text()}];
      row.cell = key.Label();
      row.threshold = c.threshold.text();
      TargetRow::Entry& e = row.by_branch[c.branch];
      if (e.results == 0 || Badness(c) > Badness(e.check)) e.check = c;
      ++e.results;
      if (std::find(seen.begin(), seen.end(), c.branch) == seen.end()) {
        seen.push_back(c.branch);
      }
    }
  }
  for (const std::string& s : series_order) {
    if (std::find(seen.begin(), seen.end(), s) != seen.end()) {
      out.branches.push_back(s);
    }
  }
  for (const std::string& s : seen) {
    if (std::find(out.branches.begin(), out.branches.end(), s) ==
        out.branches.end()) {
      out.branches.push_back(s);
    }
  }
  for (auto& [unused, row] : rows) {
    for (const auto& [branch, e] : row.by_branch) out.broken += e.check.broken;
    out.rows.push_back(std::move(row));
  }
  return out;
}

std::string TargetsMarkdown(const TargetsReport& targets) {
  if (targets.rows.empty()) return "";
  std::string out = absl::StrCat(
      "## Targets\n\n",
      targets.broken == 0 ? "Every threshold holds. "
                          : absl::StrCat("**", targets.broken, " broken.** "),
      "The thresholds the matrix set (perf_matrix `thresholds`), per cell "
      "and branch, over the measured iterations (warm-up excluded): "
      "latency pNN and max are nearest-rank percentiles of the requests, "
      "throughput the median, errors.rate failed (and dropped) / all "
      "requests, server.rss_max the peak resident memory, tmp.leftover_max "
      "and disk.used_max the most bytes after an iteration. A broken "
      "threshold fails its cell test; in parentheses: how far past the "
      "limit.\n\n| cell | threshold |");
  for (const std::string& b : targets.branches)
    absl::StrAppend(&out, " ", b, " |");
  out += "\n|---|---|";
  for (size_t i = 0; i < targets.branches.size(); ++i) out += "---|";
  out += "\n";
  for (const TargetRow& row : targets.rows) {
    absl::StrAppend(&out, "| ", row.cell, " | ", row.threshold, " |");
    for (const std::string& b : targets.branches) {
      auto e = row.by_branch.find(b);
      absl::StrAppend(
          &out, " ",
          e == row.by_branch.end() ? "-" : EntryText(e->second, true), " |");
    }
    out += "\n";
  }
  return out + "\n";
}

std::string TargetsHtml(const TargetsReport& targets) {
  if (targets.rows.empty()) return "";
  std::string out = absl::StrCat(
      "<h2 id=\"targets\">Targets</h2><p class=\"lead\">",
      targets.broken == 0 ? "Every threshold holds."
                          : absl::StrCat("<b>", targets.broken, " broken.</b>"),
      " Thresholds of the matrix (perf_matrix <code>thresholds</code>) per "
      "cell and branch over the measured iterations; a broken one fails its "
      "cell test (in parentheses: how far past the limit).</p>"
      "<table><tr><th>cell</th><th>threshold</th>");
  for (const std::string& b : targets.branches) {
    absl::StrAppend(&out, "<th>", HtmlEscape(b), "</th>");
  }
  out += "</tr>";
  for (const TargetRow& row : targets.rows) {
    absl::StrAppend(&out, "<tr><td>", HtmlEscape(row.cell), "</td><td>",
                    HtmlEscape(row.threshold), "</td>");
    for (const std::string& b : targets.branches) {
      auto e = row.by_branch.find(b);
      if (e == row.by_branch.end()) {
        out += "<td>-</td>";
        continue;
      }
      absl::StrAppend(&out, "<td class=\"",
                      e->second.check.broken ? "slower" : "same", "\">",
                      HtmlEscape(EntryText(e->second, false)), "</td>");
    }
    out += "</tr>";
  }
  return out + "</table>";
}

}  // namespace perfcell::analysis
