#include "images/guest/console_lines.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/str_cat.h"

namespace perfcell::guest {

std::string ReadyLine(int64_t uptime_ms, int server_pid) {
  return absl::StrCat("PERFCELL READY uptime_ms=", uptime_ms,
                      " server_pid=", server_pid);
}

std::string ServerExitLine(int wait_status) {
  if (WIFSIGNALED(wait_status)) {
    return absl::StrCat("PERFCELL SERVER_EXIT signal=", WTERMSIG(wait_status));
  }
  return absl::StrCat("PERFCELL SERVER_EXIT code=", WEXITSTATUS(wait_status));
}

std::string ErrorLine(absl::string_view what) {
  std::string text(what);
  std::replace(text.begin(), text.end(), '\n', ' ');
  return absl::StrCat("PERFCELL ERROR ", text);
}

std::string PoweroffLine() { return "PERFCELL POWEROFF"; }

void WriteLine(int fd, absl::string_view line) {
  std::string buf = absl::StrCat(line, "\n");
  const char* p = buf.data();
  size_t left = buf.size();
  while (left > 0) {
    ssize_t n = write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace perfcell::guest
