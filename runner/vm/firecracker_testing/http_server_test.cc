#include "runner/vm/firecracker_testing/http_server.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runner/vm/firecracker_testing/temp_dir.h"
#include "runner/vm/http_call.h"

namespace perfcell {
namespace firecracker_testing {
namespace {

using ::testing::HasSubstr;

// Echoes what the handler saw: method, path, a header and the body.
HttpResponse Echo(const HttpRequest& request) {
  auto header = request.headers.find("content-type");
  return HttpResponse{
      200, "text/plain",
      absl::StrCat(request.method, " ", request.path, " ",
                   header == request.headers.end() ? "-" : header->second, " ",
                   request.body)};
}

TEST(HttpServer, ServesAUnixSocketAndRemovesItAfterwards) {
  ScopedTempDir dir;
  const std::string socket = dir.path() + "/api.sock";
  {
    auto server = HttpServer::ListenUnix(socket, Echo);
    ASSERT_TRUE(server.ok()) << server.status();
    EXPECT_EQ((*server)->port(), 0);
    HttpCall call{"PUT", "http://localhost/drives/root?x=1", socket, "{}"};
    auto result = PerformHttp(call);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->status, 200);
    EXPECT_EQ(result->body, "PUT /drives/root application/json {}");
  }
  EXPECT_NE(access(socket.c_str(), F_OK), 0);
}

TEST(HttpServer, RefusesAnExistingSocketPath) {
  ScopedTempDir dir;
  const std::string taken = dir.WriteFile("api.sock", "");
  auto server = HttpServer::ListenUnix(taken, Echo);
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(server.status().message(), HasSubstr(taken));
}

TEST(HttpServer, RunsAfterSendOnceTheAnswerIsOut) {
  std::atomic<int> after{0};
  auto server =
      *HttpServer::ListenTcp("127.0.0.1", 0, [&after](const HttpRequest&) {
        return HttpResponse{204, "application/json", "",
                            [&after] { after.fetch_add(1); }};
      });
  ASSERT_GT(server->port(), 0);
  HttpCall call;
  call.url = absl::StrCat("http://127.0.0.1:", server->port(), "/actions");
  auto result = PerformHttp(call);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->status, 204);
  server.reset();  // waits for the request in progress
  EXPECT_EQ(after.load(), 1);
}

TEST(HttpServer, RefusesABodyOver4MiB) {
  auto server = *HttpServer::ListenTcp("127.0.0.1", 0, Echo);
  HttpCall call;
  call.method = "PUT";
  call.url = absl::StrCat("http://127.0.0.1:", server->port(), "/big");
  call.body = std::string(5 << 20, 'x');  // over the 4 MiB limit
  auto result = PerformHttp(call);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->status, 413);
}

TEST(HttpServer, ARequestWithoutContentLengthHasNoBody) {
  ScopedTempDir dir;
  const std::string socket_path = dir.path() + "/api.sock";
  auto server = *HttpServer::ListenUnix(socket_path, Echo);
  // What `curl -X PUT` without -d sends: neither Content-Length nor a body.
  const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  socket_path.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  const std::string request = "PUT /actions HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(send(fd, request.data(), request.size(), 0),
            static_cast<ssize_t>(request.size()));
  std::string answer;
  char chunk[4096];
  ssize_t n;
  while ((n = recv(fd, chunk, sizeof(chunk), 0)) > 0) answer.append(chunk, n);
  close(fd);
  EXPECT_THAT(answer, HasSubstr("\r\n\r\nPUT /actions - "));
}

TEST(HttpServer, StopsAtOnceAfterStarting) {
  for (int i = 0; i < 20; ++i) {
    auto server = HttpServer::ListenTcp("127.0.0.1", 0, Echo);
    ASSERT_TRUE(server.ok()) << server.status();
  }
}

}  // namespace
}  // namespace firecracker_testing
}  // namespace perfcell
