// The few bits of HTTP/1.0 the metrics endpoint speaks: read one request's
// head from a socket, answer it, close. The head is parsed by the tree's one
// request parser (tools/cc/http_request.h), which chunkstore uses too.
//
//   absl::StatusOr<HttpRequest> r = ReadRequest(fd);  // "GET", "/metrics"
//   WriteResponse(fd, 200, "text/plain", body);
#ifndef PERFCELL_IMAGES_GUEST_HTTP_H_
#define PERFCELL_IMAGES_GUEST_HTTP_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/cc/http_request.h"

namespace perfcell::guest {

// Reads from `fd` until the end of the request head (a blank line, CRLF or
// LF) or 8 KiB, then parses it with ParseRequestHead: `method`, `path`
// (without the query), headers. InvalidArgument for a malformed head. The
// caller sets a receive timeout on `fd`.
absl::StatusOr<HttpRequest> ReadRequest(int fd);

// The bytes of a complete HTTP/1.0 response with Content-Length and
// "Connection: close".
std::string FormatResponse(int status, absl::string_view content_type,
                           absl::string_view body);

// Writes FormatResponse(...) to `fd`, ignoring errors (the peer may be gone).
void WriteResponse(int fd, int status, absl::string_view content_type,
                   absl::string_view body);

// Opens a TCP socket listening on `address`:`port` (e.g. "0.0.0.0", 8080),
// close-on-exec. The error names the port.
absl::StatusOr<int> ListenTcp(const std::string& address, int port);

}  // namespace perfcell::guest

#endif  // PERFCELL_IMAGES_GUEST_HTTP_H_
