#include "runner/vm/process.h"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace perfcell {
namespace {

std::string TmpPath(const std::string& name) {
  return std::string(getenv("TEST_TMPDIR")) + "/" + name;
}

TEST(Process, ReportsExitCodeAndOutput) {
  SpawnOptions options;
  options.output_file = TmpPath("out.txt");
  options.env = {"GREETING=hello"};
  auto p = Process::Spawn({"sh", "-c", "echo $GREETING; exit 3"}, options);
  ASSERT_TRUE(p.ok()) << p.status();
  std::optional<ExitStatus> s = (*p)->WaitFor(absl::Seconds(30));
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->code, 3);
  EXPECT_EQ(s->ToString(), "exited with code 3");
  std::ifstream in(options.output_file);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "hello\n");
}

TEST(Process, MissingProgramIsAClearError) {
  auto p = Process::Spawn({"/nonexistent/qemu"}, SpawnOptions());
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("/nonexistent/qemu"), std::string::npos)
      << p.status();
}

TEST(Process, KillEndsTheWholeProcessGroup) {
  std::string pidfile = TmpPath("grandchild.pid");
  auto p = Process::Spawn(
      {"sh", "-c", "sleep 1000 & echo $! > " + pidfile + "; wait"},
      SpawnOptions());
  ASSERT_TRUE(p.ok());
  pid_t grandchild = 0;
  for (int i = 0; i < 500 && grandchild == 0; ++i) {
    std::ifstream in(pidfile);
    in >> grandchild;
    if (grandchild == 0) usleep(10000);
  }
  ASSERT_GT(grandchild, 0);
  ExitStatus s = (*p)->Kill();
  EXPECT_EQ(s.signal, SIGKILL);
  // The grandchild was in the same group: it is gone (or a zombie of init).
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    std::ifstream stat("/proc/" + std::to_string(grandchild) + "/stat");
    std::string line;
    std::getline(stat, line);
    gone = line.empty() || line.find(") Z") != std::string::npos;
    if (!gone) usleep(10000);
  }
  EXPECT_TRUE(gone);
}

TEST(Process, DestructorKillsARunningChild) {
  pid_t pid;
  {
    auto p = Process::Spawn({"sleep", "1000"}, SpawnOptions());
    ASSERT_TRUE(p.ok());
    pid = (*p)->pid();
    EXPECT_TRUE((*p)->Running());
  }
  EXPECT_NE(kill(pid, 0), 0);
}

TEST(Process, AddressSpaceLimitApplies) {
  SpawnOptions options;
  options.rlimit_as_bytes = 64 << 20;
  options.output_file = TmpPath("limit.txt");
  auto p = Process::Spawn({"sh", "-c", "ulimit -v"}, options);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE((*p)->WaitFor(absl::Seconds(30)).has_value());
  std::ifstream in(options.output_file);
  std::string kib;
  in >> kib;
  EXPECT_EQ(kib, "65536");
}

TEST(Process, AChildReapedElsewhereCountsAsEnded) {
  // With SIGCHLD ignored the kernel reaps children itself: waitpid() fails
  // with ECHILD, which must read as "ended", not as "still running".
  struct sigaction ignore = {}, old = {};
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(sigaction(SIGCHLD, &ignore, &old), 0);
  auto p = Process::Spawn({"true"}, SpawnOptions());
  std::optional<ExitStatus> s;
  if (p.ok()) s = (*p)->WaitFor(absl::Seconds(30));
  sigaction(SIGCHLD, &old, nullptr);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_TRUE(s.has_value());
  EXPECT_FALSE((*p)->Running());
  EXPECT_EQ(s->ToString(), "ended (reaped elsewhere: exit status unknown)");
  EXPECT_EQ((*p)->Kill().signal, 0);  // nothing left to kill
}

TEST(FindExecutable, FindsOnPathAndNamesWhatIsMissing) {
  auto sh = FindExecutable("sh");
  ASSERT_TRUE(sh.ok()) << sh.status();
  EXPECT_NE(sh->find("/sh"), std::string::npos) << *sh;
  EXPECT_EQ(*FindExecutable(*sh), *sh);  // a path is taken as it is
  auto missing = FindExecutable("no-such-binary-perfcell");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("\"no-such-binary-perfcell\""),
            std::string::npos)
      << missing.status();
  EXPECT_EQ(FindExecutable("/nonexistent/firecracker").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(FindExecutable, SkipsFilesThatAreNotExecutable) {
  std::string path = TmpPath("not_executable");
  std::ofstream(path) << "data";
  EXPECT_EQ(FindExecutable(path).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FindExecutable(std::string(getenv("TEST_TMPDIR"))).status().code(),
            absl::StatusCode::kNotFound);  // a directory
}

TEST(RunCommand, ReturnsStdoutOrTheFailure) {
  EXPECT_EQ(
      *RunCommand({"echo", "QEMU emulator version 7.2"}, absl::Seconds(30)),
      "QEMU emulator version 7.2\n");
  auto bad =
      RunCommand({"sh", "-c", "echo boom >&2; exit 2"}, absl::Seconds(30));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("boom"), std::string::npos);
  auto slow = RunCommand({"sleep", "100"}, absl::Milliseconds(200));
  EXPECT_EQ(slow.status().code(), absl::StatusCode::kDeadlineExceeded);
}

}  // namespace
}  // namespace perfcell
