#include "runner/workload/http_client.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runner/workload/testing/loopback_server.h"

namespace perfcell {
namespace {

using ::testing::HasSubstr;

// Answers every request with what it saw: method, target, cookie, body size,
// Content-Length / Transfer-Encoding; sets a cookie on /login; never answers
// /stall.
class EchoServer {
 public:
  EchoServer() {
    server_ = *LoopbackServer::Start([this](HttpExchange& exchange) {
      const RequestHead& head = exchange.head();
      if (head.target == "/stall") {
        stalls_.fetch_add(1);
        server_->stopping().WaitForNotification();
        return;
      }
      absl::StatusOr<std::string> body = exchange.ReadBody();
      if (!body.ok()) return;
      HttpExchange::Headers headers;
      if (head.target == "/login") {
        headers.emplace_back("Set-Cookie", "session=abc; Path=/");
      }
      exchange.Respond(head.target == "/500" ? 500 : 200, headers,
                       absl::StrCat(head.method, " ", head.target,
                                    " cookie=", head.Header("cookie"),
                                    " body=", body->size(),
                                    " te=", head.Header("transfer-encoding"),
                                    " expect=", head.Header("expect")));
    });
  }
  std::string url() const { return server_->url(); }
  std::atomic<int> stalls_{0};

 private:
  std::unique_ptr<LoopbackServer> server_;
};

HttpRequest Get(std::string path) {
  HttpRequest request;
  request.path = std::move(path);
  return request;
}

TEST(HttpClient, KeepsCookiesAcrossRequests) {
  EchoServer server;
  auto client = *HttpClient::Create(server.url(), absl::Seconds(30));
  ASSERT_TRUE(client->Send(Get("/login")).ok());
  absl::StatusOr<HttpResponse> response = client->Send(Get("/next"));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_THAT(response->body, HasSubstr("GET /next cookie=session=abc"));
}

// One handle serves every request: nothing of one request's method, body or
// headers may leak into the next, while the cookie stays.
TEST(HttpClient, EachRequestStartsFromItsOwnOptions) {
  EchoServer server;
  auto client = *HttpClient::Create(server.url(), absl::Seconds(30));
  ASSERT_TRUE(client->Send(Get("/login")).ok());

  HttpRequest streamed;
  streamed.method = "POST";
  streamed.path = "/streamed";
  streamed.body_size = 5000;
  auto left = std::make_shared<uint64_t>(0);
  streamed.body_reader = [left](char* out, size_t size) {
    const size_t n = std::min<uint64_t>(*left, size);
    std::fill(out, out + n, 'y');
    *left -= n;
    return n;
  };
  HttpRequest small;
  small.method = "POST";
  small.path = "/small";
  small.body = "{\"a\":1}";
  small.headers = {"Content-Type: application/json"};
  HttpRequest remove;
  remove.method = "DELETE";
  remove.path = "/thing";

  const std::vector<std::pair<HttpRequest, std::string>> sequence = {
      {streamed, "POST /streamed cookie=session=abc body=5000 te= expect="},
      {Get("/after-post"), "GET /after-post cookie=session=abc body=0 te="},
      {small, "POST /small cookie=session=abc body=7 te= expect="},
      {remove, "DELETE /thing cookie=session=abc body=0 te="},
      {Get("/after-delete"), "GET /after-delete cookie=session=abc body=0"},
      {streamed, "POST /streamed cookie=session=abc body=5000 te= expect="},
  };
  for (const auto& [request, echo] : sequence) {
    SCOPED_TRACE(request.path);
    *left = request.body_size;
    absl::StatusOr<HttpResponse> response = client->Send(request);
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->status, 200);
    EXPECT_THAT(response->body, HasSubstr(echo));
  }
}

TEST(HttpClient, StreamsBodyWithContentLengthNotChunked) {
  EchoServer server;
  auto client = *HttpClient::Create(server.url(), absl::Seconds(30));
  HttpRequest request;
  request.method = "POST";
  request.path = "/upload";
  request.body_size = 3'000'000;
  uint64_t left = request.body_size;
  request.body_reader = [&left](char* out, size_t size) {
    const size_t n = std::min<uint64_t>(left, size);
    std::fill(out, out + n, 'x');
    left -= n;
    return n;
  };
  absl::StatusOr<HttpResponse> response = client->Send(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body, "POST /upload cookie= body=3000000 te= expect=");
  EXPECT_EQ(response->bytes_sent, 3'000'000u);
}

TEST(HttpClient, HttpErrorsAreResponsesWithTheirStatus) {
  EchoServer server;
  auto client = *HttpClient::Create(server.url(), absl::Seconds(30));
  absl::StatusOr<HttpResponse> response = client->Send(Get("/500"));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 500);
  EXPECT_THAT(*FindHeader(response->headers, "content-length"),
              testing::Not(testing::IsEmpty()));
}

TEST(HttpClient, DeleteAndBodySink) {
  EchoServer server;
  auto client = *HttpClient::Create(server.url(), absl::Seconds(30));
  HttpRequest request;
  request.method = "DELETE";
  request.path = "/thing";
  std::string sunk;
  request.on_body_data = [&sunk](const char* data, size_t size) {
    sunk.append(data, size);
  };
  absl::StatusOr<HttpResponse> response = client->Send(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body, "");
  EXPECT_THAT(sunk, HasSubstr("DELETE /thing"));
  EXPECT_EQ(response->body_bytes, sunk.size());
}

TEST(HttpClient, StalledRequestIsATimeout) {
  EchoServer server;
  auto client = *HttpClient::Create(server.url(), absl::Milliseconds(300));
  absl::StatusOr<HttpResponse> response = client->Send(Get("/stall"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(response.status().message(), HasSubstr("GET /stall: timed out"));
}

TEST(HttpClient, RefusedConnectionIsUnavailable) {
  std::string url;
  {
    EchoServer gone;
    url = gone.url();
  }
  auto client = *HttpClient::Create(url, absl::Seconds(5));
  absl::StatusOr<HttpResponse> response = client->Send(Get("/"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable);
}

TEST(HttpClient, RejectsNonHttpBaseUrl) {
  EXPECT_EQ(HttpClient::Create("ftp://x", absl::Seconds(1)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(FindHeader, IsCaseInsensitive) {
  const std::string headers =
      "HTTP/1.1 200 OK\r\nServer-Timing: app;dur=3\r\n\r\n";
  EXPECT_EQ(*FindHeader(headers, "server-timing"), "app;dur=3");
  EXPECT_EQ(FindHeader(headers, "x-none").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace perfcell
