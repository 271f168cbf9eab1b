#include "runner/workload/api_profile.h"

#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "runner/workload/http_client.h"
#include "runner/workload/multipart_body.h"
#include "runner/workload/picoshare_api.h"
#include "runner/workload/testing/fake_picoshare.h"

namespace perfcell {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ApiProfileByName, KnowsChunkstorePicoshareAndInMemory) {
  EXPECT_EQ(ApiProfileByName("chunkstore")->reset, ResetMode::kDebugClear);
  EXPECT_EQ(ApiProfileByName("picoshare")->reset, ResetMode::kDeleteEntries);
  EXPECT_EQ(ApiProfileByName("in-memory")->reset, ResetMode::kDebugClear);
  EXPECT_THAT(ApiProfileNames(),
              ElementsAre("chunkstore", "in-memory", "picoshare"));
}

TEST(ApiProfileByName, SaysWhoseDataSurvivesARestart) {
  EXPECT_TRUE(ApiProfileByName("chunkstore")->restart_keeps_data);
  EXPECT_TRUE(ApiProfileByName("picoshare")->restart_keeps_data);
  EXPECT_FALSE(ApiProfileByName("in-memory")->restart_keeps_data);
}

TEST(ApiProfileByName, UnknownNameIsAClearError) {
  absl::StatusOr<ApiProfile> profile = ApiProfileByName("nginx");
  ASSERT_FALSE(profile.ok());
  EXPECT_EQ(profile.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(profile.status().message(),
            "unknown API profile \"nginx\" (known: chunkstore, in-memory, "
            "picoshare)");
}

// Uploads `n` entries and returns their ids.
std::vector<std::string> UploadSome(PicoShareApi& api, int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    MultipartBody body(i, 100, "file", /*hash=*/false);
    ids.push_back(api.Upload(body).entry_id);
  }
  return ids;
}

TEST(ResetServer, ChunkstoreClearsTheDatabase) {
  auto fake = *FakePicoShare::Start({});
  auto client = *HttpClient::Create(fake->url(), absl::Seconds(30));
  PicoShareApi api(client.get());
  ASSERT_TRUE(api.Login("s3cret").ok());
  UploadSome(api, 3);
  ASSERT_TRUE(ResetServer(*ApiProfileByName("chunkstore"), api, {}).ok());
  EXPECT_EQ(fake->entries(), 0u);
  EXPECT_EQ(fake->clears(), 1);
}

TEST(ResetServer, PicoshareDeletesTheGivenEntries) {
  FakePicoShareOptions options;
  options.debug_clear_route = false;
  auto fake = *FakePicoShare::Start(options);
  auto client = *HttpClient::Create(fake->url(), absl::Seconds(30));
  PicoShareApi api(client.get());
  ASSERT_TRUE(api.Login("s3cret").ok());
  const std::vector<std::string> ids = UploadSome(api, 3);
  ASSERT_TRUE(ResetServer(*ApiProfileByName("picoshare"), api, ids).ok());
  EXPECT_EQ(fake->entries(), 0u);
  EXPECT_EQ(fake->deletes(), 3);

  absl::Status again = ResetServer(*ApiProfileByName("picoshare"), api, ids);
  EXPECT_THAT(again.message(), HasSubstr("answered HTTP 404"));
}

}  // namespace
}  // namespace perfcell
