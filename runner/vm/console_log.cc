#include "runner/vm/console_log.h"

#include <fstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace perfcell {

const std::vector<std::string>& ConsoleLog::Lines() {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return lines_;
  in.seekg(static_cast<std::streamoff>(offset_));
  char buf[65536];
  while (in.read(buf, sizeof(buf)) || in.gcount() > 0) {
    std::streamsize n = in.gcount();
    offset_ += static_cast<uint64_t>(n);
    for (std::streamsize i = 0; i < n; ++i) {
      char c = buf[i];
      if (c == '\r') continue;
      if (c == '\n') {
        lines_.push_back(std::move(partial_));
        partial_.clear();
      } else {
        partial_.push_back(c);
      }
    }
  }
  return lines_;
}

absl::StatusOr<std::string> ConsoleLog::WaitForLine(
    absl::string_view what,
    const std::function<bool(absl::string_view)>& matches, absl::Time deadline,
    const std::function<bool()>& alive) {
  while (true) {
    bool was_alive = alive();
    const std::vector<std::string>& lines = Lines();
    for (; scanned_ < lines.size(); ++scanned_) {
      if (matches(lines[scanned_])) return lines[scanned_++];
    }
    if (!was_alive) {
      return absl::AbortedError(
          absl::StrCat("the console writer ended before printing ", what));
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("no console line: ", what, " in time"));
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
}

std::string ConsoleLog::Find(const re2::RE2& pattern) {
  for (const std::string& line : Lines()) {
    if (re2::RE2::PartialMatch(line, pattern)) return line;
  }
  return "";
}

std::string ConsoleLog::Tail(int n) {
  Lines();
  std::string out;
  size_t start = lines_.size() > static_cast<size_t>(n) ? lines_.size() - n : 0;
  for (size_t i = start; i < lines_.size(); ++i) {
    absl::StrAppend(&out, "    | ", lines_[i], "\n");
  }
  if (!partial_.empty()) absl::StrAppend(&out, "    | ", partial_, "\n");
  if (out.empty()) out = "    (the console log is empty)\n";
  return out;
}

}  // namespace perfcell
