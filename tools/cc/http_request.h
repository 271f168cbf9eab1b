// Parses an HTTP/1.x request head (request line and headers) and the parts of
// a request a handler asks about: query parameters, cookies, keep-alive. The
// one request parser of the tree: chunkstore's server and the guest's
// metrics server (a static PID 1, so absl and RE2 only) both use it; the
// harness servers use cpp-httplib's.
//
//   absl::StatusOr<HttpRequest> req = ParseRequestHead(
//       "POST /api/entry?expiration=2999-12-31T00:00:00Z HTTP/1.1\r\n"
//       "Host: x\r\nCookie: sharedSecret=abc");
//   req->path;                     // "/api/entry"
//   req->QueryParam("expiration"); // "2999-12-31T00:00:00Z"
//   req->Cookie("sharedSecret");   // "abc"
#ifndef PERFCELL_TOOLS_CC_HTTP_REQUEST_H_
#define PERFCELL_TOOLS_CC_HTTP_REQUEST_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace perfcell {

struct HttpRequest {
  std::string method;     // "GET"
  std::string target;     // as sent: "/-abc?x=1"
  std::string path;       // percent-decoded, without the query: "/-abc"
  std::string query;      // raw, without '?': "x=1"
  int minor_version = 1;  // 0 for HTTP/1.0, 1 for HTTP/1.1
  std::string peer_ip;    // set by the server: the client's address
  // Header names lowercased, values trimmed, in the order received.
  std::vector<std::pair<std::string, std::string>> headers;

  // Returns the first value of header `name` (any case), or nullopt.
  std::optional<absl::string_view> Header(absl::string_view name) const;
  // Returns the form-decoded value of query parameter `name`, or nullopt.
  std::optional<std::string> QueryParam(absl::string_view name) const;
  // Returns the value of cookie `name` from any Cookie header, or nullopt.
  std::optional<std::string> Cookie(absl::string_view name) const;
  // True when the connection may serve another request after this one:
  // HTTP/1.1 without "Connection: close", or HTTP/1.0 with "keep-alive".
  bool KeepAlive() const;
};

// Parses `head`: the request line and header lines separated by CRLF (or
// LF), without the final empty line. InvalidArgument names what is wrong.
absl::StatusOr<HttpRequest> ParseRequestHead(absl::string_view head);

// Decodes %XX escapes; with `plus_is_space`, '+' becomes ' ' as in forms.
// Malformed escapes are kept as they are.
//   UrlDecode("a%20b+c", true);  // "a b c"
std::string UrlDecode(absl::string_view text, bool plus_is_space);

}  // namespace perfcell

#endif  // PERFCELL_TOOLS_CC_HTTP_REQUEST_H_
