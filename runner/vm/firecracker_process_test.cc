#include "runner/vm/firecracker_process.h"

#include <signal.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perfcell {
namespace {

using ::testing::HasSubstr;

std::string ReadFile(const std::string& path) {
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  return text.str();
}

std::string TmpPath(const std::string& name) {
  return absl::StrCat(getenv("TEST_TMPDIR"), "/", name);
}

TEST(FindExecutable, FindsOnPathAndNamesWhatIsMissing) {
  auto sh = FindExecutable("sh");
  ASSERT_TRUE(sh.ok()) << sh.status();
  EXPECT_THAT(*sh, HasSubstr("/sh"));
  auto missing = FindExecutable("no-such-binary-perfcell");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("no-such-binary-perfcell"));
  EXPECT_FALSE(FindExecutable("/nonexistent/firecracker").ok());
}

TEST(FirstOutputLine, ReturnsTheFirstNonEmptyLine) {
  auto line = FirstOutputLine({*FindExecutable("sh"), "-c",
                               "echo; echo 'Firecracker v1.7.0'; echo more"});
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(*line, "Firecracker v1.7.0");
}

TEST(ChildProcess, SendsOutputAndErrorsToTheFileAndEnvReachesIt) {
  const std::string out = TmpPath("child_output.log");
  auto child = ChildProcess::Spawn(
      {*FindExecutable("sh"), "-c", "echo out $GREETING; echo err >&2; exit 3"},
      {"GREETING=hello"}, out);
  ASSERT_TRUE(child.ok()) << child.status();
  ASSERT_TRUE((*child)->WaitForExit(absl::Seconds(60)));
  EXPECT_EQ((*child)->DescribeExit(), "exited with status 3");
  EXPECT_EQ(ReadFile(out), "out hello\nerr\n");
}

TEST(ChildProcess, DestructorKillsTheWholeProcessGroup) {
  const std::string out = TmpPath("group.log");
  pid_t leader = 0;
  {
    // The shell starts a grandchild and reports its pid, then both sleep.
    auto child = ChildProcess::Spawn(
        {*FindExecutable("sh"), "-c", "sleep 600 & echo $!; wait"}, {}, out);
    ASSERT_TRUE(child.ok()) << child.status();
    leader = (*child)->pid();
    while (ReadFile(out).find('\n') == std::string::npos) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    EXPECT_TRUE((*child)->Running());
  }
  pid_t grandchild = std::stoi(ReadFile(out));
  EXPECT_EQ(kill(leader, 0), -1);
  // The grandchild got SIGKILL with its group: it ends (gone, or a zombie
  // until its new parent reaps it) instead of sleeping for 10 minutes.
  // Waits until then; a failure shows as the test's timeout.
  while (true) {
    std::string stat = ReadFile(absl::StrCat("/proc/", grandchild, "/stat"));
    if (stat.empty() || stat.substr(stat.rfind(')') + 2, 1) == "Z") break;
    absl::SleepFor(absl::Milliseconds(5));
  }
}

TEST(ChildProcess, ReportsAProgramThatCannotBeExecuted) {
  const std::string path = TmpPath("not_executable");
  std::ofstream(path) << "data";
  auto child = ChildProcess::Spawn({path}, {}, TmpPath("x.log"));
  ASSERT_FALSE(child.ok());
  EXPECT_THAT(child.status().message(), HasSubstr("not_executable"));
}

}  // namespace
}  // namespace perfcell
