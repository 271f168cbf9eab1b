// Reading the guest's serial console (Firecracker's stdout, in a log file)
// for the lines of the guest contract in proto/guest.proto.
//
//   ConsoleTail tail("/tmp/cell/console.log");
//   tail.Poll();                                // reads what was appended
//   FindReadyLine(tail.text());                 // {uptime_ms, server_pid}
//   GuestFailureFromConsole(tail.text());       // "server exited with code 2"
//   LastLines(tail.text(), 20);                 // for error messages
#ifndef PERFCELL_RUNNER_VM_FIRECRACKER_CONSOLE_H_
#define PERFCELL_RUNNER_VM_FIRECRACKER_CONSOLE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace perfcell {

struct ReadyLine {
  int64_t uptime_ms = 0;
  int64_t server_pid = 0;
};

// The first complete `PERFCELL READY uptime_ms=<n> server_pid=<n>` line, if
// any. A line still being written (no newline yet) does not count.
std::optional<ReadyLine> FindReadyLine(absl::string_view console);

// OK while the console shows no failure; otherwise an Aborted status saying
// what the guest reported, the OOM killer first (it is usually why the
// server exited):
//   "Out of memory: Killed process 42 (server) ..." -> "the guest's OOM
//       killer killed a process: Out of memory: Killed process 42 ..."
//   "PERFCELL SERVER_EXIT code=2"    -> "the server exited with code 2"
//   "PERFCELL SERVER_EXIT signal=9"  -> "the server was killed by signal 9"
//   "PERFCELL ERROR <text>"          -> "the guest init failed: <text>"
absl::Status GuestFailureFromConsole(absl::string_view console);

// The last `count` lines of `console` (fewer if it has fewer), each
// prefixed with "  | " for quoting in an error message; "  (console is
// empty)" when there is nothing.
std::string LastLines(absl::string_view console, int count);

// Follows a growing file: Poll() appends what was written since the last
// call to text().
class ConsoleTail {
 public:
  explicit ConsoleTail(std::string path) : path_(std::move(path)) {}

  // Reads new bytes; a file that does not exist yet reads as empty.
  absl::Status Poll();
  const std::string& text() const { return text_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string text_;
};

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_VM_FIRECRACKER_CONSOLE_H_
