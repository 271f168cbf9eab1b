#include "runner/workload/testing/loopback_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perfcell {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// A raw client connection, so the test sees exactly what goes on the wire.
class RawClient {
 public:
  explicit RawClient(uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    EXPECT_EQ(connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)),
              0);
  }
  ~RawClient() { close(fd_); }

  void Send(const std::string& data) {
    EXPECT_EQ(send(fd_, data.data(), data.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(data.size()));
  }

  // Reads one response (head and Content-Length body); what came until the
  // connection ended if it ends first.
  std::string ReadResponse() {
    size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::exchange(buffer_, "");
    }
    size_t length = 0;
    const size_t at = buffer_.find("Content-Length: ");
    if (at < head_end) {
      const size_t end = buffer_.find("\r\n", at);
      EXPECT_TRUE(
          absl::SimpleAtoi(buffer_.substr(at + 16, end - at - 16), &length));
    }
    while (buffer_.size() < head_end + 4 + length) {
      if (!Fill()) return std::exchange(buffer_, "");
    }
    std::string response = buffer_.substr(0, head_end + 4 + length);
    buffer_.erase(0, response.size());
    return response;
  }

  // True when the server closed the connection (EOF or reset).
  bool Closed() { return !Fill(); }

 private:
  bool Fill() {
    char chunk[4096];
    const ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, n);
    return true;
  }

  const int fd_;
  std::string buffer_;
};

// Answers "<target>:<body>" with the method in an X-Seen header.
void Echo(HttpExchange& exchange) {
  absl::StatusOr<std::string> body = exchange.ReadBody();
  if (!body.ok()) return;
  exchange.Respond(200, {{"X-Seen", exchange.head().method}},
                   absl::StrCat(exchange.head().target, ":", *body));
}

TEST(LoopbackServer, ServesKeepAliveRequestsWithBodies) {
  auto server = *LoopbackServer::Start(Echo);
  RawClient client(server->port());
  client.Send("POST /a?x=1 HTTP/1.1\r\nContent-Length: 3\r\n\r\nxyz");
  const std::string first = client.ReadResponse();
  EXPECT_THAT(first, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(first, HasSubstr("X-Seen: POST\r\n"));
  EXPECT_THAT(first, HasSubstr("\r\n\r\n/a?x=1:xyz"));
  client.Send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_THAT(client.ReadResponse(), HasSubstr("X-Seen: GET\r\n"));
}

TEST(LoopbackServer, DecodesChunkedBodies) {
  std::atomic<bool> chunked{false};
  auto server = *LoopbackServer::Start([&chunked](HttpExchange& exchange) {
    chunked = exchange.head().chunked;
    Echo(exchange);
  });
  RawClient client(server->port());
  client.Send(
      "PUT /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  EXPECT_THAT(client.ReadResponse(), HasSubstr("\r\n\r\n/c:abcde"));
  EXPECT_TRUE(chunked);
}

TEST(LoopbackServer, ReadsAnUnreadBodyBeforeTheNextRequest) {
  auto server = *LoopbackServer::Start(
      [](HttpExchange& exchange) { exchange.Respond(411, {}, "no thanks\n"); });
  RawClient client(server->port());
  client.Send("POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_THAT(client.ReadResponse(), StartsWith("HTTP/1.1 411 "));
  client.Send("POST /b HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  EXPECT_THAT(client.ReadResponse(), StartsWith("HTTP/1.1 411 "));
}

TEST(LoopbackServer, MalformedRequestGets400WithoutTheHandler) {
  std::atomic<int> calls{0};
  auto server = *LoopbackServer::Start([&calls](HttpExchange& exchange) {
    ++calls;
    exchange.Respond(200, {}, "");
  });
  RawClient client(server->port());
  client.Send("hello\r\n\r\n");
  EXPECT_THAT(client.ReadResponse(), StartsWith("HTTP/1.1 400 "));
  EXPECT_EQ(calls, 0);
}

TEST(LoopbackServer, DropsTheConnectionMidBody) {
  std::atomic<uint64_t> read{0};
  auto server = *LoopbackServer::Start([&read](HttpExchange& exchange) {
    read = *exchange.DiscardBody(/*at_most=*/4);
    exchange.DropConnection();
  });
  RawClient client(server->port());
  client.Send("POST /up HTTP/1.1\r\nContent-Length: 100000\r\n\r\n" +
              std::string(1000, 'x'));
  const std::string answer = client.ReadResponse();
  EXPECT_THAT(answer, Not(HasSubstr("HTTP/1.1")));
  EXPECT_GE(read, 4u);
  EXPECT_LT(read, 100000u);
}

TEST(LoopbackServer, DropsTheConnectionMidMultipartBody) {
  std::atomic<uint64_t> read{0};
  auto server = *LoopbackServer::Start([&read](HttpExchange& exchange) {
    read = *exchange.DiscardBody(/*at_most=*/4);
    exchange.DropConnection();
  });
  RawClient client(server->port());
  client.Send(
      "POST /up HTTP/1.1\r\nContent-Length: 100000\r\n"
      "Content-Type: multipart/form-data; boundary=xx\r\n\r\n"
      "--xx\r\nContent-Disposition: form-data; name=\"file\"; "
      "filename=\"f\"\r\n\r\n" +
      std::string(1000, 'x'));
  EXPECT_THAT(client.ReadResponse(), Not(HasSubstr("HTTP/1.1")));
  EXPECT_GE(read, 4u);
}

TEST(LoopbackServer, ReadsFormParts) {
  auto server = *LoopbackServer::Start([](HttpExchange& exchange) {
    auto form = exchange.ReadForm();
    if (!form.ok()) return exchange.Respond(400, {}, "");
    std::string text;
    for (const auto& part : *form) {
      absl::StrAppend(&text, part.name, "=", part.content, ";");
    }
    exchange.Respond(200, {}, text);
  });
  RawClient client(server->port());
  const std::string body =
      "--xx\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n"
      "--xx\r\nContent-Disposition: form-data; name=\"file\"; "
      "filename=\"f\"\r\n\r\nabc\r\n--xx--\r\n";
  client.Send(absl::StrCat(
      "POST /up HTTP/1.1\r\nContent-Length: ", body.size(),
      "\r\nContent-Type: multipart/form-data; boundary=xx\r\n\r\n", body));
  EXPECT_THAT(client.ReadResponse(), HasSubstr("\r\n\r\na=1;file=abc;"));
}

TEST(LoopbackServer, StalledHandlerIsReleasedWhenTheServerStops) {
  std::atomic<bool> released{false};
  absl::Notification stalled;
  LoopbackServer* raw = nullptr;  // set before any request arrives
  auto server = *LoopbackServer::Start([&](HttpExchange&) {
    stalled.Notify();
    raw->stopping().WaitForNotification();
    released = true;
  });
  raw = server.get();
  RawClient client(server->port());
  client.Send("GET /stall HTTP/1.1\r\nHost: x\r\n\r\n");
  // Stop only once the handler is stalled (not before its request arrived).
  stalled.WaitForNotification();
  server.reset();
  EXPECT_TRUE(released);
  EXPECT_TRUE(client.Closed());
}

}  // namespace
}  // namespace perfcell
