// The name of each Backend as people write it (perf_matrix's `backend`, the
// cell's --backend, the report's backend column), and back.
//
//   BackendName(BACKEND_FIRECRACKER);  // "firecracker"
//   BackendFromName("host");           // BACKEND_HOST
#ifndef PERFCELL_PROTO_BACKEND_NAME_H_
#define PERFCELL_PROTO_BACKEND_NAME_H_

#include <string>

#include "absl/strings/string_view.h"
#include "proto/cell.pb.h"

namespace perfcell {

// Returns "qemu", "firecracker" or "host": the enum name without "BACKEND_",
// in lower case. "" for BACKEND_UNSPECIFIED and for values the enum lacks
// (a result from a newer writer).
std::string BackendName(int backend);

// Returns the Backend named `name` as BackendName writes it ("qemu"), or
// BACKEND_UNSPECIFIED for any other text, "" included.
Backend BackendFromName(absl::string_view name);

}  // namespace perfcell

#endif  // PERFCELL_PROTO_BACKEND_NAME_H_
