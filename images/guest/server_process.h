// Starting the server under test and forwarding its output.
//
//   absl::StatusOr<ServerProcess> p = StartServer(config.server(), "/tmp");
//   // p->pid runs argv with env; its stdout and stderr go to p->output_fd.
//   LineForwarder fwd(console_fd, "server: ");
//   fwd.Feed(bytes_read_from_output_fd);  // writes "server: <line>" lines
#ifndef PERFCELL_IMAGES_GUEST_SERVER_PROCESS_H_
#define PERFCELL_IMAGES_GUEST_SERVER_PROCESS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/guest.pb.h"

namespace perfcell::guest {

struct ServerProcess {
  int pid = 0;         // also the id of its own process group (setsid)
  int output_fd = -1;  // read end of its stdout+stderr, non-blocking
};

// The environment the server gets: `env` from the config, plus
// PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin and TMPDIR=`tmp_dir`
// when the config does not set them.
std::vector<std::string> ServerEnvironment(const ServerCommand& command,
                                           const std::string& tmp_dir);

// `env` ("NAME=value") as it may be shown to anyone who can reach the
// guest's metrics port: every value replaced by "<redacted>" except those
// of PATH, TMPDIR, HOME, LANG, LC_*, TZ, PWD, USER, SHELL, TERM and the Go
// runtime's GOGC, GOMAXPROCS, GOMEMLIMIT and GODEBUG (an allowlist: a
// secret's name cannot be guessed); the names stay, so a missing variable
// still shows. argv is shown whole: secrets belong in the environment.
//
//   RedactedEnvironment({"PS_SHARED_SECRET=hunter2", "TMPDIR=/tmp"});
//   // {"PS_SHARED_SECRET=<redacted>", "TMPDIR=/tmp"}
std::vector<std::string> RedactedEnvironment(std::vector<std::string> env);

// Forks and execs `command` in a new session, stdin from /dev/null, in
// working_dir (or "/"). Fails, naming argv[0] and errno, when the exec
// itself fails (the child then exits with 127 and must still be reaped).
absl::StatusOr<ServerProcess> StartServer(const ServerCommand& command,
                                          const std::string& tmp_dir);

// Splits a byte stream into lines and writes each to `fd` with a prefix.
class LineForwarder {
 public:
  LineForwarder(int fd, std::string prefix)
      : fd_(fd), prefix_(std::move(prefix)) {}

  // Writes every complete line in `bytes` (plus what was buffered); keeps
  // the partial tail. A line longer than 4 KiB is written in pieces.
  void Feed(absl::string_view bytes);
  // Writes the buffered partial line, if any.
  void Flush();

 private:
  int fd_;
  std::string prefix_;
  std::string pending_;
};

}  // namespace perfcell::guest

#endif  // PERFCELL_IMAGES_GUEST_SERVER_PROCESS_H_
