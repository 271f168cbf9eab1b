#include "examples/chunkstore/connection.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
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

namespace {

// The peer's socket is the one whose local address is our peer address and
// whose remote address is our local one. Returns the bytes in its receive
// queue that its application has not read, or -1 when there is no such
// socket here (a peer on another host) or the query fails.
int64_t PeerReceiveQueue(int netlink, const sockaddr_in& local,
                         const sockaddr_in& peer) {
  struct {
    nlmsghdr header;
    inet_diag_req_v2 request;
  } message{};
  message.header.nlmsg_len = sizeof(message);
  message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  message.header.nlmsg_flags = NLM_F_REQUEST;  // one socket, not a dump
  message.request.sdiag_family = AF_INET;
  message.request.sdiag_protocol = IPPROTO_TCP;
  message.request.idiag_states = ~0u;
  message.request.id.idiag_sport = peer.sin_port;
  message.request.id.idiag_dport = local.sin_port;
  message.request.id.idiag_src[0] = peer.sin_addr.s_addr;
  message.request.id.idiag_dst[0] = local.sin_addr.s_addr;
  message.request.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  message.request.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
  if (send(netlink, &message, sizeof(message), 0) != sizeof(message)) {
    return -1;
  }
  alignas(nlmsghdr) char answer[8192];
  const ssize_t n = recv(netlink, answer, sizeof(answer), 0);
  if (n < static_cast<ssize_t>(sizeof(nlmsghdr))) return -1;
  const auto* reply = reinterpret_cast<const nlmsghdr*>(answer);
  if (!NLMSG_OK(reply, static_cast<size_t>(n)) ||
      reply->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
      reply->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) {
    return -1;  // NLMSG_ERROR: ENOENT when the socket is not here
  }
  const auto* info = static_cast<const inet_diag_msg*>(NLMSG_DATA(reply));
  return info->idiag_rqueue;
}

}  // namespace

absl::Time Connection::WaitUntilPeerRead(absl::Duration limit) {
  const absl::Time begin = absl::Now();
  const absl::Time deadline = begin + limit;
  sockaddr_in local{}, peer{};
  socklen_t local_len = sizeof(local), peer_len = sizeof(peer);
  int netlink = -1;
  if (getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &local_len) == 0 &&
      getpeername(fd_, reinterpret_cast<sockaddr*>(&peer), &peer_len) == 0 &&
      local.sin_family == AF_INET && peer.sin_family == AF_INET) {
    netlink = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  }
  // Short sleeps must be short: the default timer slack (50 us) would be a
  // measurable part of a few-millisecond download.
  const int slack = prctl(PR_GET_TIMERSLACK);
  prctl(PR_SET_TIMERSLACK, 1000);
  absl::Time busy_seen = absl::InfinitePast();  // last poll with bytes left
  absl::Time now = begin;
  while (true) {
    // Not SIOCOUTQ (unacknowledged): the peer may delay its last ACK by
    // 40 ms. On loopback a byte sent is in the peer's receive queue.
    int unsent = 0;
    if (ioctl(fd_, SIOCOUTQNSD, &unsent) != 0) break;
    int64_t pending = unsent;
    if (netlink >= 0) {
      const int64_t queued = PeerReceiveQueue(netlink, local, peer);
      if (queued < 0) {
        close(netlink);
        netlink = -1;
      } else {
        pending += queued;
      }
    }
    now = absl::Now();
    if (pending == 0 || now >= deadline) break;
    busy_seen = now;
    // About half of what is left at ~1 GB/s: few polls, little overshoot.
    absl::SleepFor(std::clamp(absl::Nanoseconds(pending / 2),
                              absl::Microseconds(10), absl::Milliseconds(1)));
  }
  if (slack > 0) prctl(PR_SET_TIMERSLACK, slack);
  if (netlink >= 0) close(netlink);
  // The peer finished between the last two polls (a late wake-up on a busy
  // machine can make that 1 ms or more): take the middle.
  if (busy_seen == absl::InfinitePast()) return begin;
  return busy_seen + (now - busy_seen) / 2;
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
