#include "analysis/text_report.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "analysis/csv.h"
#include "analysis/format.h"

namespace perfcell::analysis {
namespace {

constexpr double kMiB = 1 << 20;

std::string Mib(double bytes_per_second) {
  return FormatNumber(bytes_per_second / kMiB, 3);
}

// Markdown table cells must not contain '|' or line breaks.
std::string MarkdownCell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string BaselineCellText(const GroupStats& s) {
  std::string text = absl::StrFormat(
      "%s (CV %s, n %d)", FormatThroughput(s.median), FormatPercent(s.cv), s.n);
  if (s.n_failed > 0) absl::StrAppend(&text, ", ", s.n_failed, " failed");
  return text;
}

std::vector<SummaryTable> BuildSummaryTables(const Report& report) {
  // workload (the key without memory) -> (memory, baseline series) -> row
  std::map<CellKey,
           std::map<std::pair<uint32_t, std::string>, SummaryTable::Row>>
      rows;
  for (const Comparison& c : report.comparisons) {
    const Group& base = report.groups[c.baseline];
    const Group& cand = report.groups[c.candidate];
    CellKey workload = base.key;
    workload.memory_mib = 0;
    SummaryTable::Row& row = rows[workload][{base.key.memory_mib, base.series}];
    row.memory_mib = base.key.memory_mib;
    row.baseline = c.baseline;
    row.cells[cand.series] = &c;
  }
  std::vector<SummaryTable> tables;
  for (auto& [workload, by_row] : rows) {
    SummaryTable table;
    table.workload = workload.WorkloadLabel();
    std::set<std::string> present;
    for (auto& [unused, row] : by_row) {
      for (const auto& [series, c] : row.cells) present.insert(series);
      table.rows.push_back(std::move(row));
    }
    for (const std::string& series : report.series_order) {
      if (present.count(series)) table.columns.push_back(series);
    }
    tables.push_back(std::move(table));
  }
  return tables;
}

std::string MethodSentence(const AnalysisOptions& options) {
  return absl::StrFormat(
      "faster/slower: %s-corrected p < %g (%s test) and a change of at least "
      "%s with its %g%% CI on one side of 0; no difference: the whole CI "
      "lies within +/-%s; inconclusive: neither, more runs are needed",
      options.correction == Correction::kHolm ? "Holm" : "Benjamini-Hochberg",
      options.alpha,
      options.test == TestKind::kMannWhitney ? "Mann-Whitney U" : "permutation",
      FormatPercent(options.min_effect), options.confidence * 100,
      FormatPercent(options.min_effect));
}

std::string ComparisonCellText(const Comparison& c, bool bold) {
  std::string verdict = VerdictName(c.verdict);
  if (bold &&
      (c.verdict == Verdict::kFaster || c.verdict == Verdict::kSlower)) {
    verdict = "**" + verdict + "**";
  }
  std::string text =
      absl::StrCat(FormatChange(c.ratio), " [", FormatChange(c.ratio_ci.low),
                   ", ", FormatChange(c.ratio_ci.high), "] ", verdict);
  if (c.verdict == Verdict::kInconclusive) {
    absl::StrAppend(&text, " (MDE ", FormatPercent(c.mde));
    if (c.runs_needed > 0) {
      absl::StrAppend(&text, ", needs ~", c.runs_needed, " runs/side");
    }
    text += ")";
  }
  return text;
}

std::string CellsCsv(const Report& report) {
  std::string out = CsvRow({"workload",
                            "bytes_per_request",
                            "memory_mib",
                            "backend",
                            "vcpus",
                            "concurrency",
                            "series",
                            "role",
                            "baseline",
                            "results",
                            "n",
                            "n_warmup",
                            "n_failed",
                            "median_mib_s",
                            "mean_mib_s",
                            "stddev_mib_s",
                            "cv",
                            "min_mib_s",
                            "max_mib_s",
                            "median_ci_low_mib_s",
                            "median_ci_high_mib_s",
                            "warmup_ratio",
                            "drift_rho",
                            "drift_p",
                            "ratio",
                            "ratio_ci_low",
                            "ratio_ci_high",
                            "hodges_lehmann_ratio",
                            "hl_ci_low",
                            "hl_ci_high",
                            "p_value",
                            "p_adjusted",
                            "mde",
                            "verdict",
                            "runs_needed_per_side",
                            "sources"});
  std::map<size_t, const Comparison*> by_candidate;
  std::set<size_t> baselines;
  for (const Comparison& c : report.comparisons) {
    by_candidate[c.candidate] = &c;
    baselines.insert(c.baseline);
  }
  for (size_t i = 0; i < report.groups.size(); ++i) {
    const Group& g = report.groups[i];
    const GroupStats& s = report.stats[i];
    const Comparison* c = by_candidate.count(i) ? by_candidate.at(i) : nullptr;
    const std::string role =
        c != nullptr ? "candidate"
                     : (baselines.count(i) ? "baseline" : "unpaired");
    std::vector<std::string> row = {
        g.key.WorkloadLabel(),
        absl::StrCat(g.key.bytes_per_request),
        absl::StrCat(g.key.memory_mib),
        g.provenance.backend(),
        absl::StrCat(g.key.vcpus),
        absl::StrCat(g.key.concurrency),
        g.series,
        role,
        c != nullptr ? report.groups[c->baseline].series : "",
        absl::StrCat(g.results),
        absl::StrCat(s.n),
        absl::StrCat(s.n_warmup),
        absl::StrCat(s.n_failed),
        Mib(s.median),
        Mib(s.mean),
        Mib(s.stddev),
        FormatNumber(s.cv, 4),
        Mib(s.min),
        Mib(s.max),
        Mib(s.median_ci.low),
        Mib(s.median_ci.high),
        FormatNumber(s.warmup_ratio, 4),
        FormatNumber(s.drift.rho, 3),
        FormatNumber(s.drift.p_value, 5),
    };
    if (c != nullptr) {
      for (std::string field :
           {FormatNumber(c->ratio, 4), FormatNumber(c->ratio_ci.low, 4),
            FormatNumber(c->ratio_ci.high, 4), FormatNumber(c->hl_ratio, 4),
            FormatNumber(c->hl_ci.low, 4), FormatNumber(c->hl_ci.high, 4),
            FormatNumber(c->p_value, 6), FormatNumber(c->p_adjusted, 6),
            FormatNumber(c->mde, 4), VerdictName(c->verdict),
            c->runs_needed > 0 ? absl::StrCat(c->runs_needed)
                               : std::string()}) {
        row.push_back(field);
      }
    } else {
      row.resize(row.size() + 11);
    }
    row.push_back(absl::StrJoin(g.sources, ";"));
    out += CsvRow(row);
  }
  return out;
}

std::string SummaryTables(const Report& report) {
  const std::vector<SummaryTable> tables = BuildSummaryTables(report);
  if (tables.empty()) return "No cell had both a baseline and a candidate.\n\n";
  std::string out;
  for (const SummaryTable& table : tables) {
    absl::StrAppend(&out, "### ", table.workload, "\n\n| memory | baseline |");
    for (const std::string& series : table.columns) {
      absl::StrAppend(&out, " ", MarkdownCell(series), " |");
    }
    out += "\n|---|---|";
    for (size_t i = 0; i < table.columns.size(); ++i) out += "---|";
    out += "\n";
    for (const SummaryTable::Row& row : table.rows) {
      const Group& base = report.groups[row.baseline];
      absl::StrAppend(
          &out, "| ", row.memory_mib, " MiB | ",
          MarkdownCell(absl::StrCat(
              base.series, ": ", BaselineCellText(report.stats[row.baseline]))),
          " |");
      for (const std::string& series : table.columns) {
        auto it = row.cells.find(series);
        absl::StrAppend(&out, " ",
                        it == row.cells.end() ? std::string("missing")
                                              : MarkdownCell(ComparisonCellText(
                                                    *it->second, true)),
                        " |");
      }
      out += "\n";
    }
    out += "\n";
  }
  return out;
}

std::string SummaryMarkdown(const Report& report) {
  std::map<Verdict, int> counts;
  for (const Comparison& c : report.comparisons) ++counts[c.verdict];
  std::set<CellKey> cells;
  for (const Group& g : report.groups) cells.insert(g.key);
  std::string out = "# perfcell report\n\n";
  absl::StrAppend(&out, "Baseline: **", report.baseline_name,
                  "**. Series: ", absl::StrJoin(report.series_order, ", "),
                  ". ", cells.size(), " cells, ", report.comparisons.size(),
                  " comparisons: ", counts[Verdict::kSlower], " slower, ",
                  counts[Verdict::kFaster], " faster, ",
                  counts[Verdict::kNoDifference], " no difference, ",
                  counts[Verdict::kInconclusive], " inconclusive. ",
                  report.warnings.size(), " warnings.\n\n");
  absl::StrAppend(
      &out,
      "Throughput is bytes / seconds of each iteration (higher is better). "
      "Baseline: median of the measured iterations (warm-up and failed "
      "iterations excluded), its CV and count. Each branch: change of the "
      "median against the baseline [",
      report.options.confidence * 100,
      "% bootstrap CI of the ratio of medians] and the verdict. ",
      MethodSentence(report.options),
      ". MDE: the smallest change these runs could detect (alpha ",
      report.options.alpha, ", power ", report.options.power, ").\n\n");
  out += SummaryTables(report);
  absl::StrAppend(&out, "## Warnings (", report.warnings.size(), ")\n\n");
  if (report.warnings.empty()) out += "None.\n";
  for (const Warning& w : report.warnings) {
    absl::StrAppend(&out, "- **", w.kind, "**: ", w.message, "\n");
  }
  return out;
}

}  // namespace perfcell::analysis
