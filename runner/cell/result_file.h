// Keeps a cell's result on disk while the cell runs: result.pb (binary) and
// result.json (protobuf's JSON mapping), rewritten atomically, so a run killed
// at any moment leaves a complete, readable result of what was measured up to
// its last save (SaveIfDue: after every iteration while that is cheap).
//
//   ResultFile file("/out");
//   file.result().set_status(CellResult::RUNNING);
//   RETURN_IF_ERROR(file.Save());
//   file.InstallKillHandler();  // SIGTERM/SIGINT: save "killed" and exit
#ifndef PERFCELL_RUNNER_CELL_RESULT_FILE_H_
#define PERFCELL_RUNNER_CELL_RESULT_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "contract/result_files.h"
#include "proto/cell.pb.h"

namespace perfcell {

class ResultFile {
 public:
  explicit ResultFile(std::string dir);

  CellResult& result() { return result_; }

  // Writes result.pb and result.json atomically. Also prepares what the kill
  // handler writes: the same result marked FAILED "killed by signal".
  absl::Status Save();
  // Save() unless the last save ended less than 20 times its own duration
  // (at most 1 s) ago: iterations slower than that are saved one by one, and
  // saving never takes more than ~5 % of the cell's time (rewriting a result
  // of 10,000 iterations after each of them made a cell quadratic, with
  // serializing and fsyncing between the requests being measured). What a
  // later save would write is only in memory until then: at most 1 s of
  // iterations.
  absl::Status SaveIfDue();

  // On SIGTERM or SIGINT (Bazel's timeout, Ctrl-C), writes the prepared
  // "killed" result with async-signal-safe calls only and exits with 128+sig.
  // Child processes die with the cell through PR_SET_PDEATHSIG.
  void InstallKillHandler();

  std::string pb_path() const { return absl::StrCat(dir_, "/", kResultPbFile); }
  std::string json_path() const {
    return absl::StrCat(dir_, "/", kResultJsonFile);
  }

 private:
  absl::Status Write();

  std::string dir_;
  CellResult result_;
  absl::Time last_save_end_ = absl::InfinitePast();
  absl::Duration last_save_cost_ = absl::ZeroDuration();
};

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_CELL_RESULT_FILE_H_
