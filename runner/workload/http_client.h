// A small HTTP/1.1 client on one libcurl easy handle: keeps the connection
// and the cookies (e.g. PicoShare's `sharedSecret`) from one request to the
// next, streams request bodies from a callback and response bodies to one.
//
//   ASSIGN_OR_RETURN(auto client,
//                    HttpClient::Create("http://127.0.0.1:8080",
//                                       absl::Seconds(30)));
//   HttpRequest req;
//   req.method = "GET";
//   req.path = "/api/health";
//   ASSIGN_OR_RETURN(HttpResponse resp, client->Send(req));
//   resp.status;  // 200
//
// A transport failure (refused, reset, timeout) is an error status; any HTTP
// answer, 500 included, is a response: the caller decides what status it
// accepts.
#ifndef PERFCELL_RUNNER_WORKLOAD_HTTP_CLIENT_H_
#define PERFCELL_RUNNER_WORKLOAD_HTTP_CLIENT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace perfcell {

struct HttpRequest {
  std::string method = "GET";  // GET, POST, DELETE, ...
  std::string path;            // "/api/entry?expiration=...", appended to base
  std::vector<std::string> headers;  // "Content-Type: application/json"

  // A small body sent as is (ignored when `body_reader` is set).
  std::string body;
  // A streamed body: `body_reader(out, size)` fills up to `size` bytes and
  // returns how many, 0 at the end. `body_size` must be the exact total: it
  // becomes the Content-Length (no chunked encoding).
  std::function<size_t(char* out, size_t size)> body_reader;
  uint64_t body_size = 0;

  // When set, response body bytes go here instead of HttpResponse::body.
  std::function<void(const char* data, size_t size)> on_body_data;
};

struct HttpResponse {
  int status = 0;
  std::string headers;      // raw header block of the final response
  std::string body;         // empty when the request had `on_body_data`
  uint64_t body_bytes = 0;  // response body bytes received, in all cases
  uint64_t bytes_sent = 0;  // request body bytes handed to the connection
};

class HttpClient {
 public:
  // `base_url` like "http://127.0.0.1:8080" (no trailing slash needed).
  // `timeout` bounds each whole request (CURLOPT_TIMEOUT); zero means none.
  static absl::StatusOr<std::unique_ptr<HttpClient>> Create(
      absl::string_view base_url, absl::Duration timeout);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request and waits for the whole answer. Errors:
  // DeadlineExceeded when the timeout passed ("timed out after 2s"),
  // Unavailable for connection failures (refused, closed mid-transfer), each
  // naming the method and path.
  absl::StatusOr<HttpResponse> Send(const HttpRequest& request);

  const std::string& base_url() const { return base_url_; }
  absl::Duration timeout() const { return timeout_; }

 private:
  HttpClient(std::string base_url, absl::Duration timeout, void* curl);

  std::string base_url_;
  absl::Duration timeout_;
  void* curl_;  // CURL*
};

// Returns the value of the first header `name` (case-insensitive) in a raw
// header block, or NotFound.
//   FindHeader("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", "content-length")
//   // "5"
absl::StatusOr<std::string> FindHeader(absl::string_view headers,
                                       absl::string_view name);

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_WORKLOAD_HTTP_CLIENT_H_
