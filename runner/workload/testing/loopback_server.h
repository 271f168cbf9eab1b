// A tiny HTTP/1.1 server on 127.0.0.1 for tests and benchmarks: one thread
// accepts, one thread per connection runs the handler, keep-alive included.
// Only what perfcell's fakes need: Content-Length bodies, no chunked
// requests, no TLS.
//
//   ASSIGN_OR_RETURN(auto server, LoopbackServer::Start(
//       [](HttpConnection& conn) {
//         while (auto head = conn.ReadHead(); head.ok()) {
//           conn.Discard(head->content_length).IgnoreError();
//           conn.Write(HttpResponseText(200, {}, "ok")).IgnoreError();
//         }
//       }));
//   server->url();  // "http://127.0.0.1:41234"
#ifndef PERFCELL_RUNNER_WORKLOAD_TESTING_LOOPBACK_SERVER_H_
#define PERFCELL_RUNNER_WORKLOAD_TESTING_LOOPBACK_SERVER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"

namespace perfcell {

struct RequestHead {
  std::string method;                          // "POST"
  std::string target;                          // "/api/entry?expiration=..."
  std::map<std::string, std::string> headers;  // names lowercased
  uint64_t content_length = 0;
  bool chunked = false;  // Transfer-Encoding: chunked (fakes refuse it)

  // Value of header `lowercase_name`, "" when absent.
  std::string Header(const std::string& lowercase_name) const;
};

// One accepted connection. Reads are buffered; all calls block.
class HttpConnection {
 public:
  explicit HttpConnection(int fd) : fd_(fd) {}

  // Reads the next request line and headers. Unavailable when the peer closed
  // the connection (normal end of keep-alive), InvalidArgument when malformed.
  absl::StatusOr<RequestHead> ReadHead();
  // Reads exactly `size` body bytes.
  absl::StatusOr<std::string> ReadBody(uint64_t size);
  // Reads and drops `size` body bytes, as fast as the socket gives them.
  absl::Status Discard(uint64_t size);
  absl::Status Write(absl::string_view data);
  // Closes the socket now (the peer sees the connection drop).
  void Close();

 private:
  absl::StatusOr<size_t> Fill();  // appends one recv() to buffer_

  int fd_;
  std::string buffer_;  // received, not yet consumed
};

// Returns a full response: status line, Content-Length, the extra `headers`
// ("Name: value", no CRLF), and the body.
std::string HttpResponseText(int status,
                             const std::vector<std::string>& headers,
                             absl::string_view body);

class LoopbackServer {
 public:
  using Handler = std::function<void(HttpConnection&)>;

  // Listens on an ephemeral port of 127.0.0.1 and serves every connection
  // with `handler` on its own thread.
  static absl::StatusOr<std::unique_ptr<LoopbackServer>> Start(Handler handler);
  // Stops accepting, shuts every open connection down, joins all threads.
  ~LoopbackServer();

  std::string url() const;
  uint16_t port() const { return port_; }
  // Set once the server is shutting down: handlers that stall wait on it.
  const absl::Notification& stopping() const { return stopping_; }

 private:
  LoopbackServer(int listen_fd, uint16_t port, Handler handler);
  void AcceptLoop();

  const int listen_fd_;
  const uint16_t port_;
  const Handler handler_;
  absl::Notification stopping_;
  std::thread accept_thread_;
  absl::Mutex mu_;
  std::set<int> open_fds_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> connection_threads_ ABSL_GUARDED_BY(mu_);
};

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_WORKLOAD_TESTING_LOOPBACK_SERVER_H_
