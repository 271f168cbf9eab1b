#include "images/guest/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cc/loopback_port.h"

namespace perfcell::guest {
namespace {

using ::testing::HasSubstr;

// ReadRequest of `bytes` sent by a client that then stops sending.
absl::StatusOr<HttpRequest> ReadFrom(const std::string& bytes) {
  int fds[2];
  EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  EXPECT_EQ(write(fds[1], bytes.data(), bytes.size()),
            static_cast<ssize_t>(bytes.size()));
  shutdown(fds[1], SHUT_WR);
  absl::StatusOr<HttpRequest> r = ReadRequest(fds[0]);
  close(fds[0]);
  close(fds[1]);
  return r;
}

TEST(ReadRequest, MethodAndPathWithoutQuery) {
  absl::StatusOr<HttpRequest> r =
      ReadFrom("GET /metrics?fresh=1 HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->method, "GET");
  EXPECT_EQ(r->path, "/metrics");
  EXPECT_EQ(r->Header("host"), "x");
  EXPECT_EQ(ReadFrom("POST /poweroff HTTP/1.0\n\n")->method, "POST");
  EXPECT_EQ(ReadFrom("\r\nPOST /restart_server HTTP/1.1\r\n\r\n")->path,
            "/restart_server");
}

TEST(ReadRequest, StopsAtTheEndOfTheHead) {
  // A body (or a pipelined request) after the blank line is not the head's.
  absl::StatusOr<HttpRequest> r = ReadFrom(
      "POST /drop_caches HTTP/1.1\r\nContent-Length: 5\r\n\r\nbad: line");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->headers.size(), 1u);
}

TEST(ReadRequest, MalformedHeadsAreErrors) {
  EXPECT_FALSE(ReadFrom("hello\r\n\r\n").ok());
  EXPECT_FALSE(ReadFrom("").ok());
  EXPECT_FALSE(ReadFrom("GET /metrics HTTP/1.1\r\nno colon\r\n\r\n").ok());
  EXPECT_FALSE(ReadFrom(std::string(9000, 'G')).ok());
}

TEST(FormatResponse, HasLengthAndCloses) {
  std::string r = FormatResponse(200, "text/plain", "abc");
  EXPECT_EQ(r,
            "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3"
            "\r\nConnection: close\r\n\r\nabc");
}

TEST(ListenTcp, PortAcceptsConnectionsOnceListening) {
  absl::StatusOr<int> fd = ListenTcp("127.0.0.1", 0);
  ASSERT_TRUE(fd.ok()) << fd.status();
  sockaddr_in addr = {};
  socklen_t len = sizeof(addr);
  getsockname(*fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  EXPECT_TRUE(LoopbackPortAccepts(port));
  close(*fd);
  EXPECT_FALSE(LoopbackPortAccepts(port));
}

TEST(ListenTcp, BadAddressIsAnError) {
  EXPECT_THAT(ListenTcp("nope", 1).status().message(), HasSubstr("nope"));
}

}  // namespace
}  // namespace perfcell::guest
