// A small HTTP/1.1 server for tests, on cpp-httplib: requests are served one
// at a time on a background thread, over a unix socket (like Firecracker's
// API) or TCP on loopback (like the guest's metrics port).
//
//   ASSIGN_OR_RETURN(std::unique_ptr<HttpServer> server,
//                    HttpServer::ListenTcp("127.0.0.1", 0, [](auto& request) {
//                      return HttpResponse{200, "text/plain", "hello\n"};
//                    }));
//   server->port();  // the port the kernel picked, e.g. 41234
//
// httplib parses the requests (Content-Length or chunked bodies, `Expect:
// 100-continue`) and answers malformed ones with 400 itself; bodies over
// 4 MiB get 413, a request with neither header has an empty body. Every
// response closes its connection.
#ifndef PERFCELL_RUNNER_VM_FIRECRACKER_TESTING_HTTP_SERVER_H_
#define PERFCELL_RUNNER_VM_FIRECRACKER_TESTING_HTTP_SERVER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "httplib.h"

namespace perfcell {
namespace firecracker_testing {

struct HttpRequest {
  std::string method;  // "PUT"
  std::string path;    // "/drives/rootfs", without the query string
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Runs once the response was written, e.g. to power off once the client
  // has its answer.
  std::function<void()> after_send;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  // Serves `handler` on a new unix socket at `path` (which must not exist);
  // the destructor removes the socket file.
  static absl::StatusOr<std::unique_ptr<HttpServer>> ListenUnix(
      const std::string& path, HttpHandler handler);

  // Serves `handler` on TCP `host`:`port`; port 0 lets the kernel pick one.
  static absl::StatusOr<std::unique_ptr<HttpServer>> ListenTcp(
      const std::string& host, uint16_t port, HttpHandler handler);

  // Stops accepting, waits for the request in progress, closes the socket.
  ~HttpServer();

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The TCP port served (0 for a unix socket).
  uint16_t port() const { return port_; }

 private:
  // Routes every method to `handler`.
  explicit HttpServer(HttpHandler handler);
  // Serves the bound socket on thread_.
  void Start(uint16_t port, std::string unix_path);
  void Serve(const httplib::Request& request, std::string body,
             httplib::Response& response);
  void AfterSend(const httplib::Request& request);

  const HttpHandler handler_;
  httplib::Server server_;
  uint16_t port_ = 0;
  std::string unix_path_;
  std::thread thread_;
  absl::Notification stopped_;  // the serving thread is done
  absl::Mutex mu_;
  // after_send of the responses being written, by their request.
  std::map<const httplib::Request*, std::function<void()>> after_send_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace firecracker_testing
}  // namespace perfcell

#endif  // PERFCELL_RUNNER_VM_FIRECRACKER_TESTING_HTTP_SERVER_H_
