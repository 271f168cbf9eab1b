// The Firecracker process: found on PATH, started in its own process group
// with its stdout and stderr going to a file, and killed with everything it
// started when its owner goes away.
//
//   ASSIGN_OR_RETURN(std::string binary, FindExecutable("firecracker"));
//   ASSIGN_OR_RETURN(auto process, ChildProcess::Spawn(
//       {binary, "--api-sock", "/tmp/w/api.sock"}, {}, "/tmp/w/console.log"));
//   process->WaitForExit(absl::Seconds(5));  // true once it exited
//   process->DescribeExit();                 // "exited with status 0"
#ifndef PERFCELL_RUNNER_VM_FIRECRACKER_PROCESS_H_
#define PERFCELL_RUNNER_VM_FIRECRACKER_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace perfcell {

// The path of `name`: itself when it contains a '/', else the first
// executable match in $PATH. NotFound otherwise.
absl::StatusOr<std::string> FindExecutable(const std::string& name);

// Runs `argv` (argv[0] a path) to completion and returns the first non-empty
// line it printed on stdout, e.g. "Firecracker v1.7.0" for
// {"firecracker", "--version"}.
absl::StatusOr<std::string> FirstOutputLine(
    const std::vector<std::string>& argv);

class ChildProcess {
 public:
  // Starts argv[0] (a path) with `argv`, the environment of this process
  // plus `extra_env` ("NAME=value", overriding), stdin from /dev/null and
  // stdout + stderr appended to `output_path`. The child leads its own
  // process group and gets SIGKILL when the thread that spawned it exits
  // (PR_SET_PDEATHSIG): spawn from a thread that outlives the child, e.g.
  // the test's main thread.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Spawn(
      const std::vector<std::string>& argv,
      const std::vector<std::string>& extra_env,
      const std::string& output_path);

  // Kills the process group if the process still runs, and reaps it.
  ~ChildProcess();

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  // Whether the process still runs (reaps it when it ended).
  bool Running();

  // Waits up to `timeout` for the process to end; true when it has.
  bool WaitForExit(absl::Duration timeout);

  // SIGKILL to the whole process group, then reaps. Idempotent.
  void Kill();

  // "still running", "exited with status 1", "killed by signal 9".
  std::string DescribeExit();

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}

  const pid_t pid_;
  std::optional<int> wait_status_;
};

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_VM_FIRECRACKER_PROCESS_H_
