#include "images/guest/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perfcell::guest {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ReadAll(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) out.append(buf, n);
  return out;
}

TEST(LineForwarder, PrefixesCompleteLinesAndKeepsTheTail) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  LineForwarder fwd(p[1], "server: ");
  fwd.Feed("hello\nwor");
  fwd.Feed("ld\r\npartial");
  fwd.Flush();
  close(p[1]);
  EXPECT_EQ(ReadAll(p[0]), "server: hello\nserver: world\nserver: partial\n");
  close(p[0]);
}

TEST(ServerEnvironment, AddsPathAndTmpdirUnlessSet) {
  ServerCommand c;
  c.add_env("PORT=8080");
  std::vector<std::string> env = ServerEnvironment(c, "/tmp");
  EXPECT_THAT(env, Contains("PORT=8080"));
  EXPECT_THAT(env, Contains("TMPDIR=/tmp"));
  c.add_env("TMPDIR=/data/tmp");
  c.add_env("PATH=/x");
  env = ServerEnvironment(c, "/tmp");
  EXPECT_EQ(env.size(), 3u);
}

TEST(StartServer, RunsArgvWithEnvInWorkingDir) {
  ServerCommand c;
  c.add_argv("/bin/sh");
  c.add_argv("-c");
  c.add_argv("echo \"$GREETING from $(pwd)\"; echo oops >&2; exit 3");
  c.add_env("GREETING=hi");
  c.set_working_dir("/usr");
  absl::StatusOr<ServerProcess> p = StartServer(c, "/tmp");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(ReadAll(p->output_fd), "hi from /usr\noops\n");
  int status = 0;
  ASSERT_EQ(waitpid(p->pid, &status, 0), p->pid);
  EXPECT_EQ(WEXITSTATUS(status), 3);
  close(p->output_fd);
}

TEST(RedactedEnvironment, ShowsOnlyHarmlessValuesAndEveryName) {
  EXPECT_THAT(RedactedEnvironment({"PS_SHARED_SECRET=hunter2", "TMPDIR=/tmp",
                                   "api_token=abc", "DB_PASS=x=y", "LC_ALL=C",
                                   "GOMAXPROCS=2", "PATH=/bin", "NOEQUALS"}),
              ElementsAre("PS_SHARED_SECRET=<redacted>", "TMPDIR=/tmp",
                          "api_token=<redacted>", "DB_PASS=<redacted>",
                          "LC_ALL=C", "GOMAXPROCS=2", "PATH=/bin", "NOEQUALS"));
}

TEST(StartServer, ExecFailureNamesTheProgram) {
  ServerCommand c;
  c.add_argv("/nonexistent/server");
  absl::StatusOr<ServerProcess> p = StartServer(c, "/tmp");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.status().message(), HasSubstr("/nonexistent/server"));
  EXPECT_THAT(p.status().message(), HasSubstr("No such file"));
  while (waitpid(-1, nullptr, 0) > 0) {
  }
}

}  // namespace
}  // namespace perfcell::guest
