// Writing lines to the guest's console. What the lines say for the runner
// is contract/console_protocol.h.
//
//   WriteLine(console_fd, contract::ReadyLine(uptime_ms, server_pid));
#ifndef PERFCELL_IMAGES_GUEST_CONSOLE_LINES_H_
#define PERFCELL_IMAGES_GUEST_CONSOLE_LINES_H_

#include "absl/strings/string_view.h"

namespace perfcell::guest {

// Writes `line` and a newline to `fd` in one write() so that lines from
// different sources never interleave mid-line. Retries on EINTR and short
// writes; gives up silently on other errors (the console is best effort).
void WriteLine(int fd, absl::string_view line);

}  // namespace perfcell::guest

#endif  // PERFCELL_IMAGES_GUEST_CONSOLE_LINES_H_
