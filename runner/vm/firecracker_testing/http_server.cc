#include "runner/vm/firecracker_testing/http_server.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "tools/cc/httplib_routes.h"

namespace perfcell {
namespace firecracker_testing {
namespace {

constexpr size_t kMaxBodyBytes = 4 * 1024 * 1024;
// A client that stops sending mid-request is dropped after this long, so one
// stuck connection cannot stall the server forever.
constexpr time_t kReadTimeoutSeconds = 10;

}  // namespace

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::ListenUnix(
    const std::string& path, HttpHandler handler) {
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unix socket path is longer than ", sizeof(sockaddr_un::sun_path) - 1,
        " bytes: \"", path, "\""));
  }
  if (access(path.c_str(), F_OK) == 0) {
    return absl::AlreadyExistsError(
        absl::StrCat("listening on \"", path, "\": the file exists"));
  }
  std::unique_ptr<HttpServer> server(new HttpServer(std::move(handler)));
  server->server_.set_address_family(AF_UNIX);
  // httplib takes a unix socket's path where a host name goes, and
  // ignores the port (which must not be 0 there).
  if (!server->server_.bind_to_port(path, 80)) {
    return absl::InternalError(
        absl::StrCat("listening on \"", path, "\" failed"));
  }
  server->Start(0, path);
  return server;
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::ListenTcp(
    const std::string& host, uint16_t port, HttpHandler handler) {
  std::unique_ptr<HttpServer> server(new HttpServer(std::move(handler)));
  const int bound = port == 0 ? server->server_.bind_to_any_port(host)
                              : (server->server_.bind_to_port(host, port)
                                     ? static_cast<int>(port)
                                     : -1);
  if (bound <= 0) {
    return absl::UnavailableError(
        absl::StrCat("listening on ", host, ":", port, " failed"));
  }
  server->Start(static_cast<uint16_t>(bound), "");
  return server;
}

HttpServer::HttpServer(HttpHandler handler) : handler_(std::move(handler)) {
  // One request at a time, like Firecracker's API thread.
  server_.new_task_queue = [] { return new httplib::ThreadPool(1); };
  server_.set_keep_alive_max_count(1);
  server_.set_read_timeout(kReadTimeoutSeconds);
  server_.set_payload_max_length(kMaxBodyBytes);
  const auto serve = [this](const httplib::Request& request,
                            httplib::Response& response) {
    Serve(request, request.body, response);
  };
  // Methods that may carry a body read it here: a request with neither
  // Content-Length nor chunked encoding has none (RFC 9112 6.3), where
  // httplib's own reading would wait for the peer to close.
  const auto serve_with_body = [this](const httplib::Request& request,
                                      httplib::Response& response,
                                      const httplib::ContentReader& reader) {
    std::string body;
    if ((request.has_header("Content-Length") ||
         request.has_header("Transfer-Encoding")) &&
        !reader([&body](const char* data, size_t size) {
          body.append(data, size);
          return true;
        })) {
      // httplib set 413 for a body over the limit, else 400.
      if (response.status == -1) response.status = 400;
      response.set_content(response.status == 413 ? "request body too large\n"
                                                  : "malformed request body\n",
                           "text/plain");
      return;
    }
    Serve(request, body, response);
  };
  RouteEveryMethod(server_, serve, serve_with_body);
  // httplib calls its logger once a response is written.
  server_.set_logger([this](const httplib::Request& request,
                            const httplib::Response&) { AfterSend(request); });
}

void HttpServer::Start(uint16_t port, std::string unix_path) {
  port_ = port;
  unix_path_ = std::move(unix_path);
  thread_ = std::thread([this] {
    server_.listen_after_bind();
    stopped_.Notify();
  });
}

HttpServer::~HttpServer() {
  // stop() does nothing until the thread is in its accept loop: repeat it.
  while (thread_.joinable() &&
         !stopped_.WaitForNotificationWithTimeout(absl::Milliseconds(10))) {
    server_.stop();
  }
  if (thread_.joinable()) thread_.join();
  if (!unix_path_.empty()) unlink(unix_path_.c_str());
}

void HttpServer::Serve(const httplib::Request& request, std::string body,
                       httplib::Response& response) {
  HttpRequest ours{request.method, request.path, {}, std::move(body)};
  for (const auto& [name, value] : request.headers) {
    ours.headers[absl::AsciiStrToLower(name)] = value;
  }
  HttpResponse answer = handler_(ours);
  response.status = answer.status;
  response.set_header("Server", "perfcell-fake");
  if (answer.status != 204) {
    response.set_content(answer.body, answer.content_type);
  }
  absl::MutexLock lock(&mu_);
  after_send_[&request] = std::move(answer.after_send);
}

void HttpServer::AfterSend(const httplib::Request& request) {
  std::function<void()> after_send;
  {
    absl::MutexLock lock(&mu_);
    auto it = after_send_.find(&request);
    if (it == after_send_.end()) return;
    after_send = std::move(it->second);
    after_send_.erase(it);
  }
  if (after_send) after_send();
}

}  // namespace firecracker_testing
}  // namespace perfcell
