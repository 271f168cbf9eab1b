#include "runner/vm/firecracker_console.h"

#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perfcell {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(FindReadyLine, ReadsUptimeAndServerPid) {
  auto ready = FindReadyLine(
      "[    0.1] Run /init\nPERFCELL READY uptime_ms=812 server_pid=57\n");
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(ready->uptime_ms, 812);
  EXPECT_EQ(ready->server_pid, 57);
}

TEST(FindReadyLine, IgnoresLinesStillBeingWrittenAndLookalikes) {
  EXPECT_FALSE(FindReadyLine("PERFCELL READY uptime_ms=812 server_pid=5"));
  EXPECT_FALSE(FindReadyLine("echo PERFCELL READY uptime_ms=1 server_pid=2\n"));
  EXPECT_FALSE(FindReadyLine("PERFCELL READY\n"));
  EXPECT_TRUE(FindReadyLine("PERFCELL READY uptime_ms=1 server_pid=2\r\n"));
}

TEST(GuestFailureFromConsole, OkForAHealthyConsole) {
  EXPECT_TRUE(GuestFailureFromConsole(
                  "PERFCELL READY uptime_ms=1 server_pid=2\nhello\n")
                  .ok());
}

TEST(GuestFailureFromConsole, ReportsTheOomKillerFirst) {
  absl::Status status = GuestFailureFromConsole(
      "PERFCELL READY uptime_ms=1 server_pid=2\n"
      "[   12.5] Out of memory: Killed process 2 (server) total-vm:9kB\n"
      "PERFCELL SERVER_EXIT signal=9\n");
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_THAT(status.message(), HasSubstr("OOM killer"));
  EXPECT_THAT(status.message(),
              HasSubstr("Out of memory: Killed process 2 (server)"));
}

TEST(GuestFailureFromConsole, ReportsServerExitAndInitErrors) {
  EXPECT_THAT(
      GuestFailureFromConsole("PERFCELL SERVER_EXIT code=2\n").message(),
      HasSubstr("the server exited with code 2"));
  EXPECT_THAT(
      GuestFailureFromConsole("PERFCELL SERVER_EXIT signal=11\n").message(),
      HasSubstr("killed by signal 11"));
  EXPECT_THAT(GuestFailureFromConsole("PERFCELL ERROR no /payload/perfcell\n")
                  .message(),
              HasSubstr("the guest init failed: no /payload/perfcell"));
}

TEST(LastLines, QuotesTheTail) {
  std::string console;
  for (int i = 1; i <= 30; ++i) absl::StrAppend(&console, "line ", i, "\n");
  std::string tail = LastLines(console, 20);
  EXPECT_THAT(tail, HasSubstr("  | line 11\n"));
  EXPECT_THAT(tail, HasSubstr("  | line 30"));
  EXPECT_THAT(tail, Not(HasSubstr("line 10\n")));
  EXPECT_EQ(LastLines("", 20), "  (console is empty)");
}

TEST(ConsoleTail, FollowsAGrowingFile) {
  const std::string path =
      absl::StrCat(getenv("TEST_TMPDIR"), "/console_tail.log");
  ConsoleTail tail(path);
  ASSERT_TRUE(tail.Poll().ok());  // not there yet: empty
  EXPECT_EQ(tail.text(), "");
  std::ofstream(path) << "first\n";
  ASSERT_TRUE(tail.Poll().ok());
  EXPECT_EQ(tail.text(), "first\n");
  std::ofstream(path, std::ios::app) << "second\n";
  ASSERT_TRUE(tail.Poll().ok());
  EXPECT_EQ(tail.text(), "first\nsecond\n");
}

}  // namespace
}  // namespace perfcell
