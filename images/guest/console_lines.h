// The lines perfcell-init prints for the host-side runner (proto/guest.proto
// is the contract). Each function returns one line without its newline.
//
//   ReadyLine(1234, 56)        -> "PERFCELL READY uptime_ms=1234 server_pid=56"
//   ServerExitLine(0x300)      -> "PERFCELL SERVER_EXIT code=3"
//   ErrorLine("mount /data: No such device")
//                              -> "PERFCELL ERROR mount /data: No such device"
#ifndef PERFCELL_IMAGES_GUEST_CONSOLE_LINES_H_
#define PERFCELL_IMAGES_GUEST_CONSOLE_LINES_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace perfcell::guest {

std::string ReadyLine(int64_t uptime_ms, int server_pid);
// `wait_status` as waitpid() reports it: "code=N" for an exit, "signal=N"
// for a death by signal.
std::string ServerExitLine(int wait_status);
// Newlines in `what` become spaces: the error stays one line.
std::string ErrorLine(absl::string_view what);
std::string PoweroffLine();

// Writes `line` and a newline to `fd` in one write() so that lines from
// different sources never interleave mid-line. Retries on EINTR and short
// writes; gives up silently on other errors (the console is best effort).
void WriteLine(int fd, absl::string_view line);

}  // namespace perfcell::guest

#endif  // PERFCELL_IMAGES_GUEST_CONSOLE_LINES_H_
