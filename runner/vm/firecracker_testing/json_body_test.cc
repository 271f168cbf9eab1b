#include "runner/vm/firecracker_testing/json_body.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perfcell {
namespace firecracker_testing {
namespace {

using ::testing::HasSubstr;

const std::vector<FieldSpec>& Fields() {
  static const auto* fields = new std::vector<FieldSpec>{
      {"name", JsonType::kString, kRequired, {}},
      {"count", JsonType::kUnsigned, kOptional, {}},
      {"flag", JsonType::kBool, kOptional, {}},
      {"mode", JsonType::kString, kOptional, {"Unsafe", "Writeback"}},
      {"limits", JsonType::kObject, kOptional, {}},
  };
  return *fields;
}

TEST(ParseJsonBody, AcceptsDeclaredFieldsAndReadsThem) {
  auto body = ParseJsonBody(
      R"({"name": "a\"b", "count": 3, "flag": true, "mode": "Writeback",
          "limits": {"size": 1}})",
      Fields());
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(StringField(*body, "name"), "a\"b");
  EXPECT_EQ(UnsignedField(*body, "count"), 3u);
  EXPECT_TRUE(BoolField(*body, "flag"));
  EXPECT_EQ(StringField(*body, "mode"), "Writeback");
  EXPECT_EQ(StringField(*body, "absent", "default"), "default");
}

TEST(ParseJsonBody, RefusesUnknownFieldNamingItAndTheExpectedOnes) {
  auto body = ParseJsonBody(R"({"name": "x", "nmae": "y"})", Fields());
  ASSERT_FALSE(body.ok());
  EXPECT_THAT(body.status().message(), HasSubstr("unknown field `nmae`"));
  EXPECT_THAT(body.status().message(), HasSubstr("`name`, `count`"));
}

TEST(ParseJsonBody, RefusesMissingRequiredField) {
  auto body = ParseJsonBody(R"({"count": 1})", Fields());
  ASSERT_FALSE(body.ok());
  EXPECT_THAT(body.status().message(), HasSubstr("missing field `name`"));
}

TEST(ParseJsonBody, RefusesWrongTypes) {
  for (const char* json :
       {R"({"name": 1})", R"({"name": "x", "count": "2"})",
        R"({"name": "x", "count": -1})", R"({"name": "x", "count": 1.5})",
        R"({"name": "x", "flag": "true"})", R"({"name": "x", "limits": []})"}) {
    auto body = ParseJsonBody(json, Fields());
    ASSERT_FALSE(body.ok()) << json;
    EXPECT_THAT(body.status().message(), HasSubstr("invalid type")) << json;
  }
}

TEST(ParseJsonBody, RefusesValueOutsideEnum) {
  auto body = ParseJsonBody(R"({"name": "x", "mode": "none"})", Fields());
  ASSERT_FALSE(body.ok());
  EXPECT_THAT(body.status().message(), HasSubstr("unknown variant `none`"));
}

TEST(ParseJsonBody, RefusesWhatIsNotAJsonObject) {
  for (const char* json : {"", "[]", "{", "\"name\""}) {
    EXPECT_FALSE(ParseJsonBody(json, Fields()).ok()) << json;
  }
}

}  // namespace
}  // namespace firecracker_testing
}  // namespace perfcell
