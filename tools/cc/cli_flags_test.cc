#include "tools/cc/cli_flags.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"

ABSL_FLAG(std::string, out, "", "Where the output goes.");
ABSL_FLAG(int, rounds, 3, "How many rounds.");
ABSL_FLAG(bool, gzip, false, "Compress the output.");

namespace perfcell {
namespace {

struct Parsed {
  std::optional<int> exit;
  std::string out, err;
  std::vector<std::string> after;
};

Parsed Parse(std::vector<std::string> args, bool takes_after_dashes = false) {
  absl::SetFlag(&FLAGS_out, "");
  absl::SetFlag(&FLAGS_rounds, 3);
  absl::SetFlag(&FLAGS_gzip, false);
  args.insert(args.begin(), "tool");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  Parsed run;
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  run.exit = ParseCliFlags(static_cast<int>(argv.size()), argv.data(), "tool",
                           "tool --out=FILE",
                           takes_after_dashes ? &run.after : nullptr);
  run.out = testing::internal::GetCapturedStdout();
  run.err = testing::internal::GetCapturedStderr();
  return run;
}

TEST(ParseCliFlags, SetsEveryFormOfFlag) {
  const Parsed run = Parse({"--out=a.txt", "-rounds", "7", "--gzip"});
  EXPECT_FALSE(run.exit.has_value()) << run.err;
  EXPECT_EQ(absl::GetFlag(FLAGS_out), "a.txt");
  EXPECT_EQ(absl::GetFlag(FLAGS_rounds), 7);
  EXPECT_TRUE(absl::GetFlag(FLAGS_gzip));
  EXPECT_FALSE(Parse({"--gzip", "--nogzip"}).exit.has_value());
  EXPECT_FALSE(absl::GetFlag(FLAGS_gzip));
}

TEST(ParseCliFlags, HelpListsEveryFlagOfTheBinaryWithItsDefault) {
  const Parsed run = Parse({"--help"});
  EXPECT_EQ(run.exit, 0);
  EXPECT_TRUE(absl::StartsWith(run.out, "tool: tool --out=FILE")) << run.out;
  EXPECT_TRUE(absl::StrContains(run.out, "--out  Where the output goes."))
      << run.out;
  EXPECT_TRUE(absl::StrContains(run.out,
                                "--rounds  How many rounds. "
                                "(default: 3)"))
      << run.out;
  EXPECT_TRUE(absl::StrContains(run.out, "--gzip  Compress the output."));
  // Abseil's own flags are not the user's business.
  EXPECT_FALSE(absl::StrContains(run.out, "--flagfile")) << run.out;
  EXPECT_EQ(Parse({"-h"}).exit, 0);
}

TEST(ParseCliFlags, EveryBadInputIsOneLineAndExit2) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--no_such_flag"},
                                             {"--rounds=many"},
                                             {"--rounds"},
                                             {"stray"},
                                             {"--out=x", "--", "server-arg"},
                                             {"--flagfile=/etc/passwd"},
                                             {"--noout"}}) {
    const Parsed run = Parse(args);
    SCOPED_TRACE(args[0]);
    EXPECT_EQ(run.exit, 2);
    EXPECT_TRUE(absl::StartsWith(run.err, "tool: ")) << run.err;
    EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << run.err;
  }
  EXPECT_TRUE(absl::StrContains(Parse({"--no_such_flag"}).err,
                                "unknown flag --no_such_flag"));
  EXPECT_TRUE(absl::StrContains(Parse({"--rounds"}).err, "needs a value"));
}

TEST(ParseCliFlags, ArgumentsAfterDashesGoBackWhenTheBinaryTakesThem) {
  const Parsed run = Parse({"--out=x", "--", "--port=4", "-v"}, true);
  EXPECT_FALSE(run.exit.has_value()) << run.err;
  EXPECT_EQ(run.after, (std::vector<std::string>{"--port=4", "-v"}));
  EXPECT_EQ(absl::GetFlag(FLAGS_out), "x");
}

TEST(UserPath, RelativeToWhereBazelRunStarted) {
  ::setenv("BUILD_WORKING_DIRECTORY", "/home/me/src", 1);
  EXPECT_EQ(UserPath("results"), "/home/me/src/results");
  EXPECT_EQ(UserPath("/abs/results"), "/abs/results");
  EXPECT_EQ(UserPath(""), "");
  ::unsetenv("BUILD_WORKING_DIRECTORY");
  EXPECT_EQ(UserPath("results"), "results");
}

}  // namespace
}  // namespace perfcell
