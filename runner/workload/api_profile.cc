#include "runner/workload/api_profile.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace perfcell {
namespace {

const std::vector<ApiProfile>& Profiles() {
  static const auto* profiles = new std::vector<ApiProfile>{
      {"chunkstore", ResetMode::kDebugClear, /*restart_keeps_data=*/true},
      {"in-memory", ResetMode::kDebugClear, /*restart_keeps_data=*/false},
      {"picoshare", ResetMode::kDeleteEntries, /*restart_keeps_data=*/true},
  };
  return *profiles;
}

}  // namespace

absl::StatusOr<ApiProfile> ApiProfileByName(absl::string_view name) {
  for (const ApiProfile& profile : Profiles()) {
    if (profile.name == name) return profile;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown API profile \"", name,
                   "\" (known: ", absl::StrJoin(ApiProfileNames(), ", "), ")"));
}

std::vector<std::string> ApiProfileNames() {
  std::vector<std::string> names;
  for (const ApiProfile& profile : Profiles()) names.push_back(profile.name);
  return names;
}

absl::Status ResetServer(const ApiProfile& profile, PicoShareApi& api,
                         const std::vector<std::string>& entry_ids) {
  switch (profile.reset) {
    case ResetMode::kDebugClear:
      return api.ClearDatabase();
    case ResetMode::kDeleteEntries:
      for (const std::string& id : entry_ids) {
        absl::Status status = api.DeleteEntry(id);
        if (!status.ok()) return status;
      }
      return absl::OkStatus();
  }
  return absl::InternalError("unhandled reset mode");
}

}  // namespace perfcell
