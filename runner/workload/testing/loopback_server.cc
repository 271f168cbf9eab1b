#include "runner/workload/testing/loopback_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "re2/re2.h"

namespace perfcell {
namespace {

constexpr size_t kRecvSize = 1 << 20;

absl::Status ErrnoError(absl::string_view what) {
  return absl::UnavailableError(absl::StrCat(what, ": ", std::strerror(errno)));
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 411:
      return "Length Required";
    case 500:
      return "Internal Server Error";
    default:
      return "Status";
  }
}

}  // namespace

std::string RequestHead::Header(const std::string& lowercase_name) const {
  auto it = headers.find(lowercase_name);
  return it == headers.end() ? "" : it->second;
}

absl::StatusOr<size_t> HttpConnection::Fill() {
  const size_t old_size = buffer_.size();
  buffer_.resize(old_size + kRecvSize);
  ssize_t n;
  do {
    n = recv(fd_, &buffer_[old_size], kRecvSize, 0);
  } while (n < 0 && errno == EINTR);
  buffer_.resize(old_size + (n > 0 ? n : 0));
  if (n < 0) return ErrnoError("recv");
  if (n == 0) return absl::UnavailableError("peer closed the connection");
  return static_cast<size_t>(n);
}

absl::StatusOr<RequestHead> HttpConnection::ReadHead() {
  size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (buffer_.size() > 64 * 1024) {
      return absl::InvalidArgumentError("request head over 64 KiB");
    }
    absl::StatusOr<size_t> n = Fill();
    if (!n.ok()) return n.status();
  }
  const std::string head_text = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);

  std::vector<absl::string_view> lines = absl::StrSplit(head_text, "\r\n");
  RequestHead head;
  static const LazyRE2 kRequestLine = {R"re((\S+) (\S+) HTTP/1\.[01])re"};
  if (!RE2::FullMatch(re2::StringPiece(lines[0].data(), lines[0].size()),
                      *kRequestLine, &head.method, &head.target)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad request line \"", lines[0], "\""));
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(lines[i], absl::MaxSplits(':', 1));
    head.headers[absl::AsciiStrToLower(kv.first)] =
        std::string(absl::StripAsciiWhitespace(kv.second));
  }
  const std::string length = head.Header("content-length");
  if (!length.empty() && !absl::SimpleAtoi(length, &head.content_length)) {
    return absl::InvalidArgumentError("bad Content-Length");
  }
  head.chunked =
      absl::AsciiStrToLower(head.Header("transfer-encoding")) == "chunked";
  return head;
}

absl::StatusOr<std::string> HttpConnection::ReadBody(uint64_t size) {
  while (buffer_.size() < size) {
    absl::StatusOr<size_t> n = Fill();
    if (!n.ok()) return n.status();
  }
  std::string body = buffer_.substr(0, size);
  buffer_.erase(0, size);
  return body;
}

absl::Status HttpConnection::Discard(uint64_t size) {
  const uint64_t buffered = std::min<uint64_t>(size, buffer_.size());
  buffer_.erase(0, buffered);
  size -= buffered;
  std::string scratch(kRecvSize, '\0');
  while (size > 0) {
    ssize_t n =
        recv(fd_, &scratch[0],
             static_cast<size_t>(std::min<uint64_t>(size, kRecvSize)), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("recv");
    if (n == 0) return absl::UnavailableError("peer closed mid-body");
    size -= n;
  }
  return absl::OkStatus();
}

absl::Status HttpConnection::Write(absl::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("send");
    data.remove_prefix(n);
  }
  return absl::OkStatus();
}

void HttpConnection::Close() { shutdown(fd_, SHUT_RDWR); }

std::string HttpResponseText(int status,
                             const std::vector<std::string>& headers,
                             absl::string_view body) {
  std::string text =
      absl::StrCat("HTTP/1.1 ", status, " ", ReasonPhrase(status), "\r\n",
                   "Content-Length: ", body.size(), "\r\n");
  for (const std::string& header : headers) {
    absl::StrAppend(&text, header, "\r\n");
  }
  absl::StrAppend(&text, "\r\n", body);
  return text;
}

absl::StatusOr<std::unique_ptr<LoopbackServer>> LoopbackServer::Start(
    Handler handler) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoError("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(fd, 64) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    absl::Status status = ErrnoError("listen on 127.0.0.1");
    close(fd);
    return status;
  }
  auto server = std::unique_ptr<LoopbackServer>(
      new LoopbackServer(fd, ntohs(addr.sin_port), std::move(handler)));
  server->accept_thread_ = std::thread([s = server.get()] { s->AcceptLoop(); });
  return server;
}

LoopbackServer::LoopbackServer(int listen_fd, uint16_t port, Handler handler)
    : listen_fd_(listen_fd), port_(port), handler_(std::move(handler)) {}

LoopbackServer::~LoopbackServer() {
  stopping_.Notify();
  shutdown(listen_fd_, SHUT_RDWR);
  accept_thread_.join();
  close(listen_fd_);
  std::vector<std::thread> threads;
  {
    absl::MutexLock lock(&mu_);
    for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);
    threads.swap(connection_threads_);
  }
  for (std::thread& t : threads) t.join();
}

std::string LoopbackServer::url() const {
  return absl::StrCat("http://127.0.0.1:", port_);
}

void LoopbackServer::AcceptLoop() {
  while (!stopping_.HasBeenNotified()) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // shut down
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    absl::MutexLock lock(&mu_);
    if (stopping_.HasBeenNotified()) {
      close(fd);
      return;
    }
    open_fds_.insert(fd);
    connection_threads_.emplace_back([this, fd] {
      HttpConnection connection(fd);
      handler_(connection);
      absl::MutexLock lock(&mu_);
      open_fds_.erase(fd);
      close(fd);
    });
  }
}

}  // namespace perfcell
