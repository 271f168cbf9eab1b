#include "runner/workload/picoshare_api.h"

#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runner/workload/http_client.h"
#include "runner/workload/multipart_body.h"
#include "runner/workload/testing/fake_picoshare.h"

namespace perfcell {
namespace {

using ::testing::HasSubstr;

struct Session {
  explicit Session(FakePicoShareOptions options = {})
      : fake(*FakePicoShare::Start(options)),
        client(*HttpClient::Create(fake->url(), absl::Seconds(30))),
        api(client.get()) {}
  std::unique_ptr<FakePicoShare> fake;
  std::unique_ptr<HttpClient> client;
  PicoShareApi api;
};

TEST(PicoShareApi, LoginThenUploadDownloadDelete) {
  Session s;
  ASSERT_TRUE(s.api.Health().ok());
  ASSERT_TRUE(s.api.Login("s3cret").ok());

  MultipartBody body(5, 100000, "file", /*hash=*/true);
  Exchange up = s.api.Upload(body);
  ASSERT_TRUE(up.status.ok()) << up.status;
  EXPECT_EQ(up.http_status, 200);
  EXPECT_EQ(up.bytes, 100000u);
  EXPECT_EQ(up.entry_id.size(), 10u);
  ASSERT_TRUE(up.server_seconds.has_value());
  EXPECT_DOUBLE_EQ(*up.server_seconds, 0.0125);
  ASSERT_EQ(s.fake->uploads().size(), 1u);
  EXPECT_EQ(s.fake->uploads()[0].file_sha256, body.FileSha256());

  Sha256 sha;
  Exchange down = s.api.Download(up.entry_id, 100000, &sha);
  ASSERT_TRUE(down.status.ok()) << down.status;
  EXPECT_EQ(down.bytes, 100000u);
  EXPECT_EQ(sha.HexDigest(), body.FileSha256());

  EXPECT_TRUE(s.api.DeleteEntry(up.entry_id).ok());
  EXPECT_EQ(s.fake->entries(), 0u);
}

TEST(PicoShareApi, WrongSecretIsPermissionDenied) {
  Session s;
  absl::Status status = s.api.Login("guess");
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(status.message(), HasSubstr("login refused"));
  EXPECT_EQ(s.fake->refused_logins(), 1);
}

TEST(PicoShareApi, UploadWithoutLoginFailsWith401) {
  Session s;
  MultipartBody body(5, 10, "file", /*hash=*/false);
  Exchange up = s.api.Upload(body);
  EXPECT_FALSE(up.status.ok());
  EXPECT_EQ(up.http_status, 401);
}

TEST(PicoShareApi, DownloadShorterThanExpectedIsDataLoss) {
  Session s;
  ASSERT_TRUE(s.api.Login("s3cret").ok());
  MultipartBody body(5, 1000, "file", /*hash=*/false);
  Exchange up = s.api.Upload(body);
  ASSERT_TRUE(up.status.ok()) << up.status;
  Exchange down = s.api.Download(up.entry_id, 2000, nullptr);
  EXPECT_EQ(down.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(down.status.message(), HasSubstr("short body"));
}

TEST(PicoShareApi, DownloadErrorQuotesTheStartOfTheAnswer) {
  Session s;
  Exchange down = s.api.Download("nope", 10, nullptr);
  EXPECT_EQ(down.status.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(down.http_status, 404);
  EXPECT_THAT(down.status.message(),
              HasSubstr("GET /-nope answered HTTP 404: \"not found\""));
}

TEST(PicoShareApi, ClearOnAReleaseServerSaysTheRouteIsMissing) {
  FakePicoShareOptions options;
  options.debug_clear_route = false;
  Session s(options);
  ASSERT_TRUE(s.api.Login("s3cret").ok());
  absl::Status status = s.api.ClearDatabase();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("no debug clear route"));
}

}  // namespace
}  // namespace perfcell
