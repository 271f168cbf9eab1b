#include "runner/vm/firecracker_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

extern char** environ;

namespace perfcell {
namespace {

bool IsExecutableFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         access(path.c_str(), X_OK) == 0;
}

absl::Status ErrnoError(absl::string_view what, int error) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(error)));
}

// The environment for the child: `extra_env` first, then ours minus the
// names `extra_env` sets.
std::vector<std::string> MergedEnvironment(
    const std::vector<std::string>& extra_env) {
  std::vector<std::string> env = extra_env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    absl::string_view current = *entry;
    absl::string_view name = current.substr(0, current.find('='));
    bool overridden = false;
    for (const std::string& extra : extra_env) {
      if (absl::string_view(extra).substr(0, extra.find('=')) == name) {
        overridden = true;
      }
    }
    if (!overridden) env.emplace_back(current);
  }
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

absl::StatusOr<std::string> FindExecutable(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    if (IsExecutableFile(name)) return name;
    return absl::NotFoundError(
        absl::StrCat("\"", name, "\" is not an executable file"));
  }
  const char* path = std::getenv("PATH");
  for (absl::string_view dir :
       absl::StrSplit(path == nullptr ? "" : path, ':', absl::SkipEmpty())) {
    std::string candidate = absl::StrCat(dir, "/", name);
    if (IsExecutableFile(candidate)) return candidate;
  }
  return absl::NotFoundError(absl::StrCat("\"", name,
                                          "\" was not found on PATH (",
                                          path == nullptr ? "" : path, ")"));
}

absl::StatusOr<std::string> FirstOutputLine(
    const std::vector<std::string>& argv) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return ErrnoError("pipe2", errno);
  std::vector<std::string> args = argv;
  std::vector<char*> c_args = CStrings(args);
  pid_t pid = fork();
  if (pid < 0) {
    int error = errno;
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return ErrnoError("fork", error);
  }
  if (pid == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    int null_fd = open("/dev/null", O_RDWR);
    if (null_fd >= 0) {
      dup2(null_fd, STDIN_FILENO);
      dup2(null_fd, STDERR_FILENO);
    }
    execv(c_args[0], c_args.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  std::string output;
  char buffer[4096];
  ssize_t n;
  while ((n = read(pipe_fds[0], buffer, sizeof(buffer))) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    output.append(buffer, static_cast<size_t>(n));
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  for (absl::string_view line : absl::StrSplit(output, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!line.empty()) return std::string(line);
  }
  return absl::InternalError(
      absl::StrCat("\"", argv[0], "\" printed nothing on stdout (wait status ",
                   status, ")"));
}

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(
    const std::vector<std::string>& argv,
    const std::vector<std::string>& extra_env, const std::string& output_path) {
  if (argv.empty()) return absl::InvalidArgumentError("empty argv");
  int out_fd = open(output_path.c_str(),
                    O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out_fd < 0) {
    return ErrnoError(absl::StrCat("opening \"", output_path, "\""), errno);
  }
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  // exec failures travel back through this pipe (closed on a good exec).
  int exec_pipe[2];
  if (null_fd < 0 || pipe2(exec_pipe, O_CLOEXEC) != 0) {
    int error = errno;
    close(out_fd);
    if (null_fd >= 0) close(null_fd);
    return ErrnoError("preparing to spawn", error);
  }
  // Everything the child needs is built before fork(): after it, only
  // async-signal-safe calls.
  std::vector<std::string> args = argv;
  std::vector<std::string> env = MergedEnvironment(extra_env);
  std::vector<char*> c_args = CStrings(args);
  std::vector<char*> c_env = CStrings(env);
  const pid_t parent = getpid();

  pid_t pid = fork();
  if (pid < 0) {
    int error = errno;
    close(out_fd);
    close(null_fd);
    close(exec_pipe[0]);
    close(exec_pipe[1]);
    return ErrnoError("fork", error);
  }
  if (pid == 0) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the parent died already
    dup2(null_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(out_fd, STDERR_FILENO);
    execve(c_args[0], c_args.data(), c_env.data());
    int error = errno;
    (void)!write(exec_pipe[1], &error, sizeof(error));
    _exit(127);
  }
  setpgid(pid, pid);  // also here, so Kill() works whichever runs first
  close(out_fd);
  close(null_fd);
  close(exec_pipe[1]);
  int exec_error = 0;
  ssize_t n;
  do {
    n = read(exec_pipe[0], &exec_error, sizeof(exec_error));
  } while (n < 0 && errno == EINTR);
  close(exec_pipe[0]);
  std::unique_ptr<ChildProcess> child(new ChildProcess(pid));
  if (n == sizeof(exec_error)) {
    child->WaitForExit(absl::InfiniteDuration());
    return ErrnoError(absl::StrCat("executing \"", argv[0], "\""), exec_error);
  }
  return child;
}

ChildProcess::~ChildProcess() { Kill(); }

bool ChildProcess::Running() {
  if (wait_status_.has_value()) return false;
  int status = 0;
  pid_t reaped;
  do {
    reaped = waitpid(pid_, &status, WNOHANG);
  } while (reaped < 0 && errno == EINTR);
  if (reaped == pid_) {
    wait_status_ = status;
    return false;
  }
  // ECHILD: someone else reaped it; it is gone either way.
  if (reaped < 0) {
    wait_status_ = -1;
    return false;
  }
  return true;
}

bool ChildProcess::WaitForExit(absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (Running()) {
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return true;
}

void ChildProcess::Kill() {
  // Once the leader is reaped its id may be reused: signal only before.
  if (!Running()) return;
  kill(-pid_, SIGKILL);
  kill(pid_, SIGKILL);
  WaitForExit(absl::InfiniteDuration());
}

std::string ChildProcess::DescribeExit() {
  if (Running()) return "still running";
  int status = *wait_status_;
  if (status == -1) return "ended (reaped elsewhere)";
  if (WIFEXITED(status)) {
    return absl::StrCat("exited with status ", WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) {
    return absl::StrCat("killed by signal ", WTERMSIG(status));
  }
  return absl::StrCat("ended with wait status ", status);
}

}  // namespace perfcell
