// API profiles: how the workload logs in to a server under test and puts it
// back to an empty state between iterations, selected by the CellSpec's
// `api_profile` name.
//
//   "chunkstore"  login, then POST /api/debug/db/clear after each iteration
//                 (perfcell's reference server has the route).
//   "picoshare"   login, then DELETE /api/entry/<id> of every entry the
//                 iteration made (a PicoShare release has no clear route).
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
};

// Returns the profile called `name`. InvalidArgument naming the known
// profiles for any other name:
//   ApiProfileByName("picoshare")->reset;  // ResetMode::kDeleteEntries
//   ApiProfileByName("nginx");  // error: unknown API profile "nginx" (known:
//                               // chunkstore, picoshare)
absl::StatusOr<ApiProfile> ApiProfileByName(absl::string_view name);

// The names ApiProfileByName accepts, sorted.
std::vector<std::string> ApiProfileNames();

// Puts the server back to empty per `profile`: one debug clear, or one DELETE
// per id in `entry_ids` (in order; stops at the first failure).
absl::Status ResetServer(const ApiProfile& profile, PicoShareApi& api,
                         const std::vector<std::string>& entry_ids);

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_WORKLOAD_API_PROFILE_H_
