// A small HTTP/1.1 server on 127.0.0.1 for tests and benchmarks, on
// cpp-httplib: httplib parses the requests (keep-alive, Content-Length or
// chunked bodies); the handler reads each body as it likes, then answers or
// drops the connection. Each connection has its own thread, so a handler may
// hold its request (a stall, a rendezvous) without starving the others.
//
//   ASSIGN_OR_RETURN(auto server, LoopbackServer::Start(
//       [](HttpExchange& exchange) {
//         exchange.DiscardBody().IgnoreError();
//         exchange.Respond(200, {}, "ok");
//       }));
//   server->url();  // "http://127.0.0.1:41234"
#ifndef PERFCELL_RUNNER_WORKLOAD_TESTING_LOOPBACK_SERVER_H_
#define PERFCELL_RUNNER_WORKLOAD_TESTING_LOOPBACK_SERVER_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "httplib.h"

namespace perfcell {

struct RequestHead {
  std::string method;                          // "POST"
  std::string target;                          // "/api/entry?expiration=..."
  std::map<std::string, std::string> headers;  // names lowercased
  uint64_t content_length = 0;
  bool chunked = false;    // Transfer-Encoding: chunked
  bool multipart = false;  // Content-Type: multipart/form-data

  // Value of header `lowercase_name`, "" when absent.
  std::string Header(const std::string& lowercase_name) const;
};

// One request being served. A handler that returns without Respond() drops
// the connection; a body it left unread is read and dropped before the
// answer goes out, so the connection stays usable.
class HttpExchange {
 public:
  // Extra response headers: name, value.
  using Headers = std::vector<std::pair<std::string, std::string>>;

  HttpExchange(const httplib::Request& request, httplib::Response& response,
               const httplib::ContentReader* reader);

  const RequestHead& head() const { return head_; }

  // Reads the whole body. Unavailable when the peer goes away mid-body;
  // FailedPrecondition for a multipart body (httplib only hands those out
  // parsed: use ReadForm()).
  absl::StatusOr<std::string> ReadBody();
  // Reads a multipart/form-data body into its parts, in order.
  // InvalidArgument when it is not one or is malformed or cut short.
  absl::StatusOr<std::vector<httplib::MultipartFormData>> ReadForm();
  // Reads the body and drops it as it arrives; returns how many bytes came
  // (of a multipart body: the bytes of its parts' contents). Stops once
  // `at_most` bytes came (the rest stays unread: drop the connection next).
  absl::StatusOr<uint64_t> DiscardBody(
      uint64_t at_most = std::numeric_limits<uint64_t>::max());
  // Answers with `status`, the extra `headers` and `body`.
  void Respond(int status, const Headers& headers, std::string body);
  // Closes the connection now, without an answer (the peer sees it drop).
  void DropConnection();

 private:
  friend class LoopbackServer;
  // Called by the server once the handler returned.
  void Finish();
  bool HasBody() const;

  const httplib::Request& request_;
  httplib::Response& response_;
  const httplib::ContentReader* const reader_;  // null: body already read
  RequestHead head_;
  bool body_read_ = false;
  bool responded_ = false;
  bool dropped_ = false;
};

class LoopbackServer {
 public:
  using Handler = std::function<void(HttpExchange&)>;

  // Listens on an ephemeral port of 127.0.0.1 and serves every request with
  // `handler`.
  static absl::StatusOr<std::unique_ptr<LoopbackServer>> Start(Handler handler);
  // Stops accepting, shuts every open connection down, joins all threads.
  ~LoopbackServer();

  std::string url() const;
  uint16_t port() const { return port_; }
  // Set once the server is shutting down: handlers that stall wait on it.
  const absl::Notification& stopping() const { return stopping_; }

 private:
  explicit LoopbackServer(Handler handler);
  void Serve(const httplib::Request& request, httplib::Response& response,
             const httplib::ContentReader* reader);

  const Handler handler_;
  httplib::Server server_;
  uint16_t port_ = 0;
  absl::Notification stopping_;
  absl::Notification stopped_;  // the accepting thread is done
  std::thread thread_;
};

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_WORKLOAD_TESTING_LOOPBACK_SERVER_H_
