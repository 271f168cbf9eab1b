// Runs the real `report` and `compare` binaries on trees this test writes,
// and checks what a user sees: exit codes 0/2/3, the files written, and one
// clear line on stderr for each kind of bad input.
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "analysis/load_cell_fixture.h"
#include "analysis/synthetic.h"
#include "gtest/gtest.h"
#include "re2/re2.h"
#include "tools/cc/atomic_file.h"

namespace perfcell::analysis {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int exit_code;
  std::string out;
  std::string err;
};

std::string Tmp() { return std::getenv("TEST_TMPDIR"); }

std::string Binary(const std::string& name) {
  return absl::StrCat(std::getenv("TEST_SRCDIR"), "/",
                      std::getenv("TEST_WORKSPACE"), "/analysis/", name);
}

CliRun Execute(const std::string& name, const std::string& args,
               const std::string& env = "") {
  const std::string out = Tmp() + "/stdout", err = Tmp() + "/stderr";
  const std::string command =
      absl::StrCat(env, " ", Binary(name), " ", args, " >", out, " 2>", err);
  const int status = std::system(command.c_str());
  return {WEXITSTATUS(status), ReadFile(out).value_or(""),
          ReadFile(err).value_or("")};
}

std::string NewDir(const std::string& name) {
  const std::string dir = Tmp() + "/" + name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Interleaved cells of 10 blocks (`report`), or sequential cells with 5
// sessions each (`compare`, where each result file is one session).
SyntheticOptions Options(double speed, bool interleaved = true) {
  SyntheticOptions options;
  options.branches = {{.name = "baseline"},
                      {.name = "topic", .relative_speed = speed}};
  options.sizes = {8 << 20};
  options.memory_mib = {256, 512};
  options.interleaved = interleaved;
  options.sessions = 5;
  return options;
}

// A bazel-testlogs tree (outputs.zip files) of a baseline and a topic.
std::string Tree(const std::string& name, double speed,
                 bool interleaved = true) {
  const std::string dir = NewDir(name);
  EXPECT_TRUE(
      WriteBazelTestlogs(dir, MakeSyntheticResults(Options(speed, interleaved)))
          .ok());
  return dir;
}

int Lines(const std::string& text) {
  return std::count(text.begin(), text.end(), '\n');
}

TEST(Cli, ReportWritesAllOutputsAndPrintsTheTable) {
  const std::string tree = Tree("regressed", 0.9);
  const std::string out = Tmp() + "/report-out";
  CliRun run =
      Execute("report", absl::StrCat("--results=", tree,
                                     " --baseline=baseline --out=", out,
                                     " --bootstrap_resamples=500"));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(absl::StartsWith(run.out, "A/A check: 0 of 2 A/A comparisons"))
      << run.out;
  EXPECT_TRUE(absl::StrContains(
      run.out, "| memory | branch | baseline (old) | new | change |"));
  EXPECT_TRUE(absl::StrContains(run.out, "**slower**"));
  for (const char* file : {"cells.csv", "summary.md", "report.html"}) {
    EXPECT_TRUE(fs::exists(out + "/" + file)) << file;
  }
}

TEST(Cli, FailOnRegressionExitsThreeOnlyWhenSlower) {
  const std::string slow = Tree("slow", 0.9);
  const std::string same = Tree("same", 1.0);
  const std::string flags =
      " --baseline=baseline --fail_on_regression --bootstrap_resamples=500";
  CliRun regressed =
      Execute("report",
              absl::StrCat("--results=", slow, " --out=", Tmp(), "/o1", flags));
  EXPECT_EQ(regressed.exit_code, 3) << regressed.err;
  EXPECT_TRUE(absl::StrContains(regressed.err, "regression"));
  CliRun fine = Execute("report", absl::StrCat("--results=", same,
                                               " --out=", Tmp(), "/o2", flags));
  EXPECT_EQ(fine.exit_code, 0) << fine.err;
}

TEST(Cli, CompareRunsAgainstRuns) {
  const std::string a = Tree("run_a", 1.0, /*interleaved=*/false);
  SyntheticOptions slower = Options(1.0, /*interleaved=*/false);
  slower.branches[0].relative_speed = 0.85;
  slower.branches[1].relative_speed = 0.85;
  slower.seed = 9;
  const std::string b = NewDir("run_b");
  ASSERT_TRUE(WriteBazelTestlogs(b, MakeSyntheticResults(slower)).ok());
  CliRun run =
      Execute("compare", absl::StrCat("--a=", a, " --b=", b, " --out=", Tmp(),
                                      "/cmp --fail_on_regression"));
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_TRUE(absl::StrContains(run.err, "slower in run B than in run A"));
  // Each branch of B against the same branch of A, with no filler cells.
  EXPECT_TRUE(absl::StrContains(
      run.out,
      "| memory | baseline (A) | baseline (B) vs A | topic (A) | topic (B) vs "
      "A |"))
      << run.out;
  EXPECT_FALSE(absl::StrContains(run.out, "missing")) << run.out;
  EXPECT_FALSE(absl::StrContains(run.out, "not compared")) << run.out;
  const std::string csv = ReadFile(Tmp() + "/cmp/cells.csv").value_or("");
  EXPECT_TRUE(absl::StrContains(
      csv, absl::StrCat(",topic,", a, ",topic (A),", b, ",topic (B),")))
      << csv;
  CliRun same =
      Execute("compare", absl::StrCat("--a=", a, " --b=", a, " --out=", Tmp(),
                                      "/cmp2 --fail_on_regression"));
  EXPECT_EQ(same.exit_code, 0) << same.err;
}

// A bazel-testlogs tree of `sessions` results of one LOAD cell, every
// latency times `scale`.
std::string LoadTree(const std::string& name, int sessions, double scale) {
  const std::string dir = NewDir(name);
  std::vector<CellResult> results;
  for (int i = 0; i < sessions; ++i) {
    LoadCellOptions o;
    o.seed = 1000 * scale + i;
    o.scale = scale;
    results.push_back(LoadCell(o));
  }
  EXPECT_TRUE(WriteBazelTestlogs(dir, results).ok());
  return dir;
}

TEST(Cli, CompareShowsLatencyPerBranchAndCsvColumns) {
  const std::string a = LoadTree("load_a", 5, 1.0);
  const std::string b = LoadTree("load_b", 5, 1.3);
  const std::string out = Tmp() + "/cmp_latency";
  CliRun run =
      Execute("compare", absl::StrCat("--a=", a, " --b=", b, " --out=", out));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const std::string md = ReadFile(out + "/summary.md").value_or("");
  EXPECT_TRUE(absl::StrContains(md, "## Latency")) << md;
  EXPECT_TRUE(absl::StrContains(
      md, "| branch | units | p50 | p95 | p99 | p50 vs run A | p99 vs run A |"))
      << md;
  // Run B's latencies are 1.3x run A's: higher latency, decided over 5
  // sessions a side.
  EXPECT_TRUE(RE2::PartialMatch(
      md,
      R"(\| baseline \(B\) \| 30 blocks, 24000 requests \| .* \| \+[23][0-9]\.[0-9]% \[\+[0-9.]+%, \+[0-9.]+%\] \*\*slower\*\*)"))
      << md;
  const std::string html = ReadFile(out + "/report.html").value_or("");
  EXPECT_TRUE(absl::StrContains(html, "<h2>Latency</h2>"));
  const std::string csv = ReadFile(out + "/cells.csv").value_or("");
  EXPECT_TRUE(absl::StrContains(csv, ",a_download_p50_s,")) << csv;
  // Latency figures in seconds for both runs, none for uploads.
  EXPECT_TRUE(RE2::PartialMatch(
      csv,
      R"(,0\.0[0-9]+,0\.0[0-9]+,0\.0[0-9]+,,,,0\.0[0-9]+,0\.0[0-9]+,0\.0[0-9]+,,,\r\n)"))
      << csv;
}

TEST(Cli, ReportCsvHasLatencyColumns) {
  const std::string tree = LoadTree("load_report", 1, 1.0);
  const std::string out = Tmp() + "/report_latency";
  CliRun run = Execute(
      "report",
      absl::StrCat("--results=", tree, " --baseline=baseline --out=", out));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const std::string csv = ReadFile(out + "/cells.csv").value_or("");
  EXPECT_TRUE(absl::StrContains(csv, ",sources,download_p50_s,")) << csv;
  EXPECT_TRUE(RE2::PartialMatch(
      csv,
      R"(,fast,candidate,baseline,.*,0\.0[0-9]+,0\.0[0-9]+,0\.0[0-9]+,,,\r\n)"))
      << csv;
}

// Each kind of bad input: exit 2 and exactly one line on stderr.
void ExpectBadInput(const std::string& tree, const std::string& needle,
                    const std::string& baseline = "baseline") {
  CliRun run = Execute(
      "report", absl::StrCat("--results=", tree, " --baseline=", baseline,
                             " --out=", Tmp(), "/bad"));
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_EQ(Lines(run.err), 1) << run.err;
  EXPECT_TRUE(absl::StrContains(run.err, needle)) << run.err;
  EXPECT_TRUE(absl::StartsWith(run.err, "report: ")) << run.err;
}

TEST(Cli, CorruptJsonIsRejected) {
  const std::string tree = Tree("corrupt_json", 1.0);
  ASSERT_TRUE(
      WriteFileAtomically(tree + "/result.json", "{\"spec\": [1,").ok());
  ExpectBadInput(tree, "corrupt result JSON");
}

TEST(Cli, TruncatedZipIsRejected) {
  const std::string tree = Tree("truncated_zip", 1.0);
  std::string zip;
  for (const auto& entry : fs::recursive_directory_iterator(tree)) {
    if (entry.path().filename() == "outputs.zip") zip = entry.path().string();
  }
  ASSERT_FALSE(zip.empty());
  const std::string content = ReadFile(zip).value();
  ASSERT_TRUE(
      WriteFileAtomically(zip, content.substr(0, content.size() / 3)).ok());
  ExpectBadInput(tree, "not a readable zip archive");
}

TEST(Cli, OtherSchemaVersionIsRejected) {
  const std::string tree = NewDir("old_schema");
  CellResult old = MakeSyntheticResults(Options(1.0))[0];
  old.set_schema_version(SCHEMA_VERSION_UNSPECIFIED);
  ASSERT_TRUE(WriteResultJson(tree + "/result.json", old).ok());
  ExpectBadInput(tree, "schema_version");
}

TEST(Cli, EmptyTreeIsRejected) {
  ExpectBadInput(NewDir("empty"), "no results found");
}

TEST(Cli, UnknownBaselineListsTheBranches) {
  ExpectBadInput(Tree("names", 1.0),
                 "branches found: baseline, baseline~aa, topic", "master");
}

TEST(Cli, HelpListsEveryFlagOfEachBinary) {
  const std::map<std::string, std::vector<std::string>> flags = {
      {"report",
       {"results", "baseline", "out", "correction", "test", "min_effect",
        "alpha", "cv_threshold", "warmup", "bootstrap_resamples", "seed",
        "fail_on_regression", "all_invocations"}},
      {"compare",
       {"a", "b", "out", "correction", "test", "min_effect", "alpha",
        "cv_threshold", "warmup", "bootstrap_resamples", "seed",
        "fail_on_regression", "all_invocations"}},
      {"plan",
       {"pilot", "min_effect", "effect", "power", "alpha", "design",
        "max_blocks", "min_blocks"}},
      {"make_synthetic",
       {"out", "iterations", "sequential", "seed", "run_slowdown",
        "interleaved", "blocks", "adaptive", "min_blocks", "machine_cv",
        "sessions", "hours"}},
  };
  for (const auto& [binary, names] : flags) {
    SCOPED_TRACE(binary);
    CliRun run = Execute(binary, "--help");
    EXPECT_EQ(run.exit_code, 0) << run.err;
    for (const std::string& name : names) {
      EXPECT_TRUE(
          absl::StrContains(run.out, absl::StrCat("\n  --", name, "  ")))
          << name << " missing from:\n"
          << run.out;
    }
    // Only this binary's flags: not Abseil's --flagfile and friends.
    EXPECT_FALSE(absl::StrContains(run.out, "--flagfile")) << run.out;
  }
  EXPECT_TRUE(absl::StrContains(Execute("report", "--help").out,
                                "--min_effect  Smallest relative change"));
}

TEST(Cli, UnknownOrMalformedFlagsExitTwoWithOneLine) {
  const std::string tree = Tree("flags", 1.0);
  const std::string good = absl::StrCat(
      "--results=", tree, " --baseline=baseline --out=", Tmp(), "/flags-out");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"report", good + " --min_efect=0.1"},
      {"report", good + " --min_effect=abc"},
      {"report", good + " --bootstrap_resamples=1e9x"},
      {"report", good + " --fail_on_regression=maybe"},
      {"report", good + " stray"},
      {"report", good + " --flagfile=/dev/null"},
      {"compare", "--a=x --b=y --out=z --bogus"},
      {"plan", "--pilot=x --max_blocks=many"},
      {"make_synthetic", "--out=x --iterations"},
  };
  for (const auto& [binary, args] : cases) {
    SCOPED_TRACE(args);
    CliRun run = Execute(binary, args);
    EXPECT_EQ(run.exit_code, 2) << run.err;
    EXPECT_EQ(Lines(run.err), 1) << run.err;
    EXPECT_TRUE(absl::StartsWith(run.err, binary + ": ")) << run.err;
  }
  EXPECT_TRUE(
      absl::StrContains(Execute("report", good + " --min_efect=0.1").err,
                        "unknown flag --min_efect"));
  EXPECT_TRUE(
      absl::StrContains(Execute("report", good + " --min_effect=abc").err,
                        "bad value \"abc\" for --min_effect"));
  // Both spellings of a value and of a boolean still work.
  CliRun fine = Execute("report", absl::StrCat(good,
                                               " --seed 3 --nofail_on_"
                                               "regression"));
  EXPECT_EQ(fine.exit_code, 0) << fine.err;
}

TEST(Cli, RelativePathsResolveAgainstBazelRunsWorkingDirectory) {
  const std::string workspace = NewDir("workspace");
  ASSERT_TRUE(WriteBazelTestlogs(workspace + "/logs",
                                 MakeSyntheticResults(Options(1.0)))
                  .ok());
  // As `bazel run //analysis:report -- --results=logs --out=rep` from the
  // workspace: the binary runs in its runfiles, BUILD_WORKING_DIRECTORY
  // says where the user was; the baseline is the one the results name.
  CliRun run =
      Execute("report", "--results=logs --out=rep --bootstrap_resamples=200",
              absl::StrCat("BUILD_WORKING_DIRECTORY=", workspace));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(fs::exists(workspace + "/rep/summary.md"));
  EXPECT_TRUE(absl::StrContains(run.err, workspace + "/rep/cells.csv"))
      << run.err;
  CliRun synthetic =
      Execute("make_synthetic", "--out=demo",
              absl::StrCat("BUILD_WORKING_DIRECTORY=", workspace));
  EXPECT_EQ(synthetic.exit_code, 0) << synthetic.err;
  EXPECT_TRUE(fs::exists(workspace + "/demo/bazel-testlogs"));
}

// Without --baseline: the baseline the results name (interleaved cells
// record it), else a branch called "baseline" or "main", else one line
// saying what to write.
TEST(Cli, ReportFindsTheBaselineOrSaysWhatToWrite) {
  const std::string named = Tree("named_baseline", 0.8);
  CliRun run = Execute("report", absl::StrCat("--results=", named,
                                              " --out=", Tmp(), "/named-out"));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(absl::StrContains(
      ReadFile(Tmp() + "/named-out/summary.md").value_or(""), "topic"));
  // Sequential results name no baseline; a branch "baseline" is taken.
  const std::string usual = Tree("usual_baseline", 0.8, /*interleaved=*/false);
  run = Execute("report", absl::StrCat("--results=", usual, " --out=", Tmp(),
                                       "/usual-out"));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  // Neither: one line naming the branches found.
  SyntheticOptions odd = Options(0.8, /*interleaved=*/false);
  odd.branches = {{.name = "old"}, {.name = "new", .relative_speed = 0.8}};
  const std::string none = NewDir("no_baseline");
  ASSERT_TRUE(WriteBazelTestlogs(none, MakeSyntheticResults(odd)).ok());
  run = Execute("report", absl::StrCat("--results=", none, " --out=", Tmp(),
                                       "/none-out"));
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_EQ(Lines(run.err), 1) << run.err;
  EXPECT_TRUE(absl::StrContains(run.err, "--baseline=BRANCH is required"))
      << run.err;
  EXPECT_TRUE(absl::StrContains(run.err, "new, old")) << run.err;
}

TEST(Cli, ReportSaysWhenItIgnoredAnEarlierInvocation) {
  const std::string tree = NewDir("reruns");
  // --runs_per_test=3 of every cell, then --runs_per_test=5 later.
  SyntheticOptions first = Options(1.0, /*interleaved=*/false);
  first.sessions = 3;
  first.start_unix_nanos = 1000000000000;
  SyntheticOptions second = Options(0.9, /*interleaved=*/false);
  second.seed = 4;
  ASSERT_TRUE(WriteBazelTestlogs(tree, MakeSyntheticResults(first)).ok());
  ASSERT_TRUE(WriteBazelTestlogs(tree, MakeSyntheticResults(second)).ok());
  const std::string flags = absl::StrCat(
      "--results=", tree, " --baseline=baseline --bootstrap_resamples=200");
  CliRun latest = Execute("report", flags + " --out=" + Tmp() + "/latest");
  EXPECT_EQ(latest.exit_code, 0) << latest.err;
  EXPECT_TRUE(absl::StrContains(
      latest.err,
      "kept the latest invocation (5 result(s) of run_K_of_5), "
      "ignored 3 older result(s) (3 of run_K_of_3)"))
      << latest.err;
  const std::string csv = ReadFile(Tmp() + "/latest/cells.csv").value_or("");
  EXPECT_FALSE(absl::StrContains(csv, "run_1_of_3")) << csv;
  CliRun all =
      Execute("report", flags + " --all_invocations --out=" + Tmp() + "/all");
  EXPECT_EQ(all.exit_code, 0) << all.err;
  EXPECT_TRUE(absl::StrContains(all.err, "pooled (--all_invocations)"))
      << all.err;
  EXPECT_TRUE(absl::StrContains(ReadFile(Tmp() + "/all/cells.csv").value_or(""),
                                "run_1_of_3"));
}

TEST(Cli, ZipClaimingGigabytesIsOneLineNotACrash) {
  const std::string tree = Tree("claims", 1.0);
  std::string zip_path;
  for (const auto& entry : fs::recursive_directory_iterator(tree)) {
    if (entry.path().filename() == "outputs.zip") {
      zip_path = entry.path().string();
    }
  }
  ASSERT_FALSE(zip_path.empty());
  std::string zip = ReadFile(zip_path).value();
  // Both headers of the entry now claim 0xF0000000 bytes uncompressed.
  for (size_t at = 0; (at = zip.find("PK", at)) != std::string::npos; ++at) {
    size_t field = 0;
    if (zip.compare(at, 4, "PK\x03\x04") == 0) field = at + 22;
    if (zip.compare(at, 4, "PK\x01\x02") == 0) field = at + 24;
    if (field != 0) zip.replace(field, 4, "\x00\x00\x00\xF0", 4);
  }
  ASSERT_TRUE(WriteFileAtomically(zip_path, zip).ok());
  ExpectBadInput(tree,
                 "expands past 256 MiB (its header claims 4026531840 bytes); "
                 "not a perfcell result");
}

TEST(Cli, InfiniteSecondsAreIgnoredAndSaid) {
  const std::string tree = NewDir("infinite");
  std::vector<CellResult> results = MakeSyntheticResults(Options(1.0));
  int spoiled = 0;
  for (Iteration& it : *results[0].mutable_iterations()) {
    if (it.branch() == "topic" && !it.warmup() && spoiled < 3) {
      it.set_seconds(INFINITY);
      ++spoiled;
    }
  }
  ASSERT_EQ(spoiled, 3);
  ASSERT_TRUE(WriteBazelTestlogs(tree, results).ok());
  CliRun run =
      Execute("report", absl::StrCat("--results=", tree,
                                     " --baseline=baseline --out=", Tmp(),
                                     "/inf --bootstrap_resamples=200"));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(absl::StrContains(
      run.err, "3 iterations with impossible seconds (Infinity) ignored"))
      << run.err;
  EXPECT_FALSE(absl::StrContains(run.out, "**slower**")) << run.out;
  EXPECT_TRUE(absl::StrContains(
      ReadFile(Tmp() + "/inf/summary.md").value_or(""),
      "3 iterations with impossible seconds (Infinity) ignored"));
}

}  // namespace
}  // namespace perfcell::analysis
