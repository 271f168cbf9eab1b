#include "images/guest/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "re2/re2.h"

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

absl::StatusOr<HttpRequest> ParseRequestHead(absl::string_view head) {
  static const LazyRE2 kRequestLine = {
      R"(^([A-Z]+) ([^ ?\r\n]+)(?:\?[^ \r\n]*)? HTTP/1\.[01]\r?\n)"};
  HttpRequest r;
  if (!RE2::PartialMatch(re2::StringPiece(head.data(), head.size()),
                         *kRequestLine, &r.method, &r.path)) {
    return absl::InvalidArgumentError("malformed HTTP request line");
  }
  return r;
}

absl::StatusOr<HttpRequest> ReadRequest(int fd) {
  std::string head;
  char buf[1024];
  while (head.size() < kMaxHead && head.find("\r\n\r\n") == std::string::npos &&
         head.find("\n\n") == std::string::npos) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    head.append(buf, n);
  }
  return ParseRequestHead(head);
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
