#include "images/guest/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "images/guest/console_lines.h"

namespace perfcell::guest {
namespace {

constexpr size_t kMaxLine = 4096;

bool HasVariable(const ServerCommand& command, absl::string_view name) {
  for (const std::string& env : command.env()) {
    if (absl::StartsWith(env, absl::StrCat(name, "="))) return true;
  }
  return false;
}

// In the child: never returns.
[[noreturn]] void ExecChild(const ServerCommand& command,
                            const std::vector<std::string>& env, int out_fd,
                            int report_fd) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGTERM, SIGINT, SIGCHLD, SIGPIPE, SIGHUP}) {
    signal(sig, SIG_DFL);
  }
  setsid();
  int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0) dup2(null_fd, 0);
  dup2(out_fd, 1);
  dup2(out_fd, 2);
  const std::string dir =
      command.working_dir().empty() ? "/" : command.working_dir();
  int err = 0;
  if (chdir(dir.c_str()) != 0) {
    err = errno;
  } else {
    std::vector<char*> argv, envp;
    for (const std::string& a : command.argv()) {
      argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    for (const std::string& e : env)
      envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    execve(argv[0], argv.data(), envp.data());
    err = errno;
  }
  // Tell the parent why; it reports the error.
  (void)!write(report_fd, &err, sizeof(err));
  _exit(127);
}

}  // namespace

std::vector<std::string> ServerEnvironment(const ServerCommand& command,
                                           const std::string& tmp_dir) {
  std::vector<std::string> env(command.env().begin(), command.env().end());
  if (!HasVariable(command, "PATH")) {
    env.push_back("PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
  }
  if (!HasVariable(command, "TMPDIR")) env.push_back("TMPDIR=" + tmp_dir);
  return env;
}

std::vector<std::string> RedactedEnvironment(std::vector<std::string> env) {
  static constexpr absl::string_view kShown[] = {
      "PATH",  "TMPDIR", "HOME", "LANG",       "TZ",         "PWD",    "USER",
      "SHELL", "TERM",   "GOGC", "GOMAXPROCS", "GOMEMLIMIT", "GODEBUG"};
  for (std::string& e : env) {
    const size_t eq = e.find('=');
    if (eq == std::string::npos) continue;
    const absl::string_view name = absl::string_view(e).substr(0, eq);
    const bool shown = absl::StartsWith(name, "LC_") ||
                       std::find(std::begin(kShown), std::end(kShown), name) !=
                           std::end(kShown);
    if (!shown) e = absl::StrCat(name, "=<redacted>");
  }
  return env;
}

absl::StatusOr<ServerProcess> StartServer(const ServerCommand& command,
                                          const std::string& tmp_dir) {
  std::vector<std::string> env = ServerEnvironment(command, tmp_dir);
  int out[2], report[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", strerror(errno)));
  }
  if (pipe2(report, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return absl::InternalError(absl::StrCat("pipe: ", strerror(errno)));
  }
  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    for (int fd : {out[0], out[1], report[0], report[1]}) close(fd);
    return absl::InternalError(absl::StrCat("fork: ", strerror(err)));
  }
  if (pid == 0) ExecChild(command, env, out[1], report[1]);
  close(out[1]);
  close(report[1]);
  int err = 0;
  ssize_t n;
  do {
    n = read(report[0], &err, sizeof(err));
  } while (n < 0 && errno == EINTR);
  close(report[0]);
  if (n == sizeof(err)) {
    close(out[0]);
    return absl::FailedPreconditionError(absl::StrCat(
        "starting the server ", command.argv(0), " in ",
        command.working_dir().empty() ? "/" : command.working_dir(), ": ",
        strerror(err)));
  }
  fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
  return ServerProcess{pid, out[0]};
}

void LineForwarder::Feed(absl::string_view bytes) {
  pending_.append(bytes.data(), bytes.size());
  size_t start = 0;
  while (true) {
    size_t nl = pending_.find('\n', start);
    if (nl == std::string::npos) {
      if (pending_.size() - start >= kMaxLine) {
        WriteLine(fd_, absl::StrCat(prefix_, absl::string_view(pending_).substr(
                                                 start, kMaxLine)));
        start += kMaxLine;
        continue;
      }
      break;
    }
    absl::string_view line(pending_.data() + start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    WriteLine(fd_, absl::StrCat(prefix_, line));
    start = nl + 1;
  }
  pending_.erase(0, start);
}

void LineForwarder::Flush() {
  if (!pending_.empty()) WriteLine(fd_, absl::StrCat(prefix_, pending_));
  pending_.clear();
}

}  // namespace perfcell::guest
