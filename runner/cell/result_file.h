// Keeps a cell's result on disk while the cell runs: result.pb (binary) and
// result.json (protobuf's JSON mapping), rewritten atomically after every
// change, so a run killed at any moment leaves a complete, readable result of
// everything measured so far.
//
//   ResultFile file("/out");
//   file.result().set_status(CellResult::RUNNING);
//   RETURN_IF_ERROR(file.Save());
//   file.InstallKillHandler();  // SIGTERM/SIGINT: save "killed" and exit
#ifndef PERFCELL_RUNNER_CELL_RESULT_FILE_H_
#define PERFCELL_RUNNER_CELL_RESULT_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "proto/cell.pb.h"

namespace perfcell {

class ResultFile {
 public:
  explicit ResultFile(std::string dir);

  CellResult& result() { return result_; }

  // Writes result.pb and result.json atomically. Also prepares what the kill
  // handler writes: the same result marked FAILED "killed by signal".
  absl::Status Save();

  // On SIGTERM or SIGINT (Bazel's timeout, Ctrl-C), writes the prepared
  // "killed" result with async-signal-safe calls only and exits with 128+sig.
  // Child processes die with the cell through PR_SET_PDEATHSIG.
  void InstallKillHandler();

  std::string pb_path() const { return dir_ + "/result.pb"; }
  std::string json_path() const { return dir_ + "/result.json"; }

 private:
  std::string dir_;
  CellResult result_;
};

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_CELL_RESULT_FILE_H_
