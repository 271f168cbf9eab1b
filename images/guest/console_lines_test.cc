#include "images/guest/console_lines.h"

#include <sys/wait.h>
#include <unistd.h>

#include "gtest/gtest.h"

namespace perfcell::guest {
namespace {

TEST(ConsoleLines, MatchTheGuestContract) {
  EXPECT_EQ(ReadyLine(1234, 56), "PERFCELL READY uptime_ms=1234 server_pid=56");
  EXPECT_EQ(PoweroffLine(), "PERFCELL POWEROFF");
  EXPECT_EQ(ErrorLine("a\nb"), "PERFCELL ERROR a b");
}

TEST(ServerExitLine, ExitCodeOrSignalAsWaitpidReportsThem) {
  int status = 0;
  pid_t pid = fork();
  if (pid == 0) _exit(3);
  waitpid(pid, &status, 0);
  EXPECT_EQ(ServerExitLine(status), "PERFCELL SERVER_EXIT code=3");
  pid = fork();
  if (pid == 0) {
    pause();
    _exit(0);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  EXPECT_EQ(ServerExitLine(status), "PERFCELL SERVER_EXIT signal=9");
}

}  // namespace
}  // namespace perfcell::guest
