// A child process that cannot outlive its parent.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<Process> p,
//                    Process::Spawn({"qemu-system-x86_64", ...}, options));
//   p->Running();               // true while it runs
//   p->WaitFor(absl::Seconds(5));  // exit status once it ended
//   p->Kill();                  // SIGKILL to its process group, then reaps
//
// Every child gets PR_SET_PDEATHSIG(SIGKILL), so it dies with the test
// process even when that is killed with SIGKILL, and runs in a process group
// of its own, which Kill() and the destructor end as a whole.
#ifndef PERFCELL_RUNNER_VM_PROCESS_H_
#define PERFCELL_RUNNER_VM_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace perfcell {

struct SpawnOptions {
  // stdout and stderr both go here (appended); empty means /dev/null.
  std::string output_file;
  // Environment entries "NAME=value" added to (or replacing in) the parent's.
  std::vector<std::string> env;
  // Resource limit on the address space in bytes; 0 for none.
  uint64_t rlimit_as_bytes = 0;
  // Write the child's pid into this cgroup's cgroup.procs before exec; empty
  // for none.
  std::string cgroup_dir;
  std::string working_dir;
  // CPUs the child may run on (sched_setaffinity before exec); empty: the
  // parent's.
  std::vector<int> cpus;
};

// How a process ended. code -1 with signal 0: it ended, but someone else
// reaped it (e.g. SIGCHLD ignored), so how is unknown.
struct ExitStatus {
  int code = -1;                 // exit code, or -1 when killed by a signal
  int signal = 0;                // terminating signal, or 0
  std::string ToString() const;  // "exited with code 1", "killed by SIGKILL"
};

class Process {
 public:
  // Starts argv[0] (searched on PATH). Fails when it cannot be executed
  // (the error names the program).
  static absl::StatusOr<std::unique_ptr<Process>> Spawn(
      const std::vector<std::string>& argv, const SpawnOptions& options);

  ~Process();  // Kill() when still running.
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }

  // True until the process has ended (reaps it when it has).
  bool Running();

  // Waits up to `timeout` for the end; returns the exit status, or nullopt
  // when it is still running.
  std::optional<ExitStatus> WaitFor(absl::Duration timeout);

  // Sends `sig` to the process group.
  void Signal(int sig);

  // SIGKILL to the process group, then reaps the process.
  ExitStatus Kill();

  // The exit status once ended.
  std::optional<ExitStatus> exit_status() const { return status_; }

 private:
  explicit Process(pid_t pid) : pid_(pid) {}
  bool Reap(bool block);

  pid_t pid_;
  std::optional<ExitStatus> status_;
};

// The path of `name`: itself when it contains a '/', else the first
// executable regular file of that name in a $PATH directory. NotFound (naming
// it, and the PATH searched) otherwise.
absl::StatusOr<std::string> FindExecutable(const std::string& name);

// SIGKILLs the process group of every child Process::Spawn started that has
// not been reaped yet. Async-signal-safe: for a SIGTERM handler that must
// not leave VMs or servers (and their children) behind.
void KillAllChildrenFromSignalHandler();

// Runs a command to completion and returns its stdout (stderr is appended on
// failure to the error). For short tool invocations, e.g. `--version`.
absl::StatusOr<std::string> RunCommand(const std::vector<std::string>& argv,
                                       absl::Duration timeout);

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_VM_PROCESS_H_
