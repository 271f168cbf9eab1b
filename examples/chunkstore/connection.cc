#include "examples/chunkstore/connection.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace chunkstore {
namespace {

constexpr size_t kBufferSize = Connection::kMaxHeadSize;
constexpr absl::string_view kHeadEnd = "\r\n\r\n";

std::string PeerIpOf(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return "";
  }
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
  } else if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
  }
  return text;
}

absl::Status IoError(absl::string_view what) {
  if (errno == EAGAIN || errno == EWOULDBLOCK) {
    return absl::DeadlineExceededError(absl::StrCat(what, ": timed out"));
  }
  return absl::UnavailableError(absl::StrCat(what, ": ", strerror(errno)));
}

}  // namespace

Connection::Connection(int fd, absl::Duration io_timeout)
    : fd_(fd), peer_ip_(PeerIpOf(fd)), buf_(kBufferSize) {
  timeval tv = absl::ToTimeval(io_timeout);
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

Connection::~Connection() { close(fd_); }

absl::StatusOr<size_t> Connection::Fill() {
  if (start_ == end_) start_ = end_ = 0;
  if (end_ == buf_.size() && start_ > 0) {
    std::memmove(buf_.data(), buf_.data() + start_, end_ - start_);
    end_ -= start_;
    start_ = 0;
  }
  if (end_ == buf_.size()) return absl::InternalError("buffer full");
  while (true) {
    ssize_t n = recv(fd_, buf_.data() + end_, buf_.size() - end_, 0);
    if (n >= 0) {
      end_ += n;
      return static_cast<size_t>(n);
    }
    if (errno != EINTR) return IoError("recv");
  }
}

void Connection::SetReadTimeout(absl::Duration timeout) {
  timeval tv = absl::ToTimeval(timeout);
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

void Connection::Abort() { shutdown(fd_, SHUT_RDWR); }

absl::StatusOr<std::string> Connection::ReadHead(const std::atomic<bool>& stop,
                                                 absl::Duration idle_timeout,
                                                 absl::Duration head_timeout) {
  // Wait for the first byte, checking `stop` a few times a second.
  const absl::Time deadline = absl::Now() + idle_timeout;
  while (start_ == end_) {
    if (stop.load()) return absl::CancelledError("server stopping");
    if (absl::Now() > deadline) return absl::CancelledError("idle");
    pollfd pfd{fd_, POLLIN, 0};
    int ready = poll(&pfd, 1, 250);
    if (ready < 0 && errno != EINTR) return IoError("poll");
    if (ready <= 0) continue;
    absl::StatusOr<size_t> n = Fill();
    if (!n.ok()) return n.status();
    if (*n == 0) return absl::OutOfRangeError("peer closed the connection");
  }
  const absl::Time head_deadline = absl::Now() + head_timeout;
  while (true) {
    // Tolerate empty lines before a request line (RFC 9112, section 2.2).
    while (end_ - start_ >= 2 && buf_[start_] == '\r' &&
           buf_[start_ + 1] == '\n') {
      start_ += 2;
    }
    absl::string_view pending(buf_.data() + start_, end_ - start_);
    size_t pos = pending.find(kHeadEnd);
    if (pos != absl::string_view::npos) {
      std::string head(pending.substr(0, pos));
      start_ += pos + kHeadEnd.size();
      return head;
    }
    if (pending.size() >= kMaxHeadSize) {
      return absl::ResourceExhaustedError("request head too large");
    }
    // Wait for more, but never past the head's deadline.
    while (true) {
      if (stop.load()) return absl::CancelledError("server stopping");
      const absl::Duration left = head_deadline - absl::Now();
      if (left <= absl::ZeroDuration()) {
        return absl::DeadlineExceededError(
            "the request head did not arrive in time");
      }
      pollfd pfd{fd_, POLLIN, 0};
      int ready = poll(&pfd, 1,
                       static_cast<int>(std::min<int64_t>(
                           250, absl::ToInt64Milliseconds(left) + 1)));
      if (ready < 0 && errno != EINTR) return IoError("poll");
      if (ready > 0) break;
    }
    absl::StatusOr<size_t> n = Fill();
    if (!n.ok()) return n.status();
    if (*n == 0)
      return absl::DataLossError("peer closed inside a request head");
  }
}

absl::StatusOr<size_t> Connection::Read(char* buf, size_t n) {
  if (n == 0) return 0;
  if (start_ < end_) {
    size_t take = std::min(n, end_ - start_);
    std::memcpy(buf, buf_.data() + start_, take);
    start_ += take;
    return take;
  }
  while (true) {
    ssize_t got = recv(fd_, buf, n, 0);
    if (got >= 0) return static_cast<size_t>(got);
    if (errno != EINTR) return IoError("recv");
  }
}

void Connection::LingerBeforeClose(absl::Duration limit) {
  shutdown(fd_, SHUT_WR);
  const absl::Time deadline = absl::Now() + limit;
  char scratch[16 * 1024];
  while (absl::Now() < deadline) {
    pollfd pfd{fd_, POLLIN, 0};
    int ready = poll(&pfd, 1, 100);
    if (ready < 0 && errno != EINTR) return;
    if (ready <= 0) continue;
    ssize_t n = recv(fd_, scratch, sizeof(scratch), MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) return;
  }
}

void Connection::WaitUntilSent(absl::Duration limit) {
  const absl::Time deadline = absl::Now() + limit;
  int queued = 0;
  while (ioctl(fd_, SIOCOUTQNSD, &queued) == 0 && queued > 0 &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Microseconds(200));
  }
}

void Connection::LimitSendBuffer(int bytes) {
  setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof(bytes));
}

absl::Status Connection::WriteAll(absl::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("send");
    }
    data.remove_prefix(n);
  }
  return absl::OkStatus();
}

}  // namespace chunkstore
