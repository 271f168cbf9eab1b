#include "runner/vm/console_log.h"

#include <fstream>
#include <string>

#include "absl/time/clock.h"
#include "contract/console_protocol.h"
#include "gtest/gtest.h"
#include "runner/vm/guest_client.h"

namespace perfcell {
namespace {

std::string WriteLog(const std::string& name, const std::string& text) {
  std::string path = std::string(getenv("TEST_TMPDIR")) + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(ConsoleLog, FindsTheReadyLineAcrossPartialWrites) {
  std::string path = WriteLog("ready.log", "[    1.0] booting\r\nPERFCELL REA");
  ConsoleLog log(path);
  auto none = log.WaitForLine("a READY line", contract::IsReadyLine,
                              absl::Now(), [] { return true; });
  EXPECT_EQ(none.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(none.status().message(), "no console line: a READY line in time");
  std::ofstream(path, std::ios::app) << "DY uptime_ms=900 server_pid=7\n";
  auto line =
      log.WaitForLine("a READY line", contract::IsReadyLine,
                      absl::Now() + absl::Seconds(5), [] { return true; });
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(*line, "PERFCELL READY uptime_ms=900 server_pid=7");
}

TEST(ConsoleLog, StopsWaitingWhenTheWriterEnded) {
  ConsoleLog log(WriteLog("dead.log", "Kernel panic\n"));
  auto line =
      log.WaitForLine("a READY line", contract::IsReadyLine,
                      absl::Now() + absl::Hours(1), [] { return false; });
  EXPECT_EQ(line.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(line.status().message(),
            "the console writer ended before printing a READY line");
  EXPECT_NE(log.Tail(5).find("Kernel panic"), std::string::npos);
}

TEST(ConsoleLog, ASeverOutputLookalikeIsNotReady) {
  ConsoleLog log(WriteLog("lookalike.log",
                          "server: PERFCELL READY uptime_ms=1 server_pid=2\n"
                          "PERFCELL READY uptime_ms=3 server_pid=4\n"));
  auto line = log.WaitForLine("a READY line", contract::IsReadyLine,
                              absl::Now(), [] { return true; });
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(*line, "PERFCELL READY uptime_ms=3 server_pid=4");
}

TEST(GuestFailureFromConsole, NamesTheOomVictim) {
  ConsoleLog log(WriteLog("oom.log",
                          "PERFCELL READY uptime_ms=1 server_pid=50\n"
                          "[   9.1] Out of memory: Killed process 50 "
                          "(chunkstore) total-vm:300000kB\n"
                          "PERFCELL SERVER_EXIT signal=9\n"));
  absl::Status s = GuestFailureFromConsole(log);
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(s.message().find("chunkstore"), std::string::npos) << s;
}

TEST(GuestFailureFromConsole, ReportsServerExitAndInitErrors) {
  ConsoleLog exited(WriteLog("exit.log", "PERFCELL SERVER_EXIT code=2\n"));
  EXPECT_NE(GuestFailureFromConsole(exited).message().find("code=2"),
            std::string::npos);
  ConsoleLog error(
      WriteLog("err.log", "PERFCELL ERROR mounting /dev/vdc: no space\n"));
  EXPECT_NE(GuestFailureFromConsole(error).message().find("no space"),
            std::string::npos);
  ConsoleLog fine(
      WriteLog("fine.log", "PERFCELL READY uptime_ms=1 server_pid=2\n"));
  EXPECT_TRUE(GuestFailureFromConsole(fine).ok());
  // What the server prints is forwarded with a prefix: never the init's.
  ConsoleLog echoed(WriteLog("echo.log",
                             "server: PERFCELL ERROR not the init\n"
                             "server: PERFCELL SERVER_EXIT code=1\n"));
  EXPECT_TRUE(GuestFailureFromConsole(echoed).ok());
}

}  // namespace
}  // namespace perfcell
