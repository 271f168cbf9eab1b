#include "examples/chunkstore/server.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "examples/chunkstore/body_reader.h"
#include "examples/chunkstore/connection.h"
#include "examples/chunkstore/http_response.h"
#include "tools/cc/http_request.h"

namespace chunkstore {
namespace {

// A request body this small is read and dropped when the handler did not
// need it, so the connection can stay open; a larger one closes it.
constexpr int64_t kMaxDrain = 64 * 1024;

void LogLine(absl::string_view method, absl::string_view target, int status,
             int64_t in_bytes, int64_t out_bytes, absl::Duration took) {
  std::string line = absl::StrFormat(
      "%s %s %d in=%d out=%d %.1fms\n", method, target.substr(0, 300), status,
      in_bytes, out_bytes, absl::ToDoubleMilliseconds(took));
  // One write() per line keeps lines from different threads whole.
  write(2, line.data(), line.size());
}

// Answers a request the server cannot parse, then the connection closes.
void Reject(Connection* conn, int status, absl::string_view message) {
  ResponseWriter out(conn, [] { return false; });
  out.SendError(status, message).IgnoreError();
}

}  // namespace

Server::Server(Api* api, ServerOptions options)
    : api_(api), options_(options), pacer_(options.pacing) {}

Server::~Server() {
  if (listen_fd_ >= 0) close(listen_fd_);
}

absl::Status Server::Listen() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) {
    return absl::InternalError(absl::StrCat("socket: ", strerror(errno)));
  }
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  addr.sin_port = htons(options_.port);
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return absl::UnavailableError(
        absl::StrCat("bind 0.0.0.0:", options_.port, ": ", strerror(errno)));
  }
  if (listen(listen_fd_, 128) != 0) {
    return absl::InternalError(absl::StrCat("listen: ", strerror(errno)));
  }
  socklen_t len = sizeof(addr);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  return absl::OkStatus();
}

void Server::Run() {
  while (!stopping_) {
    pollfd pfd{listen_fd_, POLLIN, 0};
    if (poll(&pfd, 1, 200) <= 0) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    {
      absl::MutexLock lock(&mu_);
      if (active_ >= options_.max_connections && !EvictOne()) {
        // Everyone is busy in a request: say so at once rather than queue.
        static constexpr absl::string_view kBusy =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
            "Content-Length: 21\r\nRetry-After: 1\r\nConnection: close\r\n"
            "\r\ntoo many connections\n";
        send(fd, kBusy.data(), kBusy.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        close(fd);
        continue;
      }
      ++active_;
    }
    std::thread([this, fd] {
      ServeConnection(fd);
      absl::MutexLock lock(&mu_);
      --active_;
    }).detach();
  }
  close(listen_fd_);
  listen_fd_ = -1;
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](int* active) { return *active == 0; }, &active_));
}

bool Server::EvictOne() {
  Slot* oldest = nullptr;
  for (auto& [id, slot] : slots_) {
    if (!slot.waiting_for_head || slot.evicted) continue;
    if (oldest == nullptr || slot.since < oldest->since) oldest = &slot;
  }
  if (oldest == nullptr) return false;
  oldest->evicted = true;
  oldest->conn->Abort();  // its thread sees the closed socket and ends
  return true;
}

bool Server::SetWaiting(int64_t id, bool waiting) {
  absl::MutexLock lock(&mu_);
  Slot& slot = slots_.at(id);
  slot.waiting_for_head = waiting;
  slot.since = absl::Now();
  return !slot.evicted;
}

void Server::ServeConnection(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  Connection conn(fd, options_.io_timeout);
  conn.SetReadTimeout(options_.body_progress_timeout);
  int64_t id;
  {
    absl::MutexLock lock(&mu_);
    id = next_id_++;
    slots_.emplace(id, Slot{&conn, true, absl::Now()});
  }
  // Leaves the registry before `conn` closes its descriptor.
  struct Unregister {
    Server* server;
    int64_t id;
    ~Unregister() {
      absl::MutexLock lock(&server->mu_);
      server->slots_.erase(id);
    }
  } unregister{this, id};
  while (true) {
    if (!SetWaiting(id, true)) return;
    absl::StatusOr<std::string> head =
        conn.ReadHead(stopping_, options_.idle_timeout, options_.head_timeout);
    if (!head.ok()) {
      if (head.status().code() == absl::StatusCode::kResourceExhausted) {
        Reject(&conn, 431, head.status().message());
      } else if (head.status().code() == absl::StatusCode::kDeadlineExceeded) {
        Reject(&conn, 408, head.status().message());
      }
      return;
    }
    if (!SetWaiting(id, false)) return;
    const absl::Time start = absl::Now();
    absl::StatusOr<perfcell::HttpRequest> req =
        perfcell::ParseRequestHead(*head);
    if (!req.ok()) {
      Reject(&conn, 400, req.status().message());
      return;
    }
    req->peer_ip = conn.peer_ip();
    absl::StatusOr<BodyFraming> framing = FramingOf(*req);
    if (!framing.ok()) {
      Reject(&conn, 400, framing.status().message());
      return;
    }
    std::function<absl::Status()> send_continue;
    if (req->minor_version >= 1 &&
        absl::EqualsIgnoreCase(req->Header("expect").value_or(""),
                               "100-continue")) {
      send_continue = [&conn] {
        return conn.WriteAll("HTTP/1.1 100 Continue\r\n\r\n");
      };
    }
    BodyReader body(&conn, *framing, std::move(send_continue));
    ResponseWriter out(&conn, [&] {
      return req->KeepAlive() && !stopping_ && body.DrainUpTo(kMaxDrain);
    });
    pacer_.WaitOutStall();
    RequestPacer pacing(&pacer_);  // a stall before handling is not work
    if (pacer_.active()) {
      out.set_before_write([&](bool last) {
        // Before the held-back tail of a body: the client has read all the
        // rest, so its reading counts as work (see pacing.h).
        absl::Time work_ended = absl::InfiniteFuture();
        if (last && out.body_bytes() > 0 && pacer_.delays()) {
          work_ended = conn.WaitUntilPeerRead(options_.io_timeout);
        }
        pacing.BeforeWrite(/*pay=*/last, work_ended);
      });
    }
    api_->Handle(*req, &body, &out);
    if (!out.head_written()) {
      out.SendError(500, "no response").IgnoreError();
    }
    if (options_.log_requests) {
      LogLine(req->method, req->target, out.status(), body.bytes_read(),
              out.body_bytes(), absl::Now() - start);
    }
    ++requests_handled_;
    if (!out.complete() || !out.keep_alive()) {
      if (!body.finished()) conn.LingerBeforeClose(absl::Seconds(2));
      return;
    }
  }
}

}  // namespace chunkstore
