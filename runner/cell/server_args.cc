#include "runner/cell/server_args.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "contract/guest_layout.h"

namespace perfcell {

std::vector<std::string> ServerArguments(const std::vector<std::string>& argv) {
  auto server = std::find(argv.begin(), argv.end(),
                          std::string(contract::kServerInPayload));
  if (server == argv.end()) server = argv.begin();
  if (server == argv.end()) return {};
  return std::vector<std::string>(server + 1, argv.end());
}

std::string QuoteArguments(const std::vector<std::string>& args) {
  if (args.empty()) return "no arguments";
  return absl::StrCat("[",
                      absl::StrJoin(args, ", ",
                                    [](std::string* out, const std::string& a) {
                                      absl::StrAppend(out, "\"",
                                                      absl::CEscape(a), "\"");
                                    }),
                      "]");
}

std::string ArgumentsMismatch(absl::string_view branch,
                              const std::vector<std::string>& declared,
                              const std::vector<std::string>& received) {
  if (declared == received) return "";
  return absl::StrCat(
      branch, ": the guest started the server with ", QuoteArguments(received),
      ", but perf_matrix declared ", QuoteArguments(declared),
      " for it: its payload holds others (built from other server_args, or "
      "stale); the result records what the guest used");
}

}  // namespace perfcell
