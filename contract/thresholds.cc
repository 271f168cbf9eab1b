#include "contract/thresholds.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "contract/latency_percentiles.h"
#include "contract/stats/descriptive.h"
#include "re2/re2.h"

namespace perfcell {
namespace {

re2::StringPiece Piece(absl::string_view s) {
  return re2::StringPiece(s.data(), s.size());
}

constexpr char kMetrics[] =
    "download.<stat> or upload.<stat> (stat: throughput, p50, p90, p95, p99, "
    "p99.9, max), errors.rate, server.rss_max, tmp.leftover_max or "
    "disk.used_max";

struct Unit {
  const char* name;
  double factor;  // to base units
};

const std::vector<Unit>& UnitsOf(MetricKind kind) {
  static const auto* const latency =
      new std::vector<Unit>{{"us", 1e-6}, {"ms", 1e-3}, {"s", 1}};
  static const auto* const throughput = new std::vector<Unit>{
      {"B/s", 1}, {"KiB/s", 1024}, {"MiB/s", 1 << 20}, {"GiB/s", 1 << 30}};
  static const auto* const bytes = new std::vector<Unit>{
      {"B", 1}, {"KiB", 1024}, {"MiB", 1 << 20}, {"GiB", 1 << 30}};
  static const auto* const fraction = new std::vector<Unit>{{"%", 0.01}};
  switch (kind) {
    case MetricKind::kLatency:
      return *latency;
    case MetricKind::kThroughput:
      return *throughput;
    case MetricKind::kBytes:
      return *bytes;
    case MetricKind::kFraction:
      break;
  }
  return *fraction;
}

std::string KindName(MetricKind kind) {
  switch (kind) {
    case MetricKind::kLatency:
      return "a latency";
    case MetricKind::kThroughput:
      return "a throughput";
    case MetricKind::kBytes:
      return "a size";
    case MetricKind::kFraction:
      break;
  }
  return "a rate";
}

std::string UnitList(MetricKind kind) {
  std::vector<std::string> names;
  for (const Unit& u : UnitsOf(kind)) names.push_back(u.name);
  if (names.size() == 1) return names[0];
  return absl::StrCat(absl::StrJoin(names.begin(), names.end() - 1, ", "),
                      " or ", names.back());
}

// Three significant digits, no exponent: 312, 48.3, 1.52.
std::string Short(double x) {
  if (std::fabs(x) >= 100) return absl::StrFormat("%.0f", x);
  if (std::fabs(x) >= 10) return absl::StrFormat("%.1f", x);
  return absl::StrFormat("%.2f", x);
}

// Binary-prefixed bytes: "140MiB", "512B".
std::string ScaledBytes(double bytes, absl::string_view suffix) {
  static constexpr const char* kPrefixes[] = {"KiB", "MiB", "GiB", "TiB"};
  if (std::fabs(bytes) < 1024) {  // whole bytes: "0B", "512B"
    return absl::StrCat(absl::StrFormat("%.0f", bytes), "B", suffix);
  }
  int i = 0;
  bytes /= 1024;
  while (std::fabs(bytes) >= 1024 && i < 3) {
    bytes /= 1024;
    ++i;
  }
  return absl::StrCat(Short(bytes), kPrefixes[i], suffix);
}

bool Holds(Threshold::Op op, double value, double limit) {
  switch (op) {
    case Threshold::LESS:
      return value < limit;
    case Threshold::LESS_OR_EQUAL:
      return value <= limit;
    case Threshold::GREATER:
      return value > limit;
    case Threshold::GREATER_OR_EQUAL:
      return value >= limit;
    default:
      return true;
  }
}

// "download.p95" -> ("download", "p95"); errors.rate -> ("errors", "rate").
std::pair<std::string, std::string> SplitMetric(const std::string& metric) {
  const size_t dot = metric.find('.');
  return {metric.substr(0, dot), metric.substr(dot + 1)};
}

double QuantileOfStat(const std::string& stat) {
  if (stat == "max") return 1;
  return std::stod(stat.substr(1)) / 100;  // "p99.9" -> 0.999
}

// The operations `spec`'s workload performs.
std::set<std::string> OperationsOf(const CellSpec& spec) {
  switch (spec.workload().kind()) {
    case Workload::UPLOAD:
      return {"upload"};
    case Workload::DOWNLOAD:
    case Workload::DOWNLOAD_COLD:
      return {"download"};
    case Workload::LOAD: {
      std::set<std::string> ops;
      for (const OperationWeight& w : spec.workload().mix()) {
        ops.insert(w.operation());
      }
      if (ops.empty()) ops.insert("download");
      return ops;
    }
    default:
      return {};
  }
}

// One branch's iterations and LOAD histograms that count.
struct BranchData {
  std::vector<const Iteration*> measured;  // not warm-up, ok or not
  // LOAD: (run, stage) -> the measured, ok stage's iteration.
  std::map<std::pair<uint32_t, uint32_t>, const Iteration*> stages;
  // LOAD: histograms of measured, ok stages, with their (run, stage).
  std::vector<std::pair<std::pair<uint32_t, uint32_t>, const LatencyHistogram*>>
      histograms;
};

std::map<std::string, BranchData> Gather(const CellResult& r,
                                         int warmup_override) {
  const std::string first =
      r.spec().binaries_size() > 0 ? r.spec().binaries(0).branch() : "";
  std::map<std::string, BranchData> data;
  for (const Iteration& it : r.iterations()) {
    const bool warmup = warmup_override >= 0
                            ? static_cast<int>(it.index()) < warmup_override
                            : it.warmup();
    if (warmup) continue;
    BranchData& d = data[it.branch().empty() ? first : it.branch()];
    d.measured.push_back(&it);
    if (it.ok()) d.stages[{it.run(), it.index()}] = &it;
  }
  static const LazyRE2 kFull = {R"((.*) run (\d+): stage (\d+): .+)"};
  static const LazyRE2 kBare = {R"(stage (\d+): .+)"};
  for (const LatencyHistogram& h : r.histograms()) {
    std::string branch = first;
    uint32_t run = 0, stage = 0;
    if (!RE2::FullMatch(h.name(), *kFull, &branch, &run, &stage) &&
        !RE2::FullMatch(h.name(), *kBare, &stage)) {
      continue;
    }
    auto d = data.find(branch);
    if (d == data.end() || !d->second.stages.count({run, stage})) continue;
    d->second.histograms.push_back({{run, stage}, &h});
  }
  return data;
}

// The operation a LOAD histogram counts.
std::string OperationOf(const LatencyHistogram& h,
                        const std::set<std::string>& ops) {
  if (!h.operation().empty()) return h.operation();
  return ops.size() == 1 ? *ops.begin() : "download";
}

double LatencyValue(const CellSpec& spec, const BranchData& d,
                    const std::string& op, double q) {
  if (spec.workload().kind() != Workload::LOAD) {
    std::vector<double> seconds;
    for (const Iteration* it : d.measured) {
      if (it->ok()) seconds.push_back(it->seconds());
    }
    if (seconds.empty()) return NAN;
    std::sort(seconds.begin(), seconds.end());
    // Nearest rank: the ceil(q n)-th smallest, at least the first.
    const size_t rank = static_cast<size_t>(
        std::max(1.0, std::ceil(q * static_cast<double>(seconds.size()))));
    return seconds[std::min(rank, seconds.size()) - 1];
  }
  const std::set<std::string> ops = OperationsOf(spec);
  LatencyDistribution merged;
  for (const auto& [unused, h] : d.histograms) {
    if (OperationOf(*h, ops) != op) continue;
    absl::StatusOr<LatencyDistribution> one =
        LatencyDistribution::FromProto(*h);
    if (!one.ok() || !merged.Merge(*one).ok()) return NAN;
  }
  return merged.Percentile(q);
}

double ThroughputValue(const CellSpec& spec, const BranchData& d,
                       const std::string& op) {
  std::vector<double> rates;
  if (spec.workload().kind() != Workload::LOAD) {
    for (const Iteration* it : d.measured) {
      if (it->ok() && it->seconds() > 0) {
        rates.push_back(static_cast<double>(it->bytes()) / it->seconds());
      }
    }
  } else {
    // Per stage: the operation's successful requests, each moving
    // bytes_per_request, over the stage's length.
    const std::set<std::string> ops = OperationsOf(spec);
    std::map<std::pair<uint32_t, uint32_t>, uint64_t> ok;
    for (const auto& [stage, h] : d.histograms) {
      if (OperationOf(*h, ops) == op) ok[stage] += h->requests().ok();
    }
    for (const auto& [stage, it] : d.stages) {
      if (it->seconds() <= 0) continue;
      rates.push_back(static_cast<double>(ok[stage]) *
                      spec.workload().bytes_per_request() / it->seconds());
    }
  }
  return rates.empty() ? NAN : stats::Median(rates);
}

double ErrorRate(const CellSpec& spec, const BranchData& d) {
  double failed = 0, total = 0;
  for (const Iteration* it : d.measured) {
    if (spec.workload().kind() == Workload::LOAD) {
      const RequestCounts& c = it->requests();
      failed += static_cast<double>(c.sent() - std::min(c.ok(), c.sent())) +
                c.dropped();
      total += static_cast<double>(c.sent()) + c.dropped();
    } else {
      total += 1;
      if (!it->ok()) failed += 1;
    }
  }
  return total > 0 ? failed / total : NAN;
}

double MaxMetric(const BranchData& d, uint64_t (*field)(const GuestMetrics&)) {
  double most = NAN;
  for (const Iteration* it : d.measured) {
    if (!it->has_metrics()) continue;
    const double v = static_cast<double>(field(it->metrics()));
    if (std::isnan(most) || v > most) most = v;
  }
  return most;
}

double Value(const CellSpec& spec, const BranchData& d,
             const std::string& metric) {
  const auto [subject, stat] = SplitMetric(metric);
  if (metric == "errors.rate") return ErrorRate(spec, d);
  if (metric == "server.rss_max") {
    return MaxMetric(d, [](const GuestMetrics& m) {
      return std::max(m.server_rss_peak_bytes(), m.server_rss_bytes());
    });
  }
  if (metric == "tmp.leftover_max") {
    return MaxMetric(
        d, [](const GuestMetrics& m) { return m.tmp_leftover_bytes(); });
  }
  if (metric == "disk.used_max") {
    return MaxMetric(
        d, [](const GuestMetrics& m) { return m.data_disk_used_bytes(); });
  }
  if (stat == "throughput") return ThroughputValue(spec, d, subject);
  return LatencyValue(spec, d, subject, QuantileOfStat(stat));
}

}  // namespace

absl::StatusOr<MetricKind> KindOfMetric(absl::string_view metric) {
  static const LazyRE2 kOperation = {
      R"((?:download|upload)\.(throughput|p50|p90|p95|p99|p99\.9|max))"};
  std::string stat;
  if (RE2::FullMatch(Piece(metric), *kOperation, &stat)) {
    return stat == "throughput" ? MetricKind::kThroughput
                                : MetricKind::kLatency;
  }
  if (metric == "errors.rate") return MetricKind::kFraction;
  if (metric == "server.rss_max" || metric == "tmp.leftover_max" ||
      metric == "disk.used_max") {
    return MetricKind::kBytes;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown threshold metric \"",
                                                 metric, "\": use ", kMetrics));
}

absl::StatusOr<Threshold> ParseThreshold(absl::string_view metric,
                                         absl::string_view condition) {
  absl::StatusOr<MetricKind> kind = KindOfMetric(metric);
  if (!kind.ok()) return kind.status();
  const std::string what =
      absl::StrCat("threshold ", metric, " \"", condition, "\": ");
  static const LazyRE2 kParts = {R"(\s*([^0-9\s.]*)\s*(.*?)\s*)"};
  std::string op_text, rest;
  RE2::FullMatch(Piece(condition), *kParts, &op_text, &rest);
  Threshold t;
  t.set_metric(std::string(metric));
  const std::map<std::string, Threshold::Op> ops = {
      {"<", Threshold::LESS},
      {"<=", Threshold::LESS_OR_EQUAL},
      {">", Threshold::GREATER},
      {">=", Threshold::GREATER_OR_EQUAL}};
  auto op = ops.find(op_text);
  if (op == ops.end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        what,
        op_text.empty() ? "no operator"
                        : absl::StrCat("operator \"", op_text, "\""),
        ": start with <, <=, > or >=, e.g. \"< 200ms\""));
  }
  t.set_op(op->second);
  static const LazyRE2 kNumber = {R"(([0-9]+(?:\.[0-9]+)?)\s*(\S*))"};
  std::string number, unit;
  if (!RE2::FullMatch(rest, *kNumber, &number, &unit)) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, "\"", rest, "\" is not a number and a unit, e.g. ",
                     op_text, " 200", UnitsOf(*kind)[0].name));
  }
  for (const Unit& u : UnitsOf(*kind)) {
    if (unit != u.name) continue;
    t.set_limit(std::stod(number) * u.factor);
    if (*kind == MetricKind::kFraction && t.limit() > 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, "a rate is at most 100%"));
    }
    t.set_text(absl::StrCat(metric, " ", op_text, " ", number, unit));
    return t;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      what, unit.empty() ? "no unit" : absl::StrCat("unit \"", unit, "\""),
      ": ", metric, " is ", KindName(*kind), "; use ", UnitList(*kind)));
}

absl::StatusOr<std::vector<Threshold>> ParseThresholds(absl::string_view text) {
  std::vector<Threshold> out;
  static const LazyRE2 kItem = {R"(([A-Za-z0-9_.]+)\s*(.*))"};
  for (absl::string_view item : absl::StrSplit(text, ';')) {
    item = absl::StripAsciiWhitespace(item);
    if (item.empty()) continue;
    std::string metric, condition;
    if (!RE2::FullMatch(Piece(item), *kItem, &metric, &condition)) {
      return absl::InvalidArgumentError(
          absl::StrCat("threshold \"", item,
                       "\": write <metric> <op> <limit>, e.g. "
                       "\"download.p95 < 200ms\""));
    }
    absl::StatusOr<Threshold> t = ParseThreshold(metric, condition);
    if (!t.ok()) return t.status();
    out.push_back(*std::move(t));
  }
  return out;
}

std::string FormatMetricValue(MetricKind kind, double value) {
  if (std::isnan(value)) return "no data";
  switch (kind) {
    case MetricKind::kLatency:
      if (value < 1e-3) return absl::StrCat(Short(value * 1e6), "us");
      if (value < 1) return absl::StrCat(Short(value * 1e3), "ms");
      return absl::StrCat(Short(value), "s");
    case MetricKind::kThroughput:
      return ScaledBytes(value, "/s");
    case MetricKind::kBytes:
      return ScaledBytes(value, "");
    case MetricKind::kFraction:
      break;
  }
  return value == 0 ? "0%" : absl::StrCat(Short(value * 100), "%");
}

std::vector<ThresholdCheck> CheckThresholds(const CellResult& result,
                                            int warmup_override) {
  const CellSpec& spec = result.spec();
  std::vector<ThresholdCheck> checks;
  if (spec.thresholds().empty()) return checks;
  const std::map<std::string, BranchData> data =
      Gather(result, warmup_override);
  std::vector<std::string> branches;
  for (const Binary& b : spec.binaries()) branches.push_back(b.branch());
  for (const auto& [name, unused] : data) {
    if (std::find(branches.begin(), branches.end(), name) == branches.end()) {
      branches.push_back(name);
    }
  }
  const std::set<std::string> ops = OperationsOf(spec);
  static const BranchData kNone;
  for (const Threshold& t : spec.thresholds()) {
    const auto [subject, stat] = SplitMetric(t.metric());
    const bool per_operation = subject == "download" || subject == "upload";
    if (per_operation && !ops.count(subject)) continue;
    for (const std::string& branch : branches) {
      ThresholdCheck c;
      c.threshold = t;
      c.branch = branch;
      auto d = data.find(branch);
      c.value = Value(spec, d == data.end() ? kNone : d->second, t.metric());
      c.broken = !std::isnan(c.value) && !Holds(t.op(), c.value, t.limit());
      c.relative = t.limit() != 0 ? c.value / t.limit() - 1 : NAN;
      checks.push_back(std::move(c));
    }
  }
  return checks;
}

std::string BrokenLine(const std::vector<ThresholdCheck>& checks) {
  std::vector<std::string> parts;
  for (const ThresholdCheck& c : checks) {
    if (!c.broken) continue;
    const absl::StatusOr<MetricKind> kind = KindOfMetric(c.threshold.metric());
    std::string part = absl::StrCat(
        "threshold ", c.threshold.text(), " broken by branch ", c.branch, ": ",
        FormatMetricValue(kind.ok() ? *kind : MetricKind::kBytes, c.value));
    if (std::isfinite(c.relative)) {
      absl::StrAppend(
          &part, absl::StrFormat(
                     std::fabs(c.relative) < 0.1 ? " (%+.1f%%)" : " (%+.0f%%)",
                     100 * c.relative));
    }
    parts.push_back(std::move(part));
  }
  return absl::StrJoin(parts, "; ");
}

}  // namespace perfcell
