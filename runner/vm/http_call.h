// One HTTP/1.1 request with libcurl, over TCP or over a unix socket: how the
// backends reach Firecracker's API and the guest's metrics endpoint.
//
//   HttpCall call;
//   call.method = "PUT";
//   call.url = "http://localhost/machine-config";
//   call.unix_socket = "/tmp/work/firecracker.sock";
//   call.body = R"({"vcpu_count": 2, "mem_size_mib": 512})";
//   ASSIGN_OR_RETURN(HttpResult result, PerformHttp(call));
//   result.status;  // 204
#ifndef PERFCELL_RUNNER_VM_FIRECRACKER_HTTP_H_
#define PERFCELL_RUNNER_VM_FIRECRACKER_HTTP_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace perfcell {

struct HttpCall {
  std::string method = "GET";
  std::string url;          // "http://localhost/actions"
  std::string unix_socket;  // empty: connect over TCP to the URL's host
  std::string body;         // sent as application/json when not empty
  absl::Duration timeout = absl::Seconds(10);  // whole request; min 1 ms
};

struct HttpResult {
  long status = 0;  // NOLINT(runtime/int): libcurl's type
  std::string body;
};

// Performs `call` and returns the status and body of the answer, whatever
// the status. Unavailable when nothing answers (connection refused, socket
// missing, timeout), naming the URL and libcurl's reason.
absl::StatusOr<HttpResult> PerformHttp(const HttpCall& call);

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_VM_FIRECRACKER_HTTP_H_
