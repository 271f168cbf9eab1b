#include "images/guest/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cc/loopback_port.h"

namespace perfcell::guest {
namespace {

using ::testing::HasSubstr;

TEST(ParseRequestHead, MethodAndPathWithoutQuery) {
  absl::StatusOr<HttpRequest> r =
      ParseRequestHead("GET /metrics?fresh=1 HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->method, "GET");
  EXPECT_EQ(r->path, "/metrics");
  EXPECT_EQ(ParseRequestHead("POST /poweroff HTTP/1.0\n\n")->method, "POST");
  EXPECT_FALSE(ParseRequestHead("hello\r\n\r\n").ok());
  EXPECT_FALSE(ParseRequestHead("").ok());
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
