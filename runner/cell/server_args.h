// The server's arguments as a VM reports them, and the warning when they
// are not the ones the matrix declared. A VM's server reads its arguments
// from its payload (images/payload), not from the cell; the guest init
// reports the argv it started the server with (GET /server,
// proto/guest.proto), and the cell records that.
//
//   ServerArguments({"/payload/lib/ld.so", "--library-path", "/payload/lib",
//                    "/payload/bin/server", "--sync=off"})
//     -> {"--sync=off"}
//   ArgumentsMismatch("fast", {"--sync=off"}, {})
//     -> "fast: the guest started the server with no arguments, but
//         perf_matrix declared [\"--sync=off\"] for it; ..."
#ifndef PERFCELL_RUNNER_CELL_SERVER_ARGS_H_
#define PERFCELL_RUNNER_CELL_SERVER_ARGS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace perfcell {

// The server's own arguments in a guest's argv: the entries after
// contract::kServerInPayload (a bundled loader and its options come before
// it); argv without argv[0] when it is not there.
std::vector<std::string> ServerArguments(const std::vector<std::string>& argv);

// Each argument in double quotes, C-escaped, in brackets: ["--a", "b c"];
// "no arguments" when there are none.
std::string QuoteArguments(const std::vector<std::string>& args);

// "" when `received` equals `declared`; otherwise a warning naming
// `branch` and both lists.
std::string ArgumentsMismatch(absl::string_view branch,
                              const std::vector<std::string>& declared,
                              const std::vector<std::string>& received);

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_CELL_SERVER_ARGS_H_
