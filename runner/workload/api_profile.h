// API profiles: how the workload logs in to a server under test and puts it
// back to an empty state between iterations, selected by the CellSpec's
// `api_profile` name.
//
//   "chunkstore"  login, then POST /api/debug/db/clear after each iteration
//                 (perfcell's reference server has the route).
//   "picoshare"   login, then DELETE /api/entry/<id> of every entry the
//                 iteration made (a PicoShare release has no clear route).
//   "in-memory"   as chunkstore, for a server that keeps its entries in
//                 memory only (test doubles such as
//                 runner/workload/testing/fake_picoshare).
//
// A profile also says whether the server's data survives a restart
// (`restart_keeps_data`): chunkstore and PicoShare keep theirs in SQLite on
// the data disk, so download_cold restarts them before each cold read; an
// in-memory server would lose the file, so it is only dropped from the
// page cache.
//
//   ASSIGN_OR_RETURN(ApiProfile profile, ApiProfileByName(spec.api_profile()));
//   RETURN_IF_ERROR(ResetServer(profile, api, {"AbCdEfGhIj"}));
#ifndef PERFCELL_RUNNER_WORKLOAD_API_PROFILE_H_
#define PERFCELL_RUNNER_WORKLOAD_API_PROFILE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "runner/workload/picoshare_api.h"

namespace perfcell {

enum class ResetMode {
  kDebugClear,     // POST /api/debug/db/clear
  kDeleteEntries,  // DELETE /api/entry/<id> of each entry made
};

struct ApiProfile {
  std::string name;
  ResetMode reset;
  // The server keeps what it stores across a restart (on the data disk), so
  // a cold read may restart it first.
  bool restart_keeps_data = false;
};

// Returns the profile called `name`. InvalidArgument naming the known
// profiles for any other name:
//   ApiProfileByName("picoshare")->reset;  // ResetMode::kDeleteEntries
//   ApiProfileByName("nginx");  // error: unknown API profile "nginx" (known:
//                               // chunkstore, in-memory, picoshare)
absl::StatusOr<ApiProfile> ApiProfileByName(absl::string_view name);

// The names ApiProfileByName accepts, sorted.
std::vector<std::string> ApiProfileNames();

// Puts the server back to empty per `profile`: one debug clear, or one DELETE
// per id in `entry_ids` (in order; stops at the first failure).
absl::Status ResetServer(const ApiProfile& profile, PicoShareApi& api,
                         const std::vector<std::string>& entry_ids);

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_WORKLOAD_API_PROFILE_H_
