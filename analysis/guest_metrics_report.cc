#include "analysis/guest_metrics_report.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analysis/svg.h"

namespace perfcell::analysis {
namespace {

// "0 B", "512 B", "4.0 KiB", "140.2 MiB", "1.50 GiB".
std::string Bytes(uint64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (bytes < 1024) return absl::StrCat(bytes, " B");
  if (bytes < (1 << 20)) return absl::StrFormat("%.1f KiB", b / 1024);
  if (bytes < (1ull << 30)) return absl::StrFormat("%.1f MiB", b / (1 << 20));
  return absl::StrFormat("%.2f GiB", b / (1ull << 30));
}

std::string TmpWhere(const GuestMetrics& m) {
  if (m.tmp_filesystem().empty()) return "";
  return m.tmp_on_data_disk()
             ? absl::StrCat(m.tmp_filesystem(), " on the data disk")
             : m.tmp_filesystem();
}

struct Point {
  uint32_t index;
  uint64_t bytes;
  uint64_t files;
};

const char kIntro[] =
    "Per cell and branch over the measured iterations, from the metrics "
    "taken after each (proto/cell.proto GuestMetrics: the same definitions "
    "on the guest and the host backend): peak server RSS (VmHWM, the most "
    "the server was ever resident), /tmp leftovers (allocated bytes and "
    "files the server left in its TMPDIR after an iteration, at most), data "
    "disk use (allocated bytes of the files on the data disk, at most, of "
    "its size).";

}  // namespace

GuestMetricsReport AnalyzeGuestMetrics(
    const std::vector<LoadedResult>& loaded,
    const std::vector<std::string>& series_order, int warmup_override) {
  GuestMetricsReport out;
  std::map<std::string, size_t> rank;
  for (size_t i = 0; i < series_order.size(); ++i) rank[series_order[i]] = i;
  // (cell, branch rank, branch) -> row
  std::map<std::tuple<CellKey, size_t, std::string>, GuestMetricsRow> rows;
  // (cell, branch) -> the run whose leftovers grew most: (growth, text)
  std::map<std::pair<CellKey, std::string>, std::pair<uint64_t, std::string>>
      growth;
  std::map<std::pair<CellKey, std::string>, int> grown_runs;
  for (const LoadedResult& r : loaded) {
    const CellSpec& spec = r.result.spec();
    const CellKey key = KeyOf(spec);
    const std::string first =
        spec.binaries_size() > 0 ? spec.binaries(0).branch() : "";
    std::map<std::pair<std::string, uint32_t>, std::vector<Point>> runs;
    for (const Iteration& it : r.result.iterations()) {
      if (!it.has_metrics()) continue;
      const GuestMetrics& m = it.metrics();
      const std::string branch = it.branch().empty() ? first : it.branch();
      runs[{branch, it.run()}].push_back(
          {it.index(), m.tmp_leftover_bytes(), m.tmp_leftover_files()});
      const bool warmup = warmup_override >= 0
                              ? static_cast<int>(it.index()) < warmup_override
                              : it.warmup();
      if (warmup) continue;
      const size_t order =
          rank.count(branch) ? rank[branch] : series_order.size();
      GuestMetricsRow& row = rows[{key, order, branch}];
      row.key = key;
      row.branch = branch;
      ++row.iterations;
      row.rss_peak = std::max(
          {row.rss_peak, m.server_rss_peak_bytes(), m.server_rss_bytes()});
      row.tmp_leftover_max =
          std::max(row.tmp_leftover_max, m.tmp_leftover_bytes());
      row.tmp_files_max = std::max(row.tmp_files_max, m.tmp_leftover_files());
      row.disk_used_max = std::max(row.disk_used_max, m.data_disk_used_bytes());
      row.disk_total = std::max(row.disk_total, m.data_disk_total_bytes());
      if (row.tmp_where.empty()) row.tmp_where = TmpWhere(m);
    }
    for (auto& [id, points] : runs) {
      std::sort(
          points.begin(), points.end(),
          [](const Point& a, const Point& b) { return a.index < b.index; });
      const Point& a = points.front();
      const Point& b = points.back();
      if (points.size() < 2 || b.bytes <= a.bytes) continue;
      const auto cell = std::make_pair(key, id.first);
      ++grown_runs[cell];
      if (b.bytes - a.bytes <= growth[cell].first) continue;
      growth[cell] = {
          b.bytes - a.bytes,
          absl::StrCat("/tmp leftovers grow in ", key.Label(), ", branch ",
                       id.first, " (run ", id.second, "): ", Bytes(a.bytes),
                       " in ", a.files, " files after iteration ", a.index + 1,
                       ", ", Bytes(b.bytes), " in ", b.files,
                       " files after iteration ", b.index + 1,
                       ": the server leaves files in its TMPDIR, which fill "
                       "the data disk over a long run")};
    }
  }
  for (auto& [unused, row] : rows) out.rows.push_back(std::move(row));
  for (const auto& [cell, worst] : growth) {
    const int others = grown_runs[cell] - 1;
    out.warnings.push_back(
        {"leftovers", others > 0 ? absl::StrCat(worst.second, " (and in ",
                                                others, " more of its runs)")
                                 : worst.second});
  }
  return out;
}

std::string GuestMetricsMarkdown(const GuestMetricsReport& report) {
  if (report.rows.empty()) return "";
  std::string out = absl::StrCat(
      "## Server resources\n\n", kIntro,
      "\n\n| cell | branch | iterations | peak RSS | /tmp leftovers | data "
      "disk used | /tmp on |\n|---|---|---|---|---|---|---|\n");
  for (const GuestMetricsRow& r : report.rows) {
    absl::StrAppend(&out, "| ", r.key.Label(), " | ", r.branch, " | ",
                    r.iterations, " | ", Bytes(r.rss_peak), " | ",
                    Bytes(r.tmp_leftover_max), " (", r.tmp_files_max,
                    " files) | ", Bytes(r.disk_used_max), " of ",
                    Bytes(r.disk_total), " | ",
                    r.tmp_where.empty() ? "-" : r.tmp_where, " |\n");
  }
  return out + "\n";
}

std::string GuestMetricsHtml(const GuestMetricsReport& report) {
  if (report.rows.empty()) return "";
  std::string out = absl::StrCat(
      "<h2 id=\"resources\">Server resources</h2><p class=\"lead\">",
      HtmlEscape(kIntro),
      "</p><table><tr><th>cell</th><th>branch</th><th>iterations</th>"
      "<th>peak RSS</th><th>/tmp leftovers</th><th>data disk used</th>"
      "<th>/tmp on</th></tr>");
  for (const GuestMetricsRow& r : report.rows) {
    absl::StrAppend(
        &out, "<tr><td>", HtmlEscape(r.key.Label()), "</td><td>",
        HtmlEscape(r.branch), "</td><td>", r.iterations, "</td><td>",
        Bytes(r.rss_peak), "</td><td",
        r.tmp_leftover_max > 0 ? " class=\"unsure\"" : "", ">",
        Bytes(r.tmp_leftover_max), " (", r.tmp_files_max, " files)</td><td>",
        Bytes(r.disk_used_max), " of ", Bytes(r.disk_total), "</td><td>",
        HtmlEscape(r.tmp_where.empty() ? "-" : r.tmp_where), "</td></tr>");
  }
  return out + "</table>";
}

}  // namespace perfcell::analysis
