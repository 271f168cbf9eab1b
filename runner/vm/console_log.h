// Reads a serial console log that another process is still writing.
//
//   ConsoleLog log("/out/console.log");
//   absl::StatusOr<std::string> line = log.WaitForLine(
//       "a READY line", contract::IsReadyLine, deadline, is_alive);
//   log.Tail(20);  // the last 20 lines, for error messages
#ifndef PERFCELL_RUNNER_VM_CONSOLE_LOG_H_
#define PERFCELL_RUNNER_VM_CONSOLE_LOG_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "re2/re2.h"

namespace perfcell {

class ConsoleLog {
 public:
  explicit ConsoleLog(std::string path) : path_(std::move(path)) {}

  // Reads what was appended since the last call; returns the complete lines
  // seen so far (carriage returns dropped).
  const std::vector<std::string>& Lines();

  // Polls until `matches` accepts a line and returns it. Fails with
  // DeadlineExceeded at `deadline`, or with Aborted as soon as `alive`
  // returns false (the writer ended) and no matching line is left to read;
  // both errors name `what` ("a READY line").
  absl::StatusOr<std::string> WaitForLine(
      absl::string_view what,
      const std::function<bool(absl::string_view)>& matches,
      absl::Time deadline, const std::function<bool()>& alive);

  // First line (in the whole log) that partially matches `pattern`, or "".
  std::string Find(const re2::RE2& pattern);

  // The last `n` lines, joined with newlines, indented for error messages.
  std::string Tail(int n);

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  uint64_t offset_ = 0;
  std::string partial_;
  std::vector<std::string> lines_;
  size_t scanned_ = 0;  // lines already checked by WaitForLine
};

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_VM_CONSOLE_LOG_H_
