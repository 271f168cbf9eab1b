#include "runner/workload/testing/loopback_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perfcell {
namespace {

using ::testing::HasSubstr;

// Sends `request` on a fresh connection and reads until the server closes.
std::string Exchange(uint16_t port, const std::string& request) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  EXPECT_EQ(send(fd, request.data(), request.size(), 0),
            static_cast<ssize_t>(request.size()));
  shutdown(fd, SHUT_WR);
  std::string answer;
  char buf[4096];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) answer.append(buf, n);
  close(fd);
  return answer;
}

TEST(LoopbackServer, ServesKeepAliveRequestsWithBodies) {
  auto server = *LoopbackServer::Start([](HttpConnection& c) {
    while (true) {
      absl::StatusOr<RequestHead> head = c.ReadHead();
      if (!head.ok()) return;
      absl::StatusOr<std::string> body = c.ReadBody(head->content_length);
      if (!body.ok()) return;
      c.Write(HttpResponseText(200, {"X-Seen: " + head->method},
                               head->target + ":" + *body))
          .IgnoreError();
    }
  });
  const std::string answer =
      Exchange(server->port(),
               "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nxyz"
               "GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_THAT(answer, HasSubstr("X-Seen: POST\r\n\r\n/a:xyz"));
  EXPECT_THAT(answer, HasSubstr("Content-Length: 3\r\nX-Seen: GET\r\n\r\n/b:"));
}

TEST(LoopbackServer, MalformedRequestEndsTheHandlerLoop) {
  auto server = *LoopbackServer::Start([](HttpConnection& c) {
    absl::StatusOr<RequestHead> head = c.ReadHead();
    c.Write(HttpResponseText(head.ok() ? 200 : 400, {}, "")).IgnoreError();
  });
  EXPECT_THAT(Exchange(server->port(), "hello\r\n\r\n"),
              HasSubstr("HTTP/1.1 400 Bad Request"));
}

}  // namespace
}  // namespace perfcell
