#include "runner/vm/firecracker_console.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "re2/re2.h"

namespace perfcell {
namespace {

// Only complete lines: the text up to and including the last newline.
// (RE2 here takes its own re2::StringPiece, not absl::string_view.)
re2::StringPiece CompleteLines(absl::string_view console) {
  size_t end = console.rfind('\n');
  return end == absl::string_view::npos
             ? re2::StringPiece()
             : re2::StringPiece(console.data(), end + 1);
}

}  // namespace

std::optional<ReadyLine> FindReadyLine(absl::string_view console) {
  static const LazyRE2 kReady = {
      R"((?m)^PERFCELL READY uptime_ms=(\d+) server_pid=(\d+)\r?$)"};
  ReadyLine ready;
  re2::StringPiece complete = CompleteLines(console);
  if (!RE2::PartialMatch(complete, *kReady, &ready.uptime_ms,
                         &ready.server_pid)) {
    return std::nullopt;
  }
  return ready;
}

absl::Status GuestFailureFromConsole(absl::string_view console) {
  re2::StringPiece complete = CompleteLines(console);
  static const LazyRE2 kOom = {
      R"((?m)^(?:\[[ \d.]+\] )?(Out of memory: Killed process [^\r\n]*))"};
  static const LazyRE2 kExitCode = {R"((?m)^PERFCELL SERVER_EXIT code=(\d+))"};
  static const LazyRE2 kExitSignal = {
      R"((?m)^PERFCELL SERVER_EXIT signal=(\d+))"};
  static const LazyRE2 kError = {R"((?m)^PERFCELL ERROR ([^\r\n]*))"};
  std::string text;
  int number = 0;
  if (RE2::PartialMatch(complete, *kOom, &text)) {
    return absl::AbortedError(
        absl::StrCat("the guest's OOM killer killed a process: ", text));
  }
  if (RE2::PartialMatch(complete, *kExitCode, &number)) {
    return absl::AbortedError(
        absl::StrCat("the server exited with code ", number));
  }
  if (RE2::PartialMatch(complete, *kExitSignal, &number)) {
    return absl::AbortedError(
        absl::StrCat("the server was killed by signal ", number));
  }
  if (RE2::PartialMatch(complete, *kError, &text)) {
    return absl::AbortedError(absl::StrCat("the guest init failed: ", text));
  }
  return absl::OkStatus();
}

std::string LastLines(absl::string_view console, int count) {
  std::vector<absl::string_view> lines =
      absl::StrSplit(console, '\n', absl::SkipEmpty());
  if (lines.empty()) return "  (console is empty)";
  size_t first = lines.size() > static_cast<size_t>(count)
                     ? lines.size() - static_cast<size_t>(count)
                     : 0;
  std::vector<std::string> quoted;
  for (size_t i = first; i < lines.size(); ++i) {
    absl::string_view line = lines[i];
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    quoted.push_back(absl::StrCat("  | ", line));
  }
  return absl::StrJoin(quoted, "\n");
}

absl::Status ConsoleTail::Poll() {
  int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return absl::OkStatus();
    return absl::InternalError(absl::StrCat("opening console log \"", path_,
                                            "\": ", std::strerror(errno)));
  }
  char buffer[16 * 1024];
  off_t offset = static_cast<off_t>(text_.size());
  while (true) {
    ssize_t n = pread(fd, buffer, sizeof(buffer), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text_.append(buffer, static_cast<size_t>(n));
    offset += n;
  }
  close(fd);
  return absl::OkStatus();
}

}  // namespace perfcell
