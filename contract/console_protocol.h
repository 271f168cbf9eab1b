// The lines the guest init prints on the serial console for the runner, one
// line each, and their parser. The guest formats them, every backend and
// stand-in waits for them through ParseConsoleLine.
//
//   PERFCELL READY uptime_ms=<n> server_pid=<n>
//       the server's TCP port accepts connections: the VM is ready.
//   PERFCELL SERVER_EXIT code=<n> | signal=<n>
//       the server process ended (status as waitpid reports it).
//   PERFCELL ERROR <text>
//       the init could not do what it was asked; it powers off next.
//   PERFCELL POWEROFF
//       about to power the VM off (after sync and unmount).
//
//   ReadyLine(1234, 56)  -> "PERFCELL READY uptime_ms=1234 server_pid=56"
//   std::optional<ConsoleEvent> e = ParseConsoleLine(line);
//   if (e && e->kind == ConsoleEvent::Kind::kReady) ...  // e->server_pid
//
// A line counts only when it is exactly one of these (no prefix, nothing
// after it): the server's own output reaches the console prefixed with
// "server: ", so a server cannot print a line the runner would believe.
#ifndef PERFCELL_CONTRACT_CONSOLE_PROTOCOL_H_
#define PERFCELL_CONTRACT_CONSOLE_PROTOCOL_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace perfcell::contract {

// How the server ended: an exit code, or the signal that killed it.
struct ServerExit {
  bool signaled = false;
  int number = 0;  // the exit code, or the signal number

  // From the status waitpid() reports.
  static ServerExit FromWaitStatus(int wait_status);
  static ServerExit Code(int code) { return {false, code}; }
  static ServerExit Signal(int signal) { return {true, signal}; }
  // "code=3", "signal=9".
  std::string ToString() const;
};

std::string ReadyLine(int64_t uptime_ms, int server_pid);
std::string ServerExitLine(ServerExit exit);
// Newlines in `what` become spaces: the error stays one line.
std::string ErrorLine(absl::string_view what);
std::string PoweroffLine();

// One parsed console line.
struct ConsoleEvent {
  enum class Kind { kReady, kServerExit, kError, kPoweroff };
  Kind kind = Kind::kReady;
  int64_t uptime_ms = 0;  // kReady
  int server_pid = 0;     // kReady
  ServerExit exit;        // kServerExit
  std::string error;      // kError: the text after "PERFCELL ERROR "
};

// The event `line` (without its newline; a trailing '\r' is ignored)
// announces, or nullopt when it is not a protocol line.
std::optional<ConsoleEvent> ParseConsoleLine(absl::string_view line);

// Whether `line` is a READY line.
bool IsReadyLine(absl::string_view line);

}  // namespace perfcell::contract

#endif  // PERFCELL_CONTRACT_CONSOLE_PROTOCOL_H_
