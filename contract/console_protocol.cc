#include "contract/console_protocol.h"

#include <sys/wait.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "re2/re2.h"

namespace perfcell::contract {

ServerExit ServerExit::FromWaitStatus(int wait_status) {
  if (WIFSIGNALED(wait_status)) return Signal(WTERMSIG(wait_status));
  return Code(WEXITSTATUS(wait_status));
}

std::string ServerExit::ToString() const {
  return absl::StrCat(signaled ? "signal=" : "code=", number);
}

std::string ReadyLine(int64_t uptime_ms, int server_pid) {
  return absl::StrCat("PERFCELL READY uptime_ms=", uptime_ms,
                      " server_pid=", server_pid);
}

std::string ServerExitLine(ServerExit exit) {
  return absl::StrCat("PERFCELL SERVER_EXIT ", exit.ToString());
}

std::string ErrorLine(absl::string_view what) {
  std::string text(what);
  std::replace(text.begin(), text.end(), '\n', ' ');
  return absl::StrCat("PERFCELL ERROR ", text);
}

std::string PoweroffLine() { return "PERFCELL POWEROFF"; }

std::optional<ConsoleEvent> ParseConsoleLine(absl::string_view line) {
  static const LazyRE2 kReady = {
      R"(PERFCELL READY uptime_ms=(\d+) server_pid=(\d+)\r?)"};
  static const LazyRE2 kExit = {
      R"(PERFCELL SERVER_EXIT (code|signal)=(\d+)\r?)"};
  static const LazyRE2 kError = {R"(PERFCELL ERROR ([^\r]*)\r?)"};
  static const LazyRE2 kPoweroff = {R"(PERFCELL POWEROFF\r?)"};
  const re2::StringPiece text(line.data(), line.size());
  ConsoleEvent event;
  std::string how;
  if (RE2::FullMatch(text, *kReady, &event.uptime_ms, &event.server_pid)) {
    event.kind = ConsoleEvent::Kind::kReady;
  } else if (RE2::FullMatch(text, *kExit, &how, &event.exit.number)) {
    event.kind = ConsoleEvent::Kind::kServerExit;
    event.exit.signaled = how == "signal";
  } else if (RE2::FullMatch(text, *kError, &event.error)) {
    event.kind = ConsoleEvent::Kind::kError;
  } else if (RE2::FullMatch(text, *kPoweroff)) {
    event.kind = ConsoleEvent::Kind::kPoweroff;
  } else {
    return std::nullopt;
  }
  return event;
}

bool IsReadyLine(absl::string_view line) {
  std::optional<ConsoleEvent> event = ParseConsoleLine(line);
  return event.has_value() && event->kind == ConsoleEvent::Kind::kReady;
}

}  // namespace perfcell::contract
