#include "tools/cc/http_request.h"

#include "gtest/gtest.h"

namespace perfcell {
namespace {

TEST(ParseRequestHead, SplitsTargetAndLowercasesHeaderNames) {
  absl::StatusOr<HttpRequest> req = ParseRequestHead(
      "POST /api/entry?expiration=2999-12-31T00%3A00%3A00Z&x=1 HTTP/1.1\r\n"
      "Host: example\r\nContent-Type:  multipart/form-data; boundary=a \r\n"
      "Cookie: a=1; sharedSecret=tok");
  ASSERT_TRUE(req.ok()) << req.status();
  EXPECT_EQ(req->method, "POST");
  EXPECT_EQ(req->path, "/api/entry");
  EXPECT_EQ(req->QueryParam("expiration"), "2999-12-31T00:00:00Z");
  EXPECT_EQ(req->QueryParam("missing"), std::nullopt);
  EXPECT_EQ(req->Header("CONTENT-TYPE"), "multipart/form-data; boundary=a");
  EXPECT_EQ(req->Cookie("sharedSecret"), "tok");
  EXPECT_EQ(req->Cookie("other"), std::nullopt);
  EXPECT_TRUE(req->KeepAlive());
}

TEST(ParseRequestHead, DecodesThePath) {
  absl::StatusOr<HttpRequest> req =
      ParseRequestHead("GET /-abc/my%20file+1.txt HTTP/1.1");
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->path, "/-abc/my file+1.txt");
}

TEST(ParseRequestHead, KeepAliveFollowsVersionAndConnectionHeader) {
  EXPECT_FALSE(
      ParseRequestHead("GET / HTTP/1.1\r\nConnection: close")->KeepAlive());
  EXPECT_FALSE(ParseRequestHead("GET / HTTP/1.0")->KeepAlive());
  EXPECT_TRUE(ParseRequestHead("GET / HTTP/1.0\r\nConnection: Keep-Alive")
                  ->KeepAlive());
}

TEST(ParseRequestHead, RejectsMalformedLines) {
  EXPECT_FALSE(ParseRequestHead("GET /").ok());
  EXPECT_FALSE(ParseRequestHead("GET / HTTP/2.0").ok());
  EXPECT_FALSE(ParseRequestHead("GET / HTTP/1.1\r\nno colon here").ok());
  EXPECT_FALSE(ParseRequestHead("GET / HTTP/1.1\r\nbad name: x").ok());
}

TEST(ParseRequestHead, RejectsBareCrAndNulInsideHeaderLines) {
  EXPECT_FALSE(
      ParseRequestHead("GET / HTTP/1.1\r\nX-A: a\rX-B: b\r\nHost: x").ok());
  EXPECT_FALSE(
      ParseRequestHead(std::string("GET / HTTP/1.1\r\nX-A: a\0b", 25)).ok());
}

TEST(UrlDecode, HandlesPlusAndBadEscapes) {
  EXPECT_EQ(UrlDecode("a%20b+c", true), "a b c");
  EXPECT_EQ(UrlDecode("a%20b+c", false), "a b+c");
  EXPECT_EQ(UrlDecode("100%", true), "100%");
  EXPECT_EQ(UrlDecode("%zz", true), "%zz");
}

}  // namespace
}  // namespace perfcell
