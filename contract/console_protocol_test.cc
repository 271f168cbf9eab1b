#include "contract/console_protocol.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gtest/gtest.h"

namespace perfcell::contract {
namespace {

using Kind = ConsoleEvent::Kind;

TEST(ConsoleProtocol, FormatsTheDocumentedLines) {
  EXPECT_EQ(ReadyLine(1234, 56), "PERFCELL READY uptime_ms=1234 server_pid=56");
  EXPECT_EQ(ServerExitLine(ServerExit::Code(3)), "PERFCELL SERVER_EXIT code=3");
  EXPECT_EQ(ServerExitLine(ServerExit::Signal(9)),
            "PERFCELL SERVER_EXIT signal=9");
  EXPECT_EQ(PoweroffLine(), "PERFCELL POWEROFF");
  EXPECT_EQ(ErrorLine("a\nb"), "PERFCELL ERROR a b");
}

TEST(ServerExit, FromWaitStatusAsWaitpidReportsIt) {
  int status = 0;
  pid_t pid = fork();
  if (pid == 0) _exit(3);
  waitpid(pid, &status, 0);
  EXPECT_EQ(ServerExit::FromWaitStatus(status).ToString(), "code=3");
  pid = fork();
  if (pid == 0) {
    pause();
    _exit(0);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  EXPECT_EQ(ServerExit::FromWaitStatus(status).ToString(), "signal=9");
}

TEST(ParseConsoleLine, ReadsBackEveryLineItFormats) {
  std::optional<ConsoleEvent> ready = ParseConsoleLine(ReadyLine(900, 7));
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(ready->kind, Kind::kReady);
  EXPECT_EQ(ready->uptime_ms, 900);
  EXPECT_EQ(ready->server_pid, 7);

  std::optional<ConsoleEvent> exit =
      ParseConsoleLine(ServerExitLine(ServerExit::Signal(9)));
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->kind, Kind::kServerExit);
  EXPECT_TRUE(exit->exit.signaled);
  EXPECT_EQ(exit->exit.number, 9);
  exit = ParseConsoleLine(ServerExitLine(ServerExit::Code(2)));
  ASSERT_TRUE(exit.has_value());
  EXPECT_FALSE(exit->exit.signaled);
  EXPECT_EQ(exit->exit.ToString(), "code=2");

  std::optional<ConsoleEvent> error =
      ParseConsoleLine(ErrorLine("mounting /dev/vdc: no space"));
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, Kind::kError);
  EXPECT_EQ(error->error, "mounting /dev/vdc: no space");

  std::optional<ConsoleEvent> off = ParseConsoleLine(PoweroffLine());
  ASSERT_TRUE(off.has_value());
  EXPECT_EQ(off->kind, Kind::kPoweroff);
}

TEST(ParseConsoleLine, IgnoresACarriageReturn) {
  EXPECT_TRUE(IsReadyLine("PERFCELL READY uptime_ms=1 server_pid=2\r"));
  EXPECT_TRUE(ParseConsoleLine("PERFCELL POWEROFF\r").has_value());
}

TEST(ParseConsoleLine, RefusesLookalikes) {
  for (const char* line : {
           "server: PERFCELL READY uptime_ms=1 server_pid=2",
           "echo PERFCELL READY uptime_ms=1 server_pid=2",
           "PERFCELL READY uptime_ms=1 server_pid=2 extra",
           "PERFCELL READY uptime_ms=x server_pid=2",
           "PERFCELL READY",
           "PERFCELL SERVER_EXIT status=3",
           "PERFCELL SERVER_EXIT code=",
           "PERFCELL POWEROFF now",
           "PERFCELL ERROR",
           "perfcell-init: server started, pid 4",
           "",
       }) {
    EXPECT_FALSE(ParseConsoleLine(line).has_value()) << line;
  }
}

}  // namespace
}  // namespace perfcell::contract
