#include "runner/vm/firecracker_testing/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace perfcell {
namespace firecracker_testing {
namespace {

constexpr size_t kMaxHeaderBytes = 64 * 1024;
constexpr size_t kMaxBodyBytes = 4 * 1024 * 1024;
// A client that stops sending mid-request is dropped after this long, so one
// stuck connection cannot stall the server forever.
constexpr int kReadTimeoutMs = 10000;

absl::Status ErrnoError(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 413:
      return "Payload Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    default:
      return "Unknown";
  }
}

bool WriteAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Appends what arrives on `fd` to `buffer`; false on EOF, error or timeout.
bool ReadMore(int fd, std::string& buffer) {
  pollfd pfd = {fd, POLLIN, 0};
  if (poll(&pfd, 1, kReadTimeoutMs) <= 0) return false;
  char chunk[16 * 1024];
  ssize_t n;
  do {
    n = recv(fd, chunk, sizeof(chunk), 0);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return false;
  buffer.append(chunk, static_cast<size_t>(n));
  return true;
}

std::string SerializeResponse(const HttpResponse& response) {
  std::string out = absl::StrCat(
      "HTTP/1.1 ", response.status, " ", ReasonPhrase(response.status), "\r\n",
      "Server: perfcell-fake\r\n", "Connection: close\r\n");
  if (response.status != 204) {
    absl::StrAppend(&out, "Content-Type: ", response.content_type, "\r\n",
                    "Content-Length: ", response.body.size(), "\r\n");
  }
  absl::StrAppend(&out, "\r\n");
  if (response.status != 204) out += response.body;
  return out;
}

// Parses the request line and headers (everything before the blank line).
bool ParseHead(absl::string_view head, HttpRequest& request) {
  std::vector<absl::string_view> lines = absl::StrSplit(head, "\r\n");
  if (lines.empty()) return false;
  std::vector<absl::string_view> parts = absl::StrSplit(lines[0], ' ');
  if (parts.size() != 3 || !absl::StartsWith(parts[2], "HTTP/1.")) {
    return false;
  }
  request.method = std::string(parts[0]);
  absl::string_view target = parts[1];
  target = target.substr(0, target.find('?'));
  request.path = std::string(target);
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t colon = lines[i].find(':');
    if (colon == absl::string_view::npos) return false;
    std::string name = absl::AsciiStrToLower(lines[i].substr(0, colon));
    request.headers[name] =
        std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::ListenUnix(
    const std::string& path, HttpHandler handler) {
  sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unix socket path is longer than ",
                     sizeof(addr.sun_path) - 1, " bytes: \"", path, "\""));
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoError("socket(AF_UNIX)");
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(fd, 16) != 0) {
    absl::Status status =
        ErrnoError(absl::StrCat("listening on \"", path, "\""));
    close(fd);
    return status;
  }
  return std::unique_ptr<HttpServer>(
      new HttpServer(fd, 0, path, std::move(handler)));
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::ListenTcp(
    const std::string& host, uint16_t port, HttpHandler handler) {
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("not an IPv4 address: \"", host, "\""));
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoError("socket(AF_INET)");
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(fd, 16) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    absl::Status status =
        ErrnoError(absl::StrCat("listening on ", host, ":", port));
    close(fd);
    return status;
  }
  return std::unique_ptr<HttpServer>(
      new HttpServer(fd, ntohs(addr.sin_port), "", std::move(handler)));
}

HttpServer::HttpServer(int listen_fd, uint16_t port, std::string unix_path,
                       HttpHandler handler)
    : listen_fd_(listen_fd),
      port_(port),
      unix_path_(std::move(unix_path)),
      handler_(std::move(handler)) {
  if (pipe2(wake_pipe_, O_CLOEXEC) != 0) wake_pipe_[0] = wake_pipe_[1] = -1;
  thread_ = std::thread([this] { Serve(); });
}

HttpServer::~HttpServer() {
  if (wake_pipe_[1] >= 0) {
    char byte = 0;
    (void)!write(wake_pipe_[1], &byte, 1);
  }
  thread_.join();
  close(listen_fd_);
  if (wake_pipe_[0] >= 0) close(wake_pipe_[0]);
  if (wake_pipe_[1] >= 0) close(wake_pipe_[1]);
  if (!unix_path_.empty()) unlink(unix_path_.c_str());
}

void HttpServer::Serve() {
  while (true) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    int ready = poll(fds, wake_pipe_[0] >= 0 ? 2 : 1, -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0 || (fds[1].revents & POLLIN)) return;
    if (!(fds[0].revents & POLLIN)) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    HandleConnection(fd);
  }
}

void HttpServer::HandleConnection(int fd) {
  std::string buffer;
  size_t head_end;
  while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    if (buffer.size() > kMaxHeaderBytes || !ReadMore(fd, buffer)) {
      close(fd);
      return;
    }
  }
  HttpRequest request;
  HttpResponse response;
  size_t content_length = 0;
  bool valid =
      ParseHead(absl::string_view(buffer).substr(0, head_end), request);
  auto length = request.headers.find("content-length");
  if (valid && length != request.headers.end() &&
      !absl::SimpleAtoi(length->second, &content_length)) {
    valid = false;
  }
  if (!valid) {
    response = {400, "text/plain", "malformed HTTP request\n"};
  } else if (request.headers.count("transfer-encoding")) {
    response = {501, "text/plain",
                "chunked request bodies are not supported\n"};
  } else if (content_length > kMaxBodyBytes) {
    response = {413, "text/plain", "request body too large\n"};
  } else {
    auto expect = request.headers.find("expect");
    if (expect != request.headers.end() &&
        absl::EqualsIgnoreCase(expect->second, "100-continue") &&
        buffer.size() == head_end + 4) {
      WriteAll(fd, "HTTP/1.1 100 Continue\r\n\r\n");
    }
    while (buffer.size() < head_end + 4 + content_length) {
      if (!ReadMore(fd, buffer)) {
        close(fd);
        return;
      }
    }
    request.body = buffer.substr(head_end + 4, content_length);
    response = handler_(request);
  }
  WriteAll(fd, SerializeResponse(response));
  shutdown(fd, SHUT_WR);
  close(fd);
  if (response.after_send) response.after_send();
}

}  // namespace firecracker_testing
}  // namespace perfcell
