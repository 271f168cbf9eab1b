#include "analysis/planner.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "contract/design.h"
#include "contract/stats/descriptive.h"
#include "contract/stats/sequential.h"
#include "contract/stats/signed_rank.h"
#include "tools/cc/status_macros.h"

namespace perfcell::analysis {
namespace {

double MedianOrNan(const std::vector<double>& v) {
  return v.empty() ? NAN : stats::Median(v);
}

double ResolvedEffect(const PlanOptions& options) {
  return std::isnan(options.effect) ? 2 * options.min_effect : options.effect;
}

std::vector<double> Measured(const Group& g) {
  std::vector<double> out;
  for (const Sample& s : g.samples) {
    if (s.ok && !s.warmup) out.push_back(s.throughput);
  }
  return out;
}

struct Timings {
  std::vector<double> run, boot, requests;
  std::vector<int> count;
  // Interleaved: per block.
  std::vector<double> block, measured;
  std::vector<double> measured_count;  // per run
  // Interleaved: squared deviations of log throughput from their run's
  // mean, summed over runs, and their degrees of freedom.
  double within_squares = 0;
  int within_df = 0;
  bool median_runs = false;
};

// Length of the union of [first, last] intervals (nanoseconds).
int64_t UnionLength(std::vector<std::pair<int64_t, int64_t>> spans) {
  std::sort(spans.begin(), spans.end());
  int64_t total = 0, start = 0, end = 0;
  bool open = false;
  for (const auto& [a, b] : spans) {
    if (!open || a > end) {
      if (open) total += end - start;
      start = a;
      end = b;
      open = true;
    } else {
      end = std::max(end, b);
    }
  }
  if (open) total += end - start;
  return total;
}

// Interleaved results: each block's wall time (its first run's start to the
// next block's first start, or to its last request's end), the union of its
// runs' measured spans, and each run's measured requests. Block times count
// blocks that ran every branch only: in an adaptive cell, the blocks after a
// branch settled are shorter than the ones a plan must budget.
void AddBlockTimings(const CellResult& r, Timings* t) {
  std::map<uint32_t, int64_t> block_start, block_end;
  std::map<uint32_t, std::pair<int64_t, int64_t>> run_span;  // by run index
  std::map<uint32_t, uint32_t> run_block;
  std::map<uint32_t, int> run_measured;
  std::map<uint32_t, std::vector<double>> run_logs;
  t->median_runs |= RunStatisticOf(r.spec().design()) == Design::MEDIAN;
  std::set<std::string> branches;
  for (const Binary& b : r.spec().binaries()) branches.insert(b.branch());
  std::set<uint32_t> full;
  for (const Block& b : r.blocks()) {
    std::set<std::string> ran;
    for (const Run& run : b.runs()) ran.insert(run.branch());
    if (ran == branches) full.insert(b.index());
    for (const Run& run : b.runs()) {
      if (run.start_unix_nanos() <= 0) continue;
      auto [it, fresh] = block_start.emplace(b.index(), run.start_unix_nanos());
      if (!fresh) it->second = std::min(it->second, run.start_unix_nanos());
    }
  }
  for (const Iteration& it : r.iterations()) {
    const int64_t end =
        it.start_unix_nanos() + static_cast<int64_t>(it.seconds() * 1e9);
    block_end[it.block()] = std::max(block_end[it.block()], end);
    if (it.warmup() || !it.ok()) continue;
    run_block[it.run()] = it.block();
    ++run_measured[it.run()];
    if (it.seconds() > 0 && it.bytes() > 0) {
      run_logs[it.run()].push_back(std::log(it.bytes() / it.seconds()));
    }
    auto [span, fresh] =
        run_span.emplace(it.run(), std::make_pair(it.start_unix_nanos(), end));
    if (!fresh) {
      span->second.first = std::min(span->second.first, it.start_unix_nanos());
      span->second.second = std::max(span->second.second, end);
    }
  }
  std::map<uint32_t, std::vector<std::pair<int64_t, int64_t>>> spans;
  for (const auto& [run, span] : run_span) {
    spans[run_block[run]].push_back(span);
  }
  for (auto it = block_start.begin(); it != block_start.end(); ++it) {
    auto next = std::next(it);
    const int64_t end =
        next != block_start.end() && next->first == it->first + 1
            ? next->second
            : block_end[it->first];
    if (end <= it->second || !spans.count(it->first) ||
        !full.count(it->first)) {
      continue;
    }
    t->block.push_back((end - it->second) / 1e9);
    t->measured.push_back(UnionLength(spans[it->first]) / 1e9);
  }
  for (const auto& [run, n] : run_measured) t->measured_count.push_back(n);
  for (const auto& [run, logs] : run_logs) {
    if (logs.size() < 2) continue;
    const double mean = stats::Mean(logs);
    for (double x : logs) t->within_squares += (x - mean) * (x - mean);
    t->within_df += static_cast<int>(logs.size()) - 1;
  }
}

// Wall time of each run of a result: from its start to the next run's start
// (boot, requests and resets), or to the end of its last request for the
// last run; sequential results are one run (end - start, or the requests'
// span plus the boot).
void AddTimings(const CellResult& r, Timings* t) {
  if (r.blocks_size() == 0) {
    double requests = 0;
    int64_t first = 0, last = 0;
    for (const Iteration& it : r.iterations()) {
      requests += it.seconds();
      const int64_t end =
          it.start_unix_nanos() + static_cast<int64_t>(it.seconds() * 1e9);
      if (first == 0 || it.start_unix_nanos() < first) {
        first = it.start_unix_nanos();
      }
      last = std::max(last, end);
    }
    if (r.iterations_size() == 0) return;
    const double wall =
        r.end_unix_nanos() > r.start_unix_nanos() && r.start_unix_nanos() > 0
            ? (r.end_unix_nanos() - r.start_unix_nanos()) / 1e9
            : (last - first) / 1e9 + r.boot_seconds();
    t->run.push_back(wall);
    t->boot.push_back(r.boot_seconds());
    t->requests.push_back(requests);
    t->count.push_back(r.iterations_size());
    return;
  }
  AddBlockTimings(r, t);
  std::vector<const Run*> runs;
  for (const Block& b : r.blocks()) {
    for (const Run& run : b.runs()) runs.push_back(&run);
  }
  std::sort(runs.begin(), runs.end(),
            [](const Run* a, const Run* b) { return a->index() < b->index(); });
  std::map<uint32_t, double> request_sum;
  std::map<uint32_t, int> request_count;
  std::map<uint32_t, int64_t> last_end;
  for (const Iteration& it : r.iterations()) {
    request_sum[it.run()] += it.seconds();
    ++request_count[it.run()];
    last_end[it.run()] = std::max(
        last_end[it.run()],
        it.start_unix_nanos() + static_cast<int64_t>(it.seconds() * 1e9));
  }
  for (size_t i = 0; i < runs.size(); ++i) {
    const Run& run = *runs[i];
    if (!run.ok() || run.start_unix_nanos() <= 0) continue;
    double wall = NAN;
    if (i + 1 < runs.size() && runs[i + 1]->index() == run.index() + 1 &&
        runs[i + 1]->start_unix_nanos() > run.start_unix_nanos()) {
      wall = (runs[i + 1]->start_unix_nanos() - run.start_unix_nanos()) / 1e9;
    } else if (last_end.count(run.index()) &&
               last_end[run.index()] > run.start_unix_nanos()) {
      wall = (last_end[run.index()] - run.start_unix_nanos()) / 1e9;
    }
    if (std::isnan(wall)) continue;
    t->run.push_back(wall);
    t->boot.push_back(run.boot_seconds());
    t->requests.push_back(request_sum[run.index()]);
    t->count.push_back(request_count[run.index()]);
  }
}

std::string Percent(double fraction) {
  return absl::StrFormat("%.3g%%", fraction * 100);
}

}  // namespace

std::vector<PilotCell> ReadPilot(const std::vector<LoadedResult>& loaded) {
  const std::vector<Group> groups = GroupResults(loaded, "", -1);
  std::map<CellKey, std::vector<const Group*>> by_key;
  for (const Group& g : groups) {
    if (!g.samples.empty()) by_key[g.key].push_back(&g);
  }
  std::map<CellKey, Timings> timings;
  for (const LoadedResult& l : loaded) {
    AddTimings(l.result, &timings[KeyOf(l.result.spec())]);
  }
  std::vector<PilotCell> cells;
  for (const auto& [key, series] : by_key) {
    PilotCell cell;
    cell.key = key;
    cell.interleaved = series.front()->interleaved;
    cell.runs_per_block = static_cast<int>(series.size());
    cell.comparisons = std::max(0, cell.runs_per_block - 1);
    if (cell.interleaved) {
      const std::string& baseline = series.front()->spec.design().baseline();
      const Group* base = series.front();
      for (const Group* g : series) {
        if (g->branch == baseline) base = g;
      }
      for (const Group* g : series) {
        if (g == base) continue;
        std::vector<double> d;
        for (const auto& [block, median] : g->block_values) {
          auto it = base->block_values.find(block);
          if (it != base->block_values.end() && median > 0 && it->second > 0) {
            d.push_back(std::log(median / it->second));
          }
        }
        cell.blocks = std::max(cell.blocks, static_cast<int>(d.size()));
        if (d.size() < 2) continue;
        const double sd = stats::StdDev(d);
        if (std::isnan(cell.sd_d) || sd > cell.sd_d) {
          cell.sd_d = sd;
          cell.sd_d_branch = g->branch;
        }
      }
    } else {
      std::vector<double> cvs;
      cell.sessions = -1;
      for (const Group* g : series) {
        const std::vector<double> measured = Measured(*g);
        if (measured.size() >= 2) {
          cvs.push_back(stats::CoefficientOfVariation(measured));
        }
        const int sessions = static_cast<int>(g->session_medians.size());
        cell.sessions =
            cell.sessions < 0 ? sessions : std::min(cell.sessions, sessions);
      }
      cell.iteration_cv = MedianOrNan(cvs);
      if (cell.sessions >= 3) {
        for (const Group* g : series) {
          const double cv = stats::CoefficientOfVariation(g->session_medians);
          if (std::isnan(cell.session_cv) || cv > cell.session_cv) {
            cell.session_cv = cv;
          }
        }
      }
    }
    const Timings& t = timings[key];
    cell.block_seconds = MedianOrNan(t.block);
    if (t.within_df > 0) {
      cell.within_run_sd = std::sqrt(t.within_squares / t.within_df);
    }
    cell.median_runs = t.median_runs;
    cell.measured_seconds = MedianOrNan(t.measured);
    if (!t.measured_count.empty()) {
      cell.measured_per_run =
          static_cast<int>(std::lround(stats::Median(t.measured_count)));
    }
    cell.run_seconds = MedianOrNan(t.run);
    cell.boot_seconds = MedianOrNan(t.boot);
    cell.request_seconds = MedianOrNan(t.requests);
    if (!t.count.empty()) {
      std::vector<double> counts(t.count.begin(), t.count.end());
      cell.requests_per_run =
          static_cast<int>(std::lround(stats::Median(counts)));
    }
    cells.push_back(std::move(cell));
  }
  return cells;
}

double SdFromRunCv(double cv) {
  return std::sqrt(2.0) * std::sqrt(std::log1p(cv * cv));
}

double BlockSeconds(const PilotCell& cell) {
  if (cell.interleaved && cell.block_seconds > 0) return cell.block_seconds;
  return cell.runs_per_block * cell.run_seconds;
}

RequestsPerRun BestRequestsPerRun(const PilotCell& cell, double sd_d) {
  RequestsPerRun r;
  const int m = cell.measured_per_run;
  if (!cell.interleaved || m < 2 || !(cell.within_run_sd > 0) || !(sd_d > 0) ||
      !(cell.block_seconds > 0) || !(cell.measured_seconds > 0) ||
      cell.measured_seconds >= cell.block_seconds) {
    return r;
  }
  const double v = cell.median_runs ? M_PI / 2 : 1.0;
  const double within2 = v * cell.within_run_sd * cell.within_run_sd;
  // Var(d) = 2 between^2 + 2 within2 / m; what the pilot's runs share
  // (lockstep moments) counts as within here, so between is if anything
  // underestimated and m* too high: the advice errs towards more requests.
  const double between2 =
      std::max(sd_d * sd_d / 2 - within2 / m, 0.01 * within2 / m);
  r.known = true;
  r.pilot = m;
  r.between_sd = std::sqrt(between2);
  r.within_sd = cell.within_run_sd;
  r.per_request_seconds = cell.measured_seconds / m;
  r.overhead_seconds = cell.block_seconds - cell.measured_seconds;
  r.within_variance = within2;
  const double best = std::sqrt(within2 * r.overhead_seconds /
                                (between2 * r.per_request_seconds));
  SetRequestsPerRun(static_cast<int>(std::clamp(std::lround(best), 3L, 1000L)),
                    &r);
  return r;
}

void SetRequestsPerRun(int m, RequestsPerRun* r) {
  const double between2 = r->between_sd * r->between_sd;
  auto cost = [&](int n) {
    return (2 * between2 + 2 * r->within_variance / n) *
           (r->overhead_seconds + r->per_request_seconds * n);
  };
  r->best = m;
  r->sd_d_at_best = std::sqrt(2 * between2 + 2 * r->within_variance / m);
  r->block_seconds_at_best = r->overhead_seconds + r->per_request_seconds * m;
  r->time_ratio = cost(m) / cost(r->pilot);
}

PlanningNoise NoiseOf(const PilotCell& cell) {
  PlanningNoise noise;
  if (cell.interleaved) {
    noise.sd_d = cell.sd_d;
    noise.source = absl::StrFormat(
        "sd of the block log-ratios over %d blocks, largest of %d "
        "comparisons (%s)",
        cell.blocks, cell.comparisons, cell.sd_d_branch);
  } else if (!std::isnan(cell.session_cv)) {
    noise.sd_d = SdFromRunCv(cell.session_cv);
    noise.source =
        absl::StrCat("sqrt(2) x session-median CV ", Percent(cell.session_cv),
                     " (", cell.sessions, " sessions; iteration CV ",
                     Percent(cell.iteration_cv), ")");
  } else if (!std::isnan(cell.iteration_cv)) {
    noise.sd_d = SdFromRunCv(cell.iteration_cv);
    noise.source = absl::StrCat(
        "sqrt(2) x iteration CV ", Percent(cell.iteration_cv),
        " taken as the run median's CV (sequential pilot, fewer than 3 "
        "sessions: nothing shows how much of it cancels within a block)");
  } else {
    noise.source = "no noise estimate (fewer than 2 blocks or iterations)";
  }
  return noise;
}

BlocksNeeded BlocksFor(double sd_d, int family, int comparisons_in_cell,
                       const PlanOptions& options) {
  BlocksNeeded b;
  if (!(sd_d > 0)) {
    b.warnings.push_back("no noise estimate: cannot plan this cell");
    return b;
  }
  const double effect = std::log1p(ResolvedEffect(options));
  if (!options.adaptive) {
    const double a = options.alpha / std::max(family, 1);
    const int floor = stats::SignedRankUnitsToReach(a);
    if (floor > options.max_blocks) {
      b.warnings.push_back(absl::StrFormat(
          "Holm over %d comparisons asks p < %.2g of the first; the exact "
          "signed-rank test cannot go below 2/2^n until n = %d blocks, more "
          "than max_blocks %d: no comparison can be called faster or slower",
          family, a, floor, options.max_blocks));
    }
    b.change = stats::FixedBlocksNeeded(a, options.min_effect, sd_d, effect,
                                        options.power);
    b.no_difference = stats::FixedBlocksNeeded(a, options.min_effect, sd_d, 0.0,
                                               options.power);
  } else {
    // The cell's own reading of its Design (the alpha split included),
    // futility off.
    Design planned;
    planned.set_stop(Design::ADAPTIVE);
    planned.set_min_blocks(options.min_blocks);
    planned.set_max_blocks(options.max_blocks);
    planned.set_alpha(options.alpha);
    planned.set_min_effect(options.min_effect);
    planned.set_method(options.method == stats::SequentialMethod::kMeanT
                           ? Design::MEAN_T
                           : Design::SIGNED_RANK);
    const stats::SequentialDesign design =
        SequentialDesignFor(planned, comparisons_in_cell);
    absl::StatusOr<stats::SequentialBoundary> boundary =
        stats::CalibrateBoundary(design);
    if (!boundary.ok()) {
      b.warnings.push_back(absl::StrCat("adaptive design invalid: ",
                                        boundary.status().message()));
      return b;
    }
    if (design.method == stats::SequentialMethod::kSignedRank &&
        boundary->k[options.max_blocks] < 1) {
      b.warnings.push_back(absl::StrFormat(
          "at alpha %.2g per comparison (%g / %d in the cell) no look up to "
          "max_blocks %d can bound an interval: no verdict is possible",
          design.alpha, options.alpha, comparisons_in_cell,
          options.max_blocks));
    }
    b.change =
        stats::SequentialBlocksNeeded(*boundary, sd_d, effect, options.power);
    b.no_difference =
        stats::SequentialBlocksNeeded(*boundary, sd_d, 0.0, options.power);
    if (options.simulations > 0) {
      const stats::SequentialOperatingCharacteristics change =
          stats::SimulateDesign(*boundary, effect, sd_d,
                                stats::BlockNoise::kNormal, options.simulations,
                                options.seed);
      const stats::SequentialOperatingCharacteristics none =
          stats::SimulateDesign(*boundary, 0.0, sd_d,
                                stats::BlockNoise::kNormal, options.simulations,
                                options.seed + 1);
      b.mean_change = change.mean_blocks;
      b.decided_change = change.faster;
      b.mean_no_difference = none.mean_blocks;
      b.decided_no_difference = none.no_difference;
    }
  }
  auto check = [&](int needed, const std::string& what) {
    if (needed > 0 && needed <= options.max_blocks) return true;
    b.warnings.push_back(absl::StrFormat(
        "noise sd(d) %.3g: %d blocks cannot %s with power %g (%s)", sd_d,
        options.max_blocks, what, options.power,
        needed > 0 ? absl::StrCat("needs ", needed, " blocks")
                   : std::string("not within the design")));
    return false;
  };
  const bool change_ok =
      check(b.change, absl::StrCat("call a ", Percent(ResolvedEffect(options)),
                                   " change faster/slower"));
  const bool none_ok =
      check(b.no_difference,
            absl::StrCat("call no change \"no difference\" (within +/-",
                         Percent(options.min_effect), ")"));
  if (change_ok && none_ok) b.planned = std::max(b.change, b.no_difference);
  return b;
}

Plan MakePlan(const std::vector<PilotCell>& pilot, const PlanOptions& options) {
  Plan plan;
  plan.options = options;
  plan.effect = ResolvedEffect(options);
  for (const PilotCell& cell : pilot) plan.family += cell.comparisons;
  int median_pilots = 0;
  for (const PilotCell& cell : pilot) {
    CellPlan cp;
    cp.pilot = cell;
    cp.noise = NoiseOf(cell);
    cp.blocks =
        BlocksFor(cp.noise.sd_d, plan.family, cell.comparisons, options);
    if (cell.comparisons == 0) {
      cp.blocks.warnings.push_back(
          "one series only: nothing to compare (add the A/A copy)");
    }
    cp.per_run = BestRequestsPerRun(cell, cp.noise.sd_d);
    if (cp.per_run.known && cp.per_run.best != cp.per_run.pilot) {
      // The advice re-planned: shorter runs are noisier blocks, which may
      // need more than max_blocks; then the fewest requests (towards the
      // pilot's) whose blocks fit.
      // Only the budget matters here: no simulated cells.
      PlanOptions budget = options;
      budget.simulations = 0;
      RequestsPerRun& r = cp.per_run;
      cp.blocks_at_best =
          BlocksFor(r.sd_d_at_best, plan.family, cell.comparisons, budget);
      while (cp.blocks_at_best.planned < 0 && r.best < r.pilot) {
        r.within_max_blocks = true;
        SetRequestsPerRun(
            std::min(r.pilot,
                     std::max(r.best + 1, static_cast<int>(r.best * 1.25))),
            &r);
        cp.blocks_at_best =
            BlocksFor(r.sd_d_at_best, plan.family, cell.comparisons, budget);
      }
    }
    if (cell.interleaved && cell.median_runs) ++median_pilots;
    if (cp.blocks.planned > 0 && BlockSeconds(cell) > 0) {
      cp.cell_seconds = cp.blocks.planned * BlockSeconds(cell);
      plan.total_seconds += cp.cell_seconds;
    } else {
      ++plan.unreachable_cells;
    }
    for (const std::string& w : cp.blocks.warnings) {
      plan.warnings.push_back(absl::StrCat(cell.key.Label(), ": ", w));
    }
    plan.cells.push_back(std::move(cp));
  }
  if (median_pilots > 0) {
    plan.warnings.push_back(absl::StrCat(
        median_pilots,
        " pilot cell(s) counted runs with their median; "
        "perf_matrix's default, the geometric mean, spreads less on runs of "
        "many requests (16 MiB downloads here: sd(d) 0.072 against 0.085), "
        "so their plan is cautious"));
  }
  plan.assumptions = {
      absl::StrCat("the planned matrix is the pilot's: ", pilot.size(),
                   " cells, ", plan.family,
                   " comparisons (every candidate and A/A copy against the "
                   "baseline), each run with the pilot's requests per run"),
      "noise: sd(d) of d = log(candidate run value / baseline run value) "
      "per block, as the pilot shows it (interleaved pilots: measured; "
      "sequential ones: sqrt(2) x the CV of a run's median, nothing assumed "
      "to cancel); d normal; the real run as noisy as the pilot",
      absl::StrCat("the change to find is ", Percent(plan.effect),
                   ": \"faster\"/\"slower\" needs the interval to exclude "
                   "no change and the estimate beyond min_effect ",
                   Percent(options.min_effect),
                   ", so a change equal to min_effect is found at most half "
                   "the time; no change must be called \"no difference\" "
                   "too, and a cell needs the larger of the two"),
      options.adaptive
          ? absl::StrFormat(
                "adaptive: %s, looks after every block %d..%d, Pocock "
                "boundary, "
                "alpha %g split over the comparisons of each cell (as the "
                "runner does); budget = the first look that decides with "
                "power %g (normal approximation), mean = %d simulated cells "
                "stopping at their first decision (one comparison; a cell "
                "waits for its slowest), futility off (perf_matrix's "
                "futility ends a comparison with no real chance of a "
                "decision earlier, as inconclusive: never more blocks); "
                "every block budgeted whole, though a settled branch leaves "
                "the cell and later blocks are shorter",
                stats::SequentialMethodName(options.method), options.min_blocks,
                options.max_blocks, options.alpha, options.power,
                options.simulations)
          : absl::StrFormat(
                "fixed: Holm over all %d comparisons, planned at its "
                "strictest step alpha/%d = %.2g; Hodges-Lehmann interval "
                "half-width by the normal approximation (efficiency 3/pi); "
                "never fewer blocks than the exact floor 2/2^n < alpha/%d",
                plan.family, plan.family,
                options.alpha / std::max(plan.family, 1), plan.family),
      "time: blocks x the pilot's median block wall time (interleaved: a "
      "block's first run start to the next block's; sequential pilots: runs "
      "x the result's span), cells one after another on one machine, no "
      "failed runs",
      "per run (interleaved pilots): sd(d)^2 = 2 between^2 + 2 within^2 / m "
      "(x pi/2 for run medians), within = the pooled sd of log throughput "
      "inside a run, between the rest; a block costs its overhead (boots, "
      "logins, warm-ups) + m x the wall time per measured request; the "
      "cheapest m minimizes their product (Cochran 1977, 10.6); it assumes "
      "the runs' own level does not depend on m",
  };
  return plan;
}

std::string FormatDuration(double seconds) {
  if (std::isnan(seconds)) return "n/a";
  if (seconds < 10) return absl::StrFormat("%.2f s", seconds);
  if (seconds < 120) return absl::StrFormat("%.0f s", seconds);
  if (seconds < 7200) return absl::StrFormat("%.0f min", seconds / 60);
  if (seconds < 3 * 86400) return absl::StrFormat("%.1f h", seconds / 3600);
  return absl::StrFormat("%.1f days", seconds / 86400);
}

std::string FormatPlan(const Plan& plan) {
  const PlanOptions& o = plan.options;
  std::string out = absl::StrFormat(
      "plan: %s design, change %s (min_effect %s), power %g, alpha %g, "
      "max_blocks %d; %d cells, %d comparisons\n\n",
      o.adaptive ? "adaptive" : "fixed", Percent(plan.effect),
      Percent(o.min_effect), o.power, o.alpha, o.max_blocks, plan.cells.size(),
      plan.family);
  auto blocks_text = [&](int n) {
    return n > 0 ? absl::StrCat(n) : std::string("out of reach");
  };
  for (const CellPlan& c : plan.cells) {
    const PilotCell& p = c.pilot;
    absl::StrAppend(
        &out, c.pilot.key.WorkloadLabel(), ", ", c.pilot.key.memory_mib,
        " MiB RAM\n",
        absl::StrFormat(
            "  pilot   %s, %d runs per block, %d comparisons\n",
            p.interleaved
                ? absl::StrCat("interleaved, ", p.blocks, " blocks")
                : absl::StrCat("sequential, ", p.sessions, " session(s)"),
            p.runs_per_block, p.comparisons),
        absl::StrFormat("  noise   sd(d) %.4f: %s\n", c.noise.sd_d,
                        c.noise.source),
        p.interleaved && p.block_seconds > 0
            ? absl::StrFormat(
                  "  block   %s wall (%d runs: boot %.2f s each, %d measured "
                  "requests each, %s of the block)\n",
                  FormatDuration(p.block_seconds), p.runs_per_block,
                  p.boot_seconds, p.measured_per_run,
                  FormatDuration(p.measured_seconds))
            : absl::StrFormat(
                  "  run     %s wall (boot %.2f s, %d requests %.2f s)\n",
                  FormatDuration(p.run_seconds), p.boot_seconds,
                  p.requests_per_run, p.request_seconds));
    if (c.per_run.known) {
      const RequestsPerRun& r = c.per_run;
      absl::StrAppend(
          &out,
          absl::StrFormat(
              "  per run %d measured requests; %s (between runs sd %.3f, "
              "within a run %.3f per request; a block %.2f s + %.3f s per "
              "request)\n",
              r.pilot,
              r.time_ratio < 0.9
                  ? absl::StrFormat(
                        "%d%s would decide with %.0f%% less machine time "
                        "(sd(d) %.4f, blocks of %s; %s)",
                        r.best,
                        r.within_max_blocks ? " (the fewest within max_blocks)"
                                            : "",
                        100 * (1 - r.time_ratio), r.sd_d_at_best,
                        FormatDuration(r.block_seconds_at_best),
                        c.blocks_at_best.planned > 0
                            ? absl::StrCat(
                                  c.blocks_at_best.planned, " blocks = ",
                                  FormatDuration(c.blocks_at_best.planned *
                                                 r.block_seconds_at_best))
                            : absl::StrCat("but more blocks than max_blocks ",
                                           o.max_blocks))
                  : absl::StrFormat("near the cheapest (%d)", r.best),
              r.between_sd, r.within_sd, r.overhead_seconds,
              r.per_request_seconds));
    }
    std::string line =
        absl::StrCat("  blocks  ", Percent(plan.effect),
                     " change: ", blocks_text(c.blocks.change),
                     "; no difference: ", blocks_text(c.blocks.no_difference));
    if (o.adaptive) {
      absl::StrAppend(
          &line,
          absl::StrFormat(" (simulated: change decided %.0f%% at mean %.1f "
                          "blocks; no difference %.0f%% at mean %.1f)",
                          100 * c.blocks.decided_change, c.blocks.mean_change,
                          100 * c.blocks.decided_no_difference,
                          c.blocks.mean_no_difference));
    }
    absl::StrAppend(&out, line, "\n");
    absl::StrAppend(
        &out, "  needs   ",
        c.blocks.planned > 0
            ? absl::StrCat(c.blocks.planned, " blocks x ", p.runs_per_block,
                           " runs = ", FormatDuration(c.cell_seconds))
            : absl::StrCat(
                  "cannot reach a verdict within max_blocks ", o.max_blocks,
                  c.blocks.change > 0 && c.blocks.no_difference > 0
                      ? absl::StrCat(
                            " (would need ",
                            std::max(c.blocks.change, c.blocks.no_difference),
                            " blocks = ",
                            FormatDuration(std::max(c.blocks.change,
                                                    c.blocks.no_difference) *
                                           BlockSeconds(p)),
                            ")")
                      : std::string()),
        "\n\n");
  }
  absl::StrAppend(&out, "total: ", FormatDuration(plan.total_seconds), " for ",
                  plan.cells.size() - plan.unreachable_cells, " of ",
                  plan.cells.size(), " cells",
                  plan.unreachable_cells > 0
                      ? absl::StrCat(" (", plan.unreachable_cells,
                                     " cannot reach a verdict)")
                      : std::string(),
                  "\n");
  if (!plan.warnings.empty()) {
    absl::StrAppend(&out, "\nwarnings:\n");
    for (const std::string& w : plan.warnings) {
      absl::StrAppend(&out, "- ", w, "\n");
    }
  }
  absl::StrAppend(&out, "\nassumptions:\n");
  for (const std::string& a : plan.assumptions) {
    absl::StrAppend(&out, "- ", a, "\n");
  }
  return out;
}

absl::StatusOr<double> ParseFraction(const std::string& flag,
                                     const std::string& text) {
  absl::string_view view = text;
  const bool percent = absl::ConsumeSuffix(&view, "%");
  double value = 0;
  if (!absl::SimpleAtod(view, &value)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, " must be a fraction or a percentage (0.05 or 5%), not \"",
        text, "\""));
  }
  if (percent) value /= 100;
  if (!(value > 0 && value < 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, " must be in (0, 1) (0%..100%), not \"", text, "\""));
  }
  return value;
}

absl::StatusOr<std::string> RunPlan(const std::string& dir,
                                    const PlanOptions& options) {
  if (dir.empty()) return absl::InvalidArgumentError("--pilot=DIR is required");
  ASSIGN_OR_RETURN(std::vector<LoadedResult> loaded, LoadResultTree(dir));
  const std::vector<PilotCell> pilot = ReadPilot(loaded);
  if (pilot.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no measured iterations in the results under ", dir));
  }
  return FormatPlan(MakePlan(pilot, options));
}

int PlanExitCode(const absl::StatusOr<std::string>& run, std::ostream& out,
                 std::ostream& err) {
  if (!run.ok()) {
    std::string message(run.status().message());
    std::replace_if(
        message.begin(), message.end(),
        [](char c) { return c == '\n' || c == '\r'; }, ' ');
    err << "plan: " << message << "\n";
    return 2;
  }
  out << *run;
  return 0;
}

}  // namespace perfcell::analysis
