#include "examples/chunkstore/http_response.h"

#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace chunkstore {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// A ResponseWriter on one end of a socket pair; Sent() is what the other end
// received.
class ResponseWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int fds[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    conn_ = std::make_unique<Connection>(fds[0], absl::Seconds(5));
    peer_ = fds[1];
  }
  void TearDown() override { close(peer_); }

  std::string Sent() {
    conn_.reset();  // closes our end
    std::string all;
    char buf[4096];
    ssize_t n;
    while ((n = read(peer_, buf, sizeof(buf))) > 0) all.append(buf, n);
    return all;
  }

  std::unique_ptr<Connection> conn_;
  int peer_ = -1;
};

TEST_F(ResponseWriterTest, WritesHeadersAndBody) {
  ResponseWriter out(conn_.get(), [] { return true; });
  out.AddHeader("X-Test", "a\tb");
  ASSERT_TRUE(out.Send(200, "text/plain", "hi").ok());
  EXPECT_EQ(Sent(),
            "HTTP/1.1 200 OK\r\nX-Test: a\tb\r\nContent-Type: text/plain\r\n"
            "Content-Length: 2\r\n\r\nhi");
}

TEST_F(ResponseWriterTest, NeverEmitsAHeaderValueWithCrLfOrNul) {
  const std::string bad_values[] = {
      "text/html\nX-Injected: yes\nSet-Cookie: evil=1",
      "text/html\r\nX-Injected: yes",
      std::string("text/html") + '\0' + "X-Injected: yes",
  };
  for (const std::string& value : bad_values) {
    SetUp();
    ResponseWriter out(conn_.get(), [] { return true; });
    out.AddHeader("Content-Type", value);
    absl::Status status = out.WriteHead(200, 0);
    EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
    EXPECT_EQ(out.status(), 500);
    EXPECT_FALSE(out.keep_alive());
    const std::string sent = Sent();
    EXPECT_THAT(sent, StartsWith("HTTP/1.1 500 "));
    EXPECT_THAT(sent, Not(HasSubstr("X-Injected")));
    EXPECT_THAT(sent, Not(HasSubstr("text/html")));
    TearDown();
  }
}

TEST_F(ResponseWriterTest, RefusesAHeaderNameThatIsNotAToken) {
  ResponseWriter out(conn_.get(), [] { return true; });
  out.AddHeader("X-A: b\r\nX-Injected", "yes");
  EXPECT_FALSE(out.WriteHead(200, 0).ok());
  EXPECT_THAT(Sent(), Not(HasSubstr("X-Injected")));
}

TEST_F(ResponseWriterTest, HoldsBackTheTailOfTheLastPieceForTheHook) {
  ResponseWriter out(conn_.get(), [] { return true; });
  // What the hook saw: whether the write is the last, and the body bytes
  // already written then.
  std::vector<std::pair<bool, int64_t>> calls;
  out.set_before_write(
      [&](bool last) { calls.emplace_back(last, out.body_bytes()); });
  const std::string body(5000, 'x');
  ASSERT_TRUE(out.WriteHead(200, 5100).ok());
  ASSERT_TRUE(out.WriteBody(std::string(100, 'x')).ok());
  ASSERT_TRUE(out.WriteBody(body).ok());
  EXPECT_TRUE(out.complete());
  const std::vector<std::pair<bool, int64_t>> expected = {
      {false, 0},    // head
      {false, 0},    // first piece
      {false, 100},  // all but the tail of the last piece
      {true, 5100 - static_cast<int64_t>(ResponseWriter::kHeldBackTail)}};
  EXPECT_EQ(calls, expected);
  EXPECT_THAT(Sent(), HasSubstr("\r\n\r\n" + std::string(5100, 'x')));
}

TEST_F(ResponseWriterTest, AShortLastPieceIsNotSplit) {
  ResponseWriter out(conn_.get(), [] { return true; });
  std::vector<bool> calls;
  out.set_before_write([&](bool last) { calls.push_back(last); });
  ASSERT_TRUE(out.Send(200, "text/plain", "hi").ok());
  EXPECT_EQ(calls, (std::vector<bool>{false, true}));
}

}  // namespace
}  // namespace chunkstore
