#include "analysis/text_report.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "analysis/csv.h"
#include "analysis/format.h"
#include "proto/backend_name.h"

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
  // Comparisons are sorted by cell, then series; group them by workload.
  std::map<CellKey, SummaryTable> tables;
  for (const Comparison& c : report.comparisons) {
    CellKey workload = report.groups[c.baseline].key;
    workload.memory_mib = 0;
    SummaryTable& table = tables[workload];
    table.workload = workload.WorkloadLabel();
    table.rows.push_back(&c);
  }
  std::vector<SummaryTable> out;
  for (auto& [unused, table] : tables) out.push_back(std::move(table));
  return out;
}

std::vector<std::string> AaCheckLines(const Report& report) {
  int total = 0, flagged = 0;
  std::set<std::string> pairs;
  for (const Comparison& c : report.comparisons) {
    if (!IsAaComparison(report, c)) continue;
    ++total;
    flagged += c.verdict == Verdict::kFaster || c.verdict == Verdict::kSlower;
    pairs.insert(absl::StrCat(report.groups[c.candidate].series, " vs ",
                              report.groups[c.baseline].series));
  }
  if (total == 0) {
    return {absl::StrCat(
        "A/A check: none (no ", AaName(report.baseline_name),
        " series in these results), so nothing shows whether this machine "
        "tells identical binaries apart; run interleaved cells with the A/A "
        "copy.")};
  }
  std::vector<std::string> lines = {
      absl::StrCat("A/A check: ", flagged, " of ", total, " A/A comparison",
                   total == 1 ? "" : "s", " (", absl::StrJoin(pairs, ", "),
                   ") came out faster or slower (expected: none).")};
  if (flagged > 0) {
    lines.push_back(
        "WARNING: identical binaries were called different: this machine or "
        "these settings cannot be trusted, and neither can any verdict "
        "below.");
  }
  return lines;
}

std::vector<CompareTable> BuildCompareTables(const Report& report) {
  std::vector<CompareTable> tables;
  if (!report.runs.has_value()) return tables;
  const std::vector<BranchPair>& pairs = report.runs->pairs;
  std::map<std::string, size_t> pair_of_a, pair_of_b;
  for (size_t i = 0; i < pairs.size(); ++i) {
    pair_of_a[pairs[i].series_a] = i;
    pair_of_b[pairs[i].series_b] = i;
  }
  auto workload_of = [](CellKey key) {
    key.memory_mib = 0;
    return key;
  };
  // workload -> memory -> pair -> cell
  std::map<CellKey, std::map<uint32_t, std::map<size_t, CompareTable::Cell>>>
      cells;
  // What either run holds of the compared branches, per workload.
  std::map<CellKey, std::set<uint32_t>> present_memory;
  std::map<CellKey, std::set<size_t>> present_pairs;
  for (size_t i = 0; i < report.groups.size(); ++i) {
    const Group& g = report.groups[i];
    const CellKey workload = workload_of(g.key);
    auto& by_pair = cells[workload][g.key.memory_mib];
    if (auto it = pair_of_a.find(g.series); it != pair_of_a.end()) {
      by_pair[it->second].a = &report.stats[i];
      present_memory[workload].insert(g.key.memory_mib);
      present_pairs[workload].insert(it->second);
    }
    if (auto it = pair_of_b.find(g.series); it != pair_of_b.end()) {
      by_pair[it->second].in_b = true;
      present_memory[workload].insert(g.key.memory_mib);
      present_pairs[workload].insert(it->second);
    }
  }
  std::set<CellKey> compared;  // workloads with at least one comparison
  for (const Comparison& c : report.comparisons) {
    const Group& b = report.groups[c.candidate];
    auto it = pair_of_b.find(b.series);
    if (it == pair_of_b.end()) continue;
    const CellKey workload = workload_of(b.key);
    cells[workload][b.key.memory_mib][it->second].comparison = &c;
    compared.insert(workload);
  }
  for (const CellKey& workload : compared) {
    CompareTable table;
    table.workload = workload.WorkloadLabel();
    const std::set<uint32_t>& memories = present_memory[workload];
    const std::set<size_t>& present = present_pairs[workload];
    for (size_t p : present) table.pairs.push_back(&pairs[p]);
    for (uint32_t memory : memories) {
      CompareTable::Row row{memory, {}};
      for (size_t p : present) row.cells.push_back(cells[workload][memory][p]);
      table.rows.push_back(std::move(row));
    }
    tables.push_back(std::move(table));
  }
  return tables;
}

std::string CompareHeaderA(const BranchPair& pair) { return pair.series_a; }

std::string CompareHeaderB(const BranchPair& pair) {
  return absl::StrCat(pair.series_b, " vs A");
}

std::string CompareCellAText(const CompareTable::Cell& cell) {
  return cell.a != nullptr ? BaselineCellText(*cell.a) : "not in run A";
}

std::string CompareCellBText(const CompareTable::Cell& cell, bool bold) {
  if (cell.comparison != nullptr) {
    return ComparisonCellText(*cell.comparison, bold);
  }
  return cell.in_b ? "not compared" : "not in run B";
}

std::string CompareIntro(const RunComparison& runs) {
  if (runs.pairs.empty()) return "no branch is in both runs";
  std::vector<std::string> labels;
  for (const BranchPair& pair : runs.pairs) labels.push_back(pair.label);
  return absl::StrCat(runs.pairs.size() == 1 ? "branch " : "branches ",
                      absl::StrJoin(labels, ", "));
}

std::string OneRunBranchesNote(const RunComparison& runs) {
  std::vector<std::string> parts;
  if (!runs.only_in_a.empty()) {
    parts.push_back(
        absl::StrCat("only in run A: ", absl::StrJoin(runs.only_in_a, ", ")));
  }
  if (!runs.only_in_b.empty()) {
    parts.push_back(
        absl::StrCat("only in run B: ", absl::StrJoin(runs.only_in_b, ", ")));
  }
  if (parts.empty()) return "";
  return absl::StrCat("Branches not compared (in one run only): ",
                      absl::StrJoin(parts, "; "), ".");
}

std::string MethodSentence(const AnalysisOptions& options) {
  return absl::StrFormat(
      "faster/slower: %s-corrected p < %g and a change of at least %s with "
      "its %g%% interval on one side of 0; no difference: the whole interval "
      "lies within +/-%s; inconclusive: neither. Interleaved cells: the unit "
      "is the block (log-ratio of the two runs' values: their geometric means, "
      "or medians where the cell's design says so), Hodges-Lehmann "
      "estimate, exact Wilcoxon signed-rank test and interval. Sequential "
      "cells: the unit is the session (one result file), %s test on the "
      "session medians, Hodges-Lehmann interval; fewer than 3 sessions a "
      "side are inconclusive",
      options.correction == Correction::kHolm ? "Holm" : "Benjamini-Hochberg",
      options.alpha, FormatPercent(options.min_effect),
      options.confidence * 100, FormatPercent(options.min_effect),
      options.test == TestKind::kMannWhitney ? "Mann-Whitney U"
                                             : "permutation");
}

std::string UnitsText(const Comparison& c) {
  std::string text = absl::StrCat(
      c.unit == Unit::kBlocks || c.n_base == c.n_cand
          ? absl::StrCat(c.n_units, " ", UnitName(c.unit))
          : absl::StrCat(c.n_base, "+", c.n_cand, " ", UnitName(c.unit)),
      c.unit == Unit::kSessions && c.n_base == c.n_cand ? " a side" : "");
  if (c.adaptive.has_value()) {
    absl::StrAppend(&text, "; ", c.note);
    if (c.units_needed > 0) {
      absl::StrAppend(&text, "; needs ~", c.units_needed, " blocks");
    }
    return text;
  }
  if (c.verdict != Verdict::kInconclusive) return text;
  if (!c.note.empty()) return absl::StrCat(text, "; ", c.note);
  if (!std::isnan(c.mde))
    absl::StrAppend(&text, "; MDE ", FormatPercent(c.mde));
  if (c.units_needed > 0) {
    absl::StrAppend(&text, ", needs ~", c.units_needed, " ", UnitName(c.unit),
                    c.unit == Unit::kSessions ? " a side" : "");
  }
  return text;
}

std::string ComparisonCellText(const Comparison& c, bool bold) {
  std::string verdict = VerdictName(c.verdict);
  if (bold &&
      (c.verdict == Verdict::kFaster || c.verdict == Verdict::kSlower)) {
    verdict = "**" + verdict + "**";
  }
  std::string text =
      std::isnan(c.ratio_ci.low)
          ? absl::StrCat("n/a ", verdict)
          : absl::StrCat(FormatChange(c.ratio), " [",
                         FormatChange(c.ratio_ci.low), ", ",
                         FormatChange(c.ratio_ci.high), "] ", verdict);
  if (c.verdict == Verdict::kInconclusive) {
    absl::StrAppend(&text, " (", UnitsText(c), ")");
  }
  return text;
}

std::vector<std::string> SummaryRowCells(const Report& report,
                                         const Comparison& c, bool bold) {
  std::string verdict = VerdictName(c.verdict);
  if (bold &&
      (c.verdict == Verdict::kFaster || c.verdict == Verdict::kSlower)) {
    verdict = "**" + verdict + "**";
  }
  const bool has_ci = !std::isnan(c.ratio_ci.low);
  return {
      FormatThroughput(c.baseline_median),
      FormatThroughput(c.candidate_median),
      std::isnan(c.ratio) ? std::string("n/a") : FormatChange(c.ratio),
      has_ci
          ? absl::StrCat("[", FormatChange(c.ratio_ci.low), ", ",
                         FormatChange(c.ratio_ci.high), "]",
                         c.ci_level_reached
                             ? ""
                             : absl::StrFormat(" (%.1f%%)", c.ci_level * 100))
          : std::string("n/a"),
      c.adaptive.has_value()     ? std::string(kAdaptiveP)
      : std::isnan(c.p_adjusted) ? std::string("n/a")
                                 : FormatPValue(c.p_adjusted),
      verdict,
      UnitsText(c),
  };
}

namespace {

// Statistics of one series in one cell, as CSV fields (see StatsHeader).
std::vector<std::string> StatsFields(const Group& g, const GroupStats& s) {
  return {absl::StrCat(g.results),
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
          FormatNumber(s.drift.p_value, 5)};
}

std::vector<std::string> StatsHeader(const std::string& prefix) {
  std::vector<std::string> header;
  for (const char* name :
       {"results", "n", "n_warmup", "n_failed", "median_mib_s", "mean_mib_s",
        "stddev_mib_s", "cv", "min_mib_s", "max_mib_s", "median_ci_low_mib_s",
        "median_ci_high_mib_s", "warmup_ratio", "drift_rho", "drift_p"}) {
    header.push_back(prefix + name);
  }
  return header;
}

std::vector<std::string> ComparisonFields(const Comparison& c) {
  return {UnitName(c.unit),
          absl::StrCat(c.n_base),
          absl::StrCat(c.n_cand),
          FormatNumber(c.ratio, 4),
          FormatNumber(c.ratio_ci.low, 4),
          FormatNumber(c.ratio_ci.high, 4),
          FormatNumber(c.ci_level, 4),
          FormatNumber(c.p_value, 6),
          FormatNumber(c.p_adjusted, 6),
          FormatNumber(c.min_p, 6),
          FormatNumber(c.mde, 4),
          VerdictName(c.verdict),
          c.units_needed > 0 ? absl::StrCat(c.units_needed) : std::string(),
          c.note};
}

const std::vector<std::string>& ComparisonHeader() {
  static const auto* header = new std::vector<std::string>{"unit",
                                                           "units_baseline",
                                                           "units_candidate",
                                                           "ratio",
                                                           "ratio_ci_low",
                                                           "ratio_ci_high",
                                                           "ci_level",
                                                           "p_value",
                                                           "p_adjusted",
                                                           "min_p",
                                                           "mde",
                                                           "verdict",
                                                           "units_needed",
                                                           "note"};
  return *header;
}

std::vector<std::string> KeyFields(const Group& g) {
  return {
      g.key.WorkloadLabel(),          absl::StrCat(g.key.bytes_per_request),
      absl::StrCat(g.key.memory_mib), BackendName(g.provenance.backend_kind()),
      absl::StrCat(g.key.vcpus),      absl::StrCat(g.key.concurrency)};
}

void Append(std::vector<std::string>* to, const std::vector<std::string>& v) {
  to->insert(to->end(), v.begin(), v.end());
}

// `compare`: one row per compared cell and branch, run A beside run B.
std::vector<std::string> Prefixed(const std::string& prefix,
                                  std::vector<std::string> names) {
  for (std::string& name : names) name = prefix + name;
  return names;
}

std::string CompareCsv(const Report& report, const LatencyReport* latency) {
  std::vector<std::string> header = {"workload",   "bytes_per_request",
                                     "memory_mib", "backend",
                                     "vcpus",      "concurrency",
                                     "branch",     "run_a",
                                     "series_a",   "run_b",
                                     "series_b"};
  Append(&header, StatsHeader("a_"));
  Append(&header, StatsHeader("b_"));
  Append(&header, ComparisonHeader());
  header.push_back("sources_a");
  header.push_back("sources_b");
  Append(&header, Prefixed("a_", LatencyCsvHeader()));
  Append(&header, Prefixed("b_", LatencyCsvHeader()));
  std::string out = CsvRow(header);
  std::map<std::string, const BranchPair*> pair_of_b;
  for (const BranchPair& pair : report.runs->pairs) {
    pair_of_b[pair.series_b] = &pair;
  }
  for (const Comparison& c : report.comparisons) {
    const Group& a = report.groups[c.baseline];
    const Group& b = report.groups[c.candidate];
    auto it = pair_of_b.find(b.series);
    std::vector<std::string> row = KeyFields(b);
    Append(&row, {it != pair_of_b.end() ? it->second->label : b.branch,
                  report.runs->run_a, a.series, report.runs->run_b, b.series});
    Append(&row, StatsFields(a, report.stats[c.baseline]));
    Append(&row, StatsFields(b, report.stats[c.candidate]));
    Append(&row, ComparisonFields(c));
    row.push_back(absl::StrJoin(a.sources, ";"));
    row.push_back(absl::StrJoin(b.sources, ";"));
    Append(&row, LatencyCsvFields(latency, a.key, a.series));
    Append(&row, LatencyCsvFields(latency, b.key, b.series));
    out += CsvRow(row);
  }
  return out;
}

}  // namespace

std::string CellsCsv(const Report& report, const LatencyReport* latency) {
  if (report.runs.has_value()) return CompareCsv(report, latency);
  std::vector<std::string> header = {
      "workload", "bytes_per_request", "memory_mib", "backend",
      "vcpus",    "concurrency",       "series",     "role",
      "baseline"};
  Append(&header, StatsHeader(""));
  Append(&header, ComparisonHeader());
  header.push_back("sources");
  Append(&header, LatencyCsvHeader());
  std::string out = CsvRow(header);
  std::map<size_t, const Comparison*> by_candidate;
  std::set<size_t> baselines;
  for (const Comparison& c : report.comparisons) {
    by_candidate[c.candidate] = &c;
    baselines.insert(c.baseline);
  }
  for (size_t i = 0; i < report.groups.size(); ++i) {
    const Group& g = report.groups[i];
    const Comparison* c = by_candidate.count(i) ? by_candidate.at(i) : nullptr;
    const std::string role =
        c != nullptr ? "candidate"
                     : (baselines.count(i) ? "baseline" : "unpaired");
    std::vector<std::string> row = KeyFields(g);
    Append(&row, {g.series, role,
                  c != nullptr ? report.groups[c->baseline].series : ""});
    Append(&row, StatsFields(g, report.stats[i]));
    if (c != nullptr) {
      Append(&row, ComparisonFields(*c));
    } else {
      row.resize(row.size() + ComparisonHeader().size());
    }
    row.push_back(absl::StrJoin(g.sources, ";"));
    Append(&row, LatencyCsvFields(latency, g.key, g.series));
    out += CsvRow(row);
  }
  return out;
}

namespace {

std::string CompareTablesMarkdown(const Report& report) {
  std::string out;
  const std::string note = OneRunBranchesNote(*report.runs);
  if (!note.empty()) absl::StrAppend(&out, note, "\n\n");
  const std::vector<CompareTable> tables = BuildCompareTables(report);
  if (tables.empty()) return out + "No branch has a cell in both runs.\n\n";
  for (const CompareTable& table : tables) {
    absl::StrAppend(&out, "### ", table.workload, "\n\n| memory |");
    for (const BranchPair* pair : table.pairs) {
      absl::StrAppend(&out, " ", MarkdownCell(CompareHeaderA(*pair)), " | ",
                      MarkdownCell(CompareHeaderB(*pair)), " |");
    }
    out += "\n|---|";
    for (size_t i = 0; i < table.pairs.size(); ++i) out += "---|---|";
    out += "\n";
    for (const CompareTable::Row& row : table.rows) {
      absl::StrAppend(&out, "| ", row.memory_mib, " MiB |");
      for (const CompareTable::Cell& cell : row.cells) {
        absl::StrAppend(&out, " ", MarkdownCell(CompareCellAText(cell)), " | ",
                        MarkdownCell(CompareCellBText(cell, true)), " |");
      }
      out += "\n";
    }
    out += "\n";
  }
  return out;
}

}  // namespace

std::string SummaryTables(const Report& report) {
  if (report.runs.has_value()) return CompareTablesMarkdown(report);
  const std::vector<SummaryTable> tables = BuildSummaryTables(report);
  if (tables.empty()) return "No cell had both a baseline and a candidate.\n\n";
  std::string out;
  const std::string p_header =
      report.options.correction == Correction::kHolm ? "p (Holm)" : "p (BH)";
  for (const SummaryTable& table : tables) {
    absl::StrAppend(
        &out, "### ", table.workload, "\n\n| memory | branch | ",
        MarkdownCell(report.baseline_name),
        " (old) | new | change | interval | ", p_header,
        " | verdict | units |\n|---|---|---|---|---|---|---|---|---|\n");
    for (const Comparison* c : table.rows) {
      const Group& cand = report.groups[c->candidate];
      absl::StrAppend(&out, "| ", cand.key.memory_mib, " MiB | ",
                      MarkdownCell(cand.series), " |");
      for (const std::string& cell : SummaryRowCells(report, *c, true)) {
        absl::StrAppend(&out, " ", MarkdownCell(cell), " |");
      }
      out += "\n";
    }
    out += "\n";
  }
  return out;
}

std::string AdaptiveSentence(const Report& report) {
  std::map<CellKey, const AdaptiveReplay*> cells;
  for (const Comparison& c : report.comparisons) {
    if (c.adaptive.has_value()) {
      cells.emplace(report.groups[c.candidate].key, &*c.adaptive);
    }
  }
  if (cells.empty()) return "";
  std::vector<std::string> parts;
  for (const auto& [key, replay] : cells) {
    parts.push_back(absl::StrFormat(
        "%s (alpha %g split over %d comparisons in the cell, %d..%d blocks)",
        key.Label(), replay->design_alpha, replay->comparisons_in_cell,
        replay->min_blocks, replay->max_blocks));
  }
  return absl::StrCat(
      "Adaptive cells (", cells.size(), "): ", absl::StrJoin(parts, "; "),
      ". Their verdicts are the first decision of the cell's own "
      "group-sequential design (repeated confidence intervals, mean-t or "
      "signed-rank as the units column names, looks after every block), "
      "replayed from the blocks: the interval is "
      "that look's repeated interval, the error control is the design's "
      "(alpha per cell, split over its comparisons), so they are left out of "
      "the ",
      report.options.correction == Correction::kHolm ? "Holm" : "BH",
      " correction and their p column reads ", kAdaptiveP,
      "; the units column says at which block each was decided.");
}

std::string SummaryMarkdown(const Report& report, const LatencyReport* latency,
                            const TargetsReport* targets,
                            const GuestMetricsReport* guest) {
  std::map<Verdict, int> counts;
  for (const Comparison& c : report.comparisons) ++counts[c.verdict];
  std::set<CellKey> cells;
  for (const Group& g : report.groups) cells.insert(g.key);
  const std::string tally = absl::StrCat(
      cells.size(), " cells, ", report.comparisons.size(),
      " comparisons: ", counts[Verdict::kSlower], " slower, ",
      counts[Verdict::kFaster], " faster, ", counts[Verdict::kNoDifference],
      " no difference, ", counts[Verdict::kInconclusive], " inconclusive. ",
      report.warnings.size(), " warnings.\n\n");
  std::string out;
  for (const std::string& line : AaCheckLines(report)) {
    absl::StrAppend(&out, line, "\n\n");
  }
  if (report.runs.has_value()) {
    out += "# perfcell compare\n\n";
    absl::StrAppend(&out, "Run B (", report.runs->run_b, ") against run A (",
                    report.runs->run_a, "), each branch against itself: ",
                    CompareIntro(*report.runs), ". ", tally);
    absl::StrAppend(
        &out,
        "Throughput is bytes / seconds of each iteration (higher is better). "
        "Two columns per branch: (A), the median of its measured iterations "
        "in run A (warm-up and failed iterations excluded), its CV and "
        "count; (B) vs A, the change in run B against run A [",
        report.options.confidence * 100,
        "% interval] and the verdict; each result file is one session of a "
        "branch (interleaved results too: the branch's median in that file). ",
        MethodSentence(report.options),
        ". MDE: the smallest change these runs could detect (alpha ",
        report.options.alpha, ", power ", report.options.power, ").\n\n");
  } else {
    out += "# perfcell report\n\n";
    absl::StrAppend(&out, "Baseline: **", report.baseline_name,
                    "**. Series: ", absl::StrJoin(report.series_order, ", "),
                    ". ", tally);
    absl::StrAppend(
        &out,
        "Throughput is bytes / seconds of each iteration (higher is better). "
        "Old and new: medians of the measured iterations (warm-up and failed "
        "iterations excluded). Change: Hodges-Lehmann estimate of the ratio "
        "new / old with its ",
        report.options.confidence * 100,
        "% distribution-free interval (the achieved level in parentheses "
        "when too few units reach it), the corrected p-value and the "
        "verdict. ",
        MethodSentence(report.options),
        ". MDE: the smallest change these runs could detect (alpha ",
        report.options.alpha, ", power ", report.options.power, ").\n\n");
  }
  if (const std::string adaptive = AdaptiveSentence(report);
      !adaptive.empty()) {
    absl::StrAppend(&out, adaptive, "\n\n");
  }
  out += SummaryTables(report);
  if (targets != nullptr) out += TargetsMarkdown(*targets);
  if (latency != nullptr) out += LatencyMarkdown(*latency, report.options);
  if (guest != nullptr) out += GuestMetricsMarkdown(*guest);
  absl::StrAppend(&out, "## Warnings (", report.warnings.size(), ")\n\n");
  if (report.warnings.empty()) out += "None.\n";
  for (const Warning& w : report.warnings) {
    absl::StrAppend(&out, "- **", w.kind, "**: ", w.message, "\n");
  }
  return out;
}

}  // namespace perfcell::analysis
