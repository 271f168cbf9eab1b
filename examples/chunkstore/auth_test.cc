#include "examples/chunkstore/auth.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace chunkstore {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(Auth, SecretFromJson) {
  EXPECT_EQ(Auth::SecretFromJson(R"({"sharedSecretKey": "s"})").value(), "s");
  EXPECT_EQ(Auth::SecretFromJson(R"({"sharedSecretKey":"a\"b"})").value(),
            "a\"b");
  EXPECT_FALSE(Auth::SecretFromJson(R"({"other": "s"})").ok());
  EXPECT_FALSE(Auth::SecretFromJson(R"({"sharedSecretKey": 3})").ok());
  EXPECT_FALSE(Auth::SecretFromJson("not json").ok());
}

TEST(Auth, CookieTokenIsCheckedAndStableAcrossInstances) {
  Auth auth("s3cret");
  EXPECT_TRUE(auth.IsSharedSecret("s3cret"));
  EXPECT_FALSE(auth.IsSharedSecret("s3cre"));
  std::string header = auth.SetCookieHeader();
  EXPECT_THAT(header, StartsWith("sharedSecret="));
  EXPECT_THAT(
      header,
      HasSubstr("; Path=/; HttpOnly; SameSite=Strict; Max-Age=2592000"));
  std::string token = header.substr(13, header.find(';') - 13);
  EXPECT_TRUE(auth.IsValidToken(token));
  EXPECT_TRUE(Auth("s3cret").IsValidToken(token));
  EXPECT_FALSE(Auth("other").IsValidToken(token));
  EXPECT_FALSE(auth.IsValidToken("s3cret"));
}

}  // namespace
}  // namespace chunkstore
