#include "runner/workload/testing/loopback_server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "tools/cc/httplib_routes.h"

namespace perfcell {
namespace {

// Idle keep-alive connections stay open this long (httplib's default is 5 s
// and 5 requests; the server this replaced kept them for ever).
constexpr time_t kKeepAliveSeconds = 60;
constexpr size_t kKeepAliveRequests = 1 << 20;

// One thread per connection: a handler may hold its request as long as it
// likes without starving the others (httplib's default pool has 8 threads).
class ThreadPerConnection : public httplib::TaskQueue {
 public:
  void enqueue(std::function<void()> fn) override {
    absl::MutexLock lock(&mu_);
    threads_.emplace_back(std::move(fn));
  }
  void shutdown() override {
    std::vector<std::thread> threads;
    {
      absl::MutexLock lock(&mu_);
      threads.swap(threads_);
    }
    for (std::thread& thread : threads) thread.join();
  }

 private:
  absl::Mutex mu_;
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);
};

// httplib hands a handler no socket. Returns this process's TCP sockets
// whose local port is `local_port` and that have a peer (the server's
// accepted connections), only the one whose peer port is `peer_port` when
// given.
std::vector<int> Connections(uint16_t local_port,
                             std::optional<uint16_t> peer_port) {
  std::vector<int> fds;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return fds;
  while (const dirent* entry = readdir(dir)) {
    int fd;
    if (!absl::SimpleAtoi(entry->d_name, &fd)) continue;
    sockaddr_in local{}, peer{};
    socklen_t local_len = sizeof(local), peer_len = sizeof(peer);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) == 0 &&
        local.sin_family == AF_INET && ntohs(local.sin_port) == local_port &&
        getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) == 0 &&
        (!peer_port.has_value() || ntohs(peer.sin_port) == *peer_port)) {
      fds.push_back(fd);
    }
  }
  closedir(dir);
  return fds;
}

// Resets the connection on `fd` now: the peer sees ECONNRESET, even while it
// is still sending. The fd number stays valid (it then names an unconnected
// socket), so httplib, which owns it, fails its next read and closes it.
void ResetConnection(int fd) {
  const linger reset = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
  const int placeholder = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (placeholder < 0 || dup2(placeholder, fd) < 0) shutdown(fd, SHUT_RDWR);
  if (placeholder >= 0) close(placeholder);
}

}  // namespace

std::string RequestHead::Header(const std::string& lowercase_name) const {
  auto it = headers.find(lowercase_name);
  return it == headers.end() ? "" : it->second;
}

HttpExchange::HttpExchange(const httplib::Request& request,
                           httplib::Response& response,
                           const httplib::ContentReader* reader)
    : request_(request), response_(response), reader_(reader) {
  head_.method = request.method;
  head_.target = request.target;
  for (const auto& [name, value] : request.headers) {
    head_.headers[absl::AsciiStrToLower(name)] = value;
  }
  if (!absl::SimpleAtoi(head_.Header("content-length"),
                        &head_.content_length)) {
    head_.content_length = 0;
  }
  head_.chunked =
      absl::AsciiStrToLower(head_.Header("transfer-encoding")) == "chunked";
  head_.multipart = request.is_multipart_form_data();
}

absl::StatusOr<std::string> HttpExchange::ReadBody() {
  if (reader_ == nullptr) return request_.body;
  if (!HasBody()) return std::string();
  if (head_.multipart) {
    return absl::FailedPreconditionError("a multipart body: use ReadForm()");
  }
  if (body_read_) return absl::FailedPreconditionError("body already read");
  body_read_ = true;
  std::string body;
  if (!(*reader_)([&body](const char* data, size_t size) {
        body.append(data, size);
        return true;
      })) {
    return absl::UnavailableError("peer closed mid-body");
  }
  return body;
}

absl::StatusOr<std::vector<httplib::MultipartFormData>>
HttpExchange::ReadForm() {
  if (reader_ == nullptr || !HasBody() || !head_.multipart) {
    return absl::InvalidArgumentError("not multipart/form-data");
  }
  if (body_read_) return absl::FailedPreconditionError("body already read");
  body_read_ = true;
  std::vector<httplib::MultipartFormData> parts;
  if (!(*reader_)(
          [&parts](const httplib::MultipartFormData& part) {
            parts.push_back(part);
            return true;
          },
          [&parts](const char* data, size_t size) {
            if (parts.empty()) return false;
            parts.back().content.append(data, size);
            return true;
          })) {
    return absl::InvalidArgumentError("malformed or truncated multipart body");
  }
  return parts;
}

absl::StatusOr<uint64_t> HttpExchange::DiscardBody(uint64_t at_most) {
  if (reader_ == nullptr) return request_.body.size();
  if (!HasBody()) return 0;
  if (body_read_) return absl::FailedPreconditionError("body already read");
  body_read_ = true;
  uint64_t received = 0;
  const httplib::ContentReceiver count = [&](const char*, size_t size) {
    received += size;
    return received < at_most;
  };
  const bool complete =
      head_.multipart
          ? (*reader_)([](const httplib::MultipartFormData&) { return true; },
                       count)
          : (*reader_)(count);
  if (!complete && received < at_most) {
    return absl::UnavailableError("peer closed mid-body");
  }
  return received;
}

bool HttpExchange::HasBody() const {
  // Without either header a request has no body (RFC 9112 6.3); httplib's
  // reader would wait for the peer to close instead.
  return head_.chunked || head_.headers.count("content-length") > 0;
}

void HttpExchange::Respond(int status, const Headers& headers,
                           std::string body) {
  responded_ = true;
  response_.status = status;
  for (const auto& [name, value] : headers) response_.set_header(name, value);
  response_.body = std::move(body);
}

void HttpExchange::DropConnection() {
  if (dropped_) return;
  dropped_ = true;
  for (int fd : Connections(static_cast<uint16_t>(request_.local_port),
                            static_cast<uint16_t>(request_.remote_port))) {
    ResetConnection(fd);
  }
}

void HttpExchange::Finish() {
  if (!responded_) {
    DropConnection();
  } else if (!body_read_ && !dropped_) {
    DiscardBody().IgnoreError();
  }
}

absl::StatusOr<std::unique_ptr<LoopbackServer>> LoopbackServer::Start(
    Handler handler) {
  std::unique_ptr<LoopbackServer> server(
      new LoopbackServer(std::move(handler)));
  const int port = server->server_.bind_to_any_port("127.0.0.1");
  if (port <= 0) {
    return absl::UnavailableError("cannot listen on 127.0.0.1");
  }
  server->port_ = static_cast<uint16_t>(port);
  LoopbackServer* raw = server.get();
  server->thread_ = std::thread([raw] {
    raw->server_.listen_after_bind();
    raw->stopped_.Notify();
  });
  return server;
}

LoopbackServer::LoopbackServer(Handler handler) : handler_(std::move(handler)) {
  server_.new_task_queue = [] { return new ThreadPerConnection(); };
  server_.set_tcp_nodelay(true);
  server_.set_keep_alive_timeout(kKeepAliveSeconds);
  server_.set_keep_alive_max_count(kKeepAliveRequests);
  const auto serve = [this](const httplib::Request& request,
                            httplib::Response& response) {
    Serve(request, response, nullptr);
  };
  const auto serve_with_body = [this](const httplib::Request& request,
                                      httplib::Response& response,
                                      const httplib::ContentReader& reader) {
    Serve(request, response, &reader);
  };
  RouteEveryMethod(server_, serve, serve_with_body);
}

LoopbackServer::~LoopbackServer() {
  stopping_.Notify();
  // stop() does nothing until the thread is in its accept loop, and idle
  // keep-alive connections would hold httplib for their timeout: repeat.
  while (thread_.joinable() &&
         !stopped_.WaitForNotificationWithTimeout(absl::Milliseconds(10))) {
    server_.stop();
    for (int fd : Connections(port_, std::nullopt)) shutdown(fd, SHUT_RDWR);
  }
  if (thread_.joinable()) thread_.join();
}

std::string LoopbackServer::url() const {
  return absl::StrCat("http://127.0.0.1:", port_);
}

void LoopbackServer::Serve(const httplib::Request& request,
                           httplib::Response& response,
                           const httplib::ContentReader* reader) {
  HttpExchange exchange(request, response, reader);
  handler_(exchange);
  exchange.Finish();
}

}  // namespace perfcell
