// Test helpers that run the chunkstore binary as a child process, as
// perfcell's runner does, and look at what it left in its data folder.
//
//   Child child({"--port=0", "--shared_secret=s", "--data_dir=" + NewDir()},
//               {});
//   const int port = child.WaitListening();  // 0 if it exited first
//   TestClient client(port);
//   ...
//   child.Terminate();  // SIGTERM, then its wait status
#ifndef PERFCELL_EXAMPLES_CHUNKSTORE_CHUNKSTORE_CHILD_H_
#define PERFCELL_EXAMPLES_CHUNKSTORE_CHUNKSTORE_CHILD_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace chunkstore_test {

// Returns a new empty folder under $TEST_TMPDIR.
std::string NewDir();

// Returns the content of the file at `path`, "" when it cannot be read.
std::string ReadAll(const std::string& path);

// The chunkstore binary (examples/chunkstore/chunkstore in the test's
// runfiles) running as a child, its stderr in a file.
class Child {
 public:
  // Starts the binary with `args`; `env` entries replace or (with an empty
  // value) remove variables of this process's environment.
  Child(const std::vector<std::string>& args,
        const std::map<std::string, std::string>& env);
  // The same for another server binary (runfiles path) that prints the same
  // "listening on 0.0.0.0:PORT" line.
  Child(const std::string& binary, const std::vector<std::string>& args,
        const std::map<std::string, std::string>& env);
  // Kills the child (SIGKILL) if it still runs.
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Waits for the "listening on" line; returns the port, or 0 if the
  // process exited first (or never said it within 30 s).
  int WaitListening();
  // Waits for the process to exit; returns its wait status.
  int Wait();
  // Sends SIGTERM; returns the wait status.
  int Terminate();
  // Peak resident set size in KiB (VmHWM), or -1.
  int64_t PeakRssKib() const;

  std::string Stderr() const { return ReadAll(log_); }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::string log_;
  pid_t pid_ = -1;
  int status_ = 0;
  bool exited_ = false;
};

// Returns SELECT COUNT(*) FROM `from` in the SQLite database at `db_path`
// (`from` may carry a WHERE clause), or -1 when the query fails.
int64_t CountRows(const std::string& db_path, const std::string& from);

}  // namespace chunkstore_test

#endif  // PERFCELL_EXAMPLES_CHUNKSTORE_CHUNKSTORE_CHILD_H_
