#include "runner/vm/http_call.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runner/vm/firecracker_testing/http_server.h"
#include "runner/vm/firecracker_testing/temp_dir.h"

namespace perfcell {
namespace {

using firecracker_testing::HttpRequest;
using firecracker_testing::HttpResponse;
using firecracker_testing::HttpServer;
using firecracker_testing::ScopedTempDir;
using ::testing::HasSubstr;

// Answers with what it received, so the test sees what went over the wire.
HttpResponse Echo(const HttpRequest& request) {
  auto type = request.headers.find("content-type");
  return HttpResponse{
      request.path == "/missing" ? 404 : 200, "text/plain",
      absl::StrCat(request.method, " ", request.path, " [",
                   type == request.headers.end() ? "" : type->second, "] ",
                   request.body)};
}

TEST(PerformHttp, PutsJsonOverAUnixSocket) {
  ScopedTempDir dir;
  const std::string socket = dir.path() + "/api.sock";
  auto server = HttpServer::ListenUnix(socket, &Echo);
  ASSERT_TRUE(server.ok()) << server.status();
  HttpCall call;
  call.method = "PUT";
  call.url = "http://localhost/machine-config";
  call.unix_socket = socket;
  call.body = R"({"vcpu_count": 2})";
  auto result = PerformHttp(call);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body,
            R"(PUT /machine-config [application/json] {"vcpu_count": 2})");
}

TEST(PerformHttp, GetsOverTcpAndReturnsErrorStatusesAsResults) {
  auto server = HttpServer::ListenTcp("127.0.0.1", 0, &Echo);
  ASSERT_TRUE(server.ok()) << server.status();
  HttpCall call;
  call.url = absl::StrCat("http://127.0.0.1:", (*server)->port(), "/missing");
  auto result = PerformHttp(call);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->status, 404);
  EXPECT_THAT(result->body, HasSubstr("GET /missing"));
}

TEST(PerformHttp, SendsLargeBodiesWhole) {
  auto server = HttpServer::ListenTcp("127.0.0.1", 0, &Echo);
  ASSERT_TRUE(server.ok()) << server.status();
  HttpCall call;
  call.method = "POST";
  call.url = absl::StrCat("http://127.0.0.1:", (*server)->port(), "/big");
  call.body = std::string(300000, 'x');
  auto result = PerformHttp(call);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->body, HasSubstr(call.body));
}

TEST(PerformHttp, NamesTheSocketWhenNothingListens) {
  ScopedTempDir dir;
  HttpCall call;
  call.url = "http://localhost/";
  call.unix_socket = dir.path() + "/nobody.sock";
  auto result = PerformHttp(call);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(result.status().message(), HasSubstr("nobody.sock"));
}

}  // namespace
}  // namespace perfcell
