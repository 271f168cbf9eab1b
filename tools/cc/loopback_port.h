// TCP ports on 127.0.0.1: one that is free, and whether one is served.
//
//   ASSIGN_OR_RETURN(uint16_t port, PickFreeLoopbackPort());
//   StartServer(port);
//   while (!LoopbackPortAccepts(port)) Wait();
#ifndef PERFCELL_TOOLS_CC_LOOPBACK_PORT_H_
#define PERFCELL_TOOLS_CC_LOOPBACK_PORT_H_

#include <cstdint>

#include "absl/status/statusor.h"

namespace perfcell {

// A port that was free a moment ago (the kernel's pick for a bind to port 0).
// Another process may take it before it is used: callers that can, retry.
absl::StatusOr<uint16_t> PickFreeLoopbackPort();

// Whether a TCP connection to 127.0.0.1:`port` succeeds now.
bool LoopbackPortAccepts(uint16_t port);

}  // namespace perfcell

#endif  // PERFCELL_TOOLS_CC_LOOPBACK_PORT_H_
