#include "images/guest/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace perfcell::guest {
namespace {

constexpr size_t kMaxHead = 8192;

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    default:
      return "Internal Server Error";
  }
}

}  // namespace

absl::StatusOr<HttpRequest> ReadRequest(int fd) {
  // The head ends at the first blank line: CRLF CRLF, or LF LF from a
  // lenient client.
  auto head_end = [](const std::string& head) {
    return std::min(head.find("\r\n\r\n"), head.find("\n\n"));
  };
  std::string head;
  char buf[1024];
  while (head.size() < kMaxHead && head_end(head) == std::string::npos) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    head.append(buf, n);
  }
  if (size_t end = head_end(head); end != std::string::npos) head.resize(end);
  // Empty lines before the request line are allowed (RFC 9112, 2.2).
  absl::string_view rest = head;
  while (absl::ConsumePrefix(&rest, "\r\n") ||
         absl::ConsumePrefix(&rest, "\n")) {
  }
  return ParseRequestHead(rest);
}

std::string FormatResponse(int status, absl::string_view content_type,
                           absl::string_view body) {
  return absl::StrCat("HTTP/1.0 ", status, " ", Reason(status),
                      "\r\nContent-Type: ", content_type,
                      "\r\nContent-Length: ", body.size(),
                      "\r\nConnection: close\r\n\r\n", body);
}

void WriteResponse(int fd, int status, absl::string_view content_type,
                   absl::string_view body) {
  std::string out = FormatResponse(status, content_type, body);
  const char* p = out.data();
  size_t left = out.size();
  while (left > 0) {
    ssize_t n = send(fd, p, left, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

absl::StatusOr<int> ListenTcp(const std::string& address, int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("socket: ", strerror(errno)));
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1) {
    close(fd);
    return absl::InvalidArgumentError(
        absl::StrCat("bad listen address \"", address, "\""));
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(fd, 16) != 0) {
    int err = errno;
    close(fd);
    return absl::UnavailableError(
        absl::StrCat("listening on ", address, ":", port, ": ", strerror(err)));
  }
  return fd;
}

}  // namespace perfcell::guest
