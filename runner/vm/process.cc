#include "runner/vm/process.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "tools/cc/atomic_file.h"
#include "tools/cc/errno_status.h"

namespace perfcell {
namespace {

// Process groups of live children, for KillAllChildrenFromSignalHandler().
// A fixed array of atomics: the handler may read it at any moment.
constexpr int kMaxChildren = 64;
std::atomic<pid_t> g_children[kMaxChildren];

void Register(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, pid)) return;
  }
}

void Unregister(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

// Writes a message to fd 2 of the child without allocating, then exits.
[[noreturn]] void ChildFail(int pipe_fd, const char* what) {
  int err = errno;
  (void)!write(pipe_fd, &err, sizeof(err));
  (void)!write(pipe_fd, what, strlen(what));
  _exit(127);
}

bool IsExecutableFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::string ExitStatus::ToString() const {
  if (signal != 0) {
    const char* name = sigabbrev_np(signal);
    return absl::StrCat("killed by SIG", name ? name : std::to_string(signal));
  }
  if (code < 0) return "ended (reaped elsewhere: exit status unknown)";
  return absl::StrCat("exited with code ", code);
}

absl::StatusOr<std::unique_ptr<Process>> Process::Spawn(
    const std::vector<std::string>& argv, const SpawnOptions& options) {
  if (argv.empty()) return absl::InvalidArgumentError("empty command line");
  // Everything the child needs is prepared before fork(): no allocation after.
  std::vector<char*> cargv;
  for (const std::string& a : argv)
    cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    std::string name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const std::string& o : options.env) {
      if (o.substr(0, o.find('=')) == name) replaced = true;
    }
    if (!replaced) env_strings.push_back(entry);
  }
  for (const std::string& o : options.env) env_strings.push_back(o);
  std::vector<char*> cenv;
  for (const std::string& e : env_strings)
    cenv.push_back(const_cast<char*>(e.c_str()));
  cenv.push_back(nullptr);
  std::string out =
      options.output_file.empty() ? "/dev/null" : options.output_file;
  std::string procs =
      options.cgroup_dir.empty() ? "" : options.cgroup_dir + "/cgroup.procs";

  cpu_set_t cpu_set;
  CPU_ZERO(&cpu_set);
  for (int cpu : options.cpus) {
    if (cpu < 0 || cpu >= CPU_SETSIZE) {
      return absl::InvalidArgumentError(
          absl::StrCat("CPU ", cpu, " is out of range for ", argv[0]));
    }
    CPU_SET(cpu, &cpu_set);
  }

  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    return ErrnoStatus(errno, "pipe");
  }
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    close(report[0]);
    close(report[1]);
    return ErrnoStatus(errno, "fork");
  }
  if (pid == 0) {
    close(report[0]);
    setpgid(0, 0);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) ChildFail(report[1], "prctl");
    if (getppid() != parent) _exit(126);  // parent died before prctl
    int in = open("/dev/null", O_RDONLY);
    int fd = open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (in < 0 || fd < 0) ChildFail(report[1], "opening the output file");
    dup2(in, 0);
    dup2(fd, 1);
    dup2(fd, 2);
    if (!options.working_dir.empty() &&
        chdir(options.working_dir.c_str()) != 0) {
      ChildFail(report[1], "chdir");
    }
    if (!options.cpus.empty() &&
        sched_setaffinity(0, sizeof(cpu_set), &cpu_set) != 0) {
      ChildFail(report[1], "sched_setaffinity");
    }
    if (options.rlimit_as_bytes > 0) {
      struct rlimit rl = {options.rlimit_as_bytes, options.rlimit_as_bytes};
      if (setrlimit(RLIMIT_AS, &rl) != 0) ChildFail(report[1], "setrlimit");
    }
    if (!procs.empty()) {
      int cg = open(procs.c_str(), O_WRONLY);
      if (cg < 0 || write(cg, "0", 1) != 1)
        ChildFail(report[1], "joining the cgroup");
      close(cg);
    }
    execvpe(cargv[0], cargv.data(), cenv.data());
    ChildFail(report[1], "exec");
  }
  close(report[1]);
  setpgid(pid, pid);  // also from the parent, so Kill() works at once
  int err = 0;
  char what[128] = {0};
  ssize_t n = read(report[0], &err, sizeof(err));
  if (n == sizeof(err)) {
    ssize_t m = read(report[0], what, sizeof(what) - 1);
    (void)m;
  }
  close(report[0]);
  Register(pid);
  auto process = std::unique_ptr<Process>(new Process(pid));
  if (n == sizeof(err)) {
    process->Reap(/*block=*/true);
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot start \"", argv[0], "\": ", what, ": ", strerror(err)));
  }
  return process;
}

Process::~Process() {
  if (!status_.has_value()) Kill();
  // Children of the child live on in its group after it was reaped.
  kill(-pid_, SIGKILL);
  Unregister(pid_);
}

void KillAllChildrenFromSignalHandler() {
  for (auto& slot : g_children) {
    pid_t pid = slot.load();
    if (pid > 0) kill(-pid, SIGKILL);
  }
}

bool Process::Reap(bool block) {
  if (status_.has_value()) return true;
  int wstatus = 0;
  pid_t r;
  do {
    r = waitpid(pid_, &wstatus, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r < 0 && errno == ECHILD) {
    // Reaped by someone else (e.g. SIGCHLD ignored): gone, how is unknown.
    status_ = ExitStatus();
    return true;
  }
  if (r != pid_) return false;
  ExitStatus s;
  if (WIFSIGNALED(wstatus)) {
    s.signal = WTERMSIG(wstatus);
  } else {
    s.code = WEXITSTATUS(wstatus);
  }
  status_ = s;
  return true;
}

bool Process::Running() { return !Reap(/*block=*/false); }

std::optional<ExitStatus> Process::WaitFor(absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (!Reap(/*block=*/false)) {
    if (absl::Now() >= deadline) return std::nullopt;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return status_;
}

void Process::Signal(int sig) {
  if (status_.has_value()) return;
  if (kill(-pid_, sig) != 0) kill(pid_, sig);
}

ExitStatus Process::Kill() {
  if (!status_.has_value()) {
    Signal(SIGKILL);
    Reap(/*block=*/true);
  }
  return *status_;
}

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

absl::StatusOr<std::string> RunCommand(const std::vector<std::string>& argv,
                                       absl::Duration timeout) {
  char tmpl[] = "/tmp/perfcell-cmd.XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) return ErrnoStatus(errno, "mkstemp");
  close(fd);
  SpawnOptions options;
  options.output_file = tmpl;
  absl::StatusOr<std::unique_ptr<Process>> p = Process::Spawn(argv, options);
  if (!p.ok()) {
    unlink(tmpl);
    return p.status();
  }
  std::optional<ExitStatus> status = (*p)->WaitFor(timeout);
  std::string text = ReadFile(tmpl).value_or("");
  unlink(tmpl);
  std::string cmd = absl::StrJoin(argv, " ");
  if (!status.has_value()) {
    (*p)->Kill();
    return absl::DeadlineExceededError(absl::StrCat(
        "\"", cmd, "\" did not finish within ", absl::FormatDuration(timeout)));
  }
  if (status->code != 0) {
    return absl::InternalError(
        absl::StrCat("\"", cmd, "\" ", status->ToString(), ": ", text));
  }
  return text;
}

}  // namespace perfcell
