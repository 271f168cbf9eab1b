#include "analysis/cli.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "analysis/dataset.h"
#include "analysis/guest_metrics_report.h"
#include "analysis/html_report.h"
#include "analysis/latency_report.h"
#include "analysis/result_loader.h"
#include "analysis/targets.h"
#include "analysis/text_report.h"
#include "tools/cc/atomic_file.h"
#include "tools/cc/cli_flags.h"
#include "tools/cc/status_macros.h"

ABSL_FLAG(std::string, out, "",
          "Folder for cells.csv, summary.md, report.html; relative to where "
          "`bazel run` was started.");
ABSL_FLAG(std::string, correction, "holm",
          "Multiple-testing correction across all cells: holm or bh.");
ABSL_FLAG(std::string, test, "mann_whitney",
          "Two-sample test: mann_whitney or permutation.");
ABSL_FLAG(double, min_effect, 0.05,
          "Smallest relative change that matters; smaller is 'no difference'.");
ABSL_FLAG(double, alpha, 0.05, "Significance level after correction.");
ABSL_FLAG(double, cv_threshold, 0.10, "Warn when a cell's CV exceeds this.");
ABSL_FLAG(int, warmup, -1,
          "Treat the first N iterations of each series in each result as "
          "warm-up; -1 uses the warm-up flags the runner wrote.");
ABSL_FLAG(int, bootstrap_resamples, 2000, "Bootstrap resamples per CI.");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the bootstrap and permutation draws.");
ABSL_FLAG(bool, fail_on_regression, false,
          "Exit 3 when any cell's verdict is 'slower' after correction.");
ABSL_FLAG(bool, all_invocations, false,
          "Pool the results of every bazel invocation of a test target "
          "(earlier --runs_per_test runs) instead of only the latest one's.");

namespace perfcell::analysis {
namespace {

// Loads a tree; its loader warnings (skipped files, dropped iterations,
// duplicates, invocations) go to `warnings` as kind "input", prefixed.
absl::StatusOr<std::vector<LoadedResult>> Load(const std::string& root,
                                               const CliOptions& options,
                                               const std::string& prefix,
                                               std::vector<Warning>* warnings) {
  LoadOptions load;
  load.all_invocations = options.all_invocations;
  ASSIGN_OR_RETURN(LoadedTree tree, LoadResults(root, load));
  for (const std::string& line : tree.warnings) {
    std::cerr << "warning: " << prefix << line << "\n";
    warnings->push_back({"input", prefix + line});
  }
  return std::move(tree.results);
}

absl::StatusOr<int> WriteAndReport(Report report, const CliOptions& options,
                                   const LatencyReport* latency = nullptr,
                                   const TargetsReport* targets = nullptr,
                                   const GuestMetricsReport* guest = nullptr) {
  std::error_code error;
  std::filesystem::create_directories(options.out, error);
  if (error) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot create output folder ", options.out, ": ", error.message()));
  }
  RETURN_IF_ERROR(WriteFileAtomically(options.out + "/cells.csv",
                                      CellsCsv(report, latency)));
  RETURN_IF_ERROR(
      WriteFileAtomically(options.out + "/summary.md",
                          SummaryMarkdown(report, latency, targets, guest)));
  RETURN_IF_ERROR(
      WriteFileAtomically(options.out + "/report.html",
                          HtmlReport(report, latency, targets, guest)));
  for (const std::string& line : AaCheckLines(report)) {
    std::cout << line << "\n";
  }
  std::cout << "\n" << SummaryTables(report);
  std::cerr << report.warnings.size() << " warning(s), listed in "
            << options.out << "/summary.md\n"
            << "wrote " << options.out
            << "/cells.csv, summary.md, report.html\n";
  if (options.fail_on_regression && AnyRegression(report)) {
    std::cerr << (report.runs.has_value()
                      ? "regression: at least one cell is slower in run B "
                        "than in run A\n"
                      : "regression: at least one cell is slower than the "
                        "baseline\n");
    return kExitRegression;
  }
  return kExitOk;
}

}  // namespace

absl::StatusOr<std::string> DefaultBaseline(
    const std::vector<LoadedResult>& loaded) {
  std::set<std::string> named, branches;
  for (const LoadedResult& r : loaded) {
    const CellSpec& spec = r.result.spec();
    if (!spec.design().baseline().empty()) {
      named.insert(spec.design().baseline());
    }
    for (const Binary& b : spec.binaries()) branches.insert(b.branch());
  }
  if (named.size() == 1) return *named.begin();
  if (named.size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "these results name several baselines (", absl::StrJoin(named, ", "),
        "): choose one with --baseline=BRANCH"));
  }
  for (const char* usual : {"baseline", "main"}) {
    if (branches.count(usual)) return std::string(usual);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--baseline=BRANCH is required: these results name no baseline and "
      "have no branch \"baseline\" or \"main\" (branches found: ",
      absl::StrJoin(branches, ", "), ")"));
}

absl::StatusOr<CliOptions> CliOptionsFromFlags() {
  CliOptions options;
  options.out = UserPath(absl::GetFlag(FLAGS_out));
  if (options.out.empty()) {
    return absl::InvalidArgumentError("--out=DIR is required");
  }
  const std::string correction = absl::GetFlag(FLAGS_correction);
  if (correction == "holm") {
    options.analysis.correction = Correction::kHolm;
  } else if (correction == "bh") {
    options.analysis.correction = Correction::kBenjaminiHochberg;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "--correction must be holm or bh, not \"", correction, "\""));
  }
  const std::string test = absl::GetFlag(FLAGS_test);
  if (test == "mann_whitney") {
    options.analysis.test = TestKind::kMannWhitney;
  } else if (test == "permutation") {
    options.analysis.test = TestKind::kPermutation;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "--test must be mann_whitney or permutation, not \"", test, "\""));
  }
  options.analysis.min_effect = absl::GetFlag(FLAGS_min_effect);
  options.analysis.alpha = absl::GetFlag(FLAGS_alpha);
  options.analysis.cv_threshold = absl::GetFlag(FLAGS_cv_threshold);
  options.analysis.bootstrap_resamples =
      absl::GetFlag(FLAGS_bootstrap_resamples);
  options.analysis.seed = absl::GetFlag(FLAGS_seed);
  options.warmup = absl::GetFlag(FLAGS_warmup);
  options.fail_on_regression = absl::GetFlag(FLAGS_fail_on_regression);
  options.all_invocations = absl::GetFlag(FLAGS_all_invocations);
  if (!(options.analysis.min_effect >= 0 && options.analysis.min_effect < 1)) {
    return absl::InvalidArgumentError("--min_effect must be in [0, 1)");
  }
  if (!(options.analysis.alpha > 0 && options.analysis.alpha < 1)) {
    return absl::InvalidArgumentError("--alpha must be in (0, 1)");
  }
  if (options.analysis.bootstrap_resamples < 100) {
    return absl::InvalidArgumentError("--bootstrap_resamples must be >= 100");
  }
  return options;
}

absl::StatusOr<int> RunReport(const std::string& results,
                              const std::string& baseline,
                              const CliOptions& options) {
  if (results.empty()) {
    return absl::InvalidArgumentError("--results=DIR is required");
  }
  std::vector<Warning> problems;
  ASSIGN_OR_RETURN(std::vector<LoadedResult> loaded,
                   Load(results, options, "", &problems));
  std::string chosen = baseline;
  if (chosen.empty()) {
    ASSIGN_OR_RETURN(chosen, DefaultBaseline(loaded));
  }
  std::vector<Group> groups =
      GroupResults(loaded, "", options.warmup, &problems);
  ASSIGN_OR_RETURN(AnalysisInput input,
                   PairForReport(std::move(groups), chosen));
  input.warnings.insert(input.warnings.begin(), problems.begin(),
                        problems.end());
  Report report = Analyze(std::move(input), options.analysis);
  const LatencyReport latency = AnalyzeLatency(loaded, report, options.warmup);
  for (const Warning& w : latency.warnings) report.warnings.push_back(w);
  const TargetsReport targets =
      AnalyzeTargets(loaded, report.series_order, options.warmup);
  const GuestMetricsReport guest =
      AnalyzeGuestMetrics(loaded, report.series_order, options.warmup);
  for (const Warning& w : guest.warnings) report.warnings.push_back(w);
  return WriteAndReport(std::move(report), options, &latency, &targets, &guest);
}

absl::StatusOr<int> RunCompare(const std::string& a, const std::string& b,
                               const CliOptions& options) {
  if (a.empty() || b.empty()) {
    return absl::InvalidArgumentError("--a=DIR and --b=DIR are required");
  }
  std::vector<Warning> inputs, problems_a, problems_b;
  ASSIGN_OR_RETURN(std::vector<LoadedResult> loaded_a,
                   Load(a, options, "run A: ", &inputs));
  ASSIGN_OR_RETURN(std::vector<LoadedResult> loaded_b,
                   Load(b, options, "run B: ", &inputs));
  AnalysisInput input = PairForCompare(
      GroupResults(loaded_a, " (A)", options.warmup, &problems_a),
      GroupResults(loaded_b, " (B)", options.warmup, &problems_b));
  input.warnings.insert(input.warnings.begin(), inputs.begin(), inputs.end());
  for (Warning& w : problems_a) {
    w.message = "run A: " + w.message;
    input.warnings.push_back(std::move(w));
  }
  for (Warning& w : problems_b) {
    w.message = "run B: " + w.message;
    input.warnings.push_back(std::move(w));
  }
  input.runs->run_a = a;
  input.runs->run_b = b;
  Report report = Analyze(std::move(input), options.analysis);
  const LatencyReport latency =
      AnalyzeCompareLatency(loaded_a, loaded_b, report, options.warmup);
  for (const Warning& w : latency.warnings) report.warnings.push_back(w);
  return WriteAndReport(std::move(report), options, &latency);
}

int ExitCode(const char* program, const absl::StatusOr<int>& run) {
  if (!run.ok()) {
    // One line, whatever the library put into the message.
    std::string message(run.status().message());
    std::replace_if(
        message.begin(), message.end(),
        [](char c) { return c == '\n' || c == '\r'; }, ' ');
    std::cerr << program << ": " << absl::StripAsciiWhitespace(message) << "\n";
    return kExitBadInput;
  }
  return *run;
}

}  // namespace perfcell::analysis
