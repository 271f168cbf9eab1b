#include "runner/workload/response_parse.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perfcell {
namespace {

using ::testing::DoubleEq;
using ::testing::HasSubstr;

TEST(ParseEntryId, ReadsPicoShareAnswer) {
  EXPECT_EQ(*ParseEntryId("{\"id\":\"AbCdEfGhIj\"}\n"), "AbCdEfGhIj");
  EXPECT_EQ(*ParseEntryId("{ \"id\" : \"x1_-Z\" }"), "x1_-Z");
}

TEST(ParseEntryId, AcceptsExtraFieldsInAnyOrder) {
  EXPECT_EQ(*ParseEntryId(R"({"size":3000000,"id":"AbCdEfGhIj"})"),
            "AbCdEfGhIj");
  EXPECT_EQ(*ParseEntryId(R"({"id":"AbCdEfGhIj","note":{"a":[1,"}"]}})"
                          "\r\n"),
            "AbCdEfGhIj");
  EXPECT_EQ(*ParseEntryId("{\n  \"filename\": \"a \\\"b\\\"\",\n"
                          "  \"id\": \"Q\\u0031\"\n}"),
            "Q1");
}

TEST(ParseEntryId, RejectsOtherBodiesQuotingThem) {
  absl::StatusOr<std::string> id = ParseEntryId("<html>502 Bad Gateway");
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(id.status().message(), HasSubstr("502 Bad Gateway"));
  EXPECT_FALSE(ParseEntryId("{\"id\":\"\"}").ok());
  EXPECT_FALSE(ParseEntryId("").ok());
  EXPECT_FALSE(ParseEntryId(R"({"id":12345})").ok());
  EXPECT_FALSE(ParseEntryId(R"({"ID":"AbCdEfGhIj"})").ok());
  EXPECT_FALSE(ParseEntryId(R"({"id":"../etc"})").ok());
  EXPECT_FALSE(ParseEntryId(R"(["AbCdEfGhIj"])").ok());
  EXPECT_FALSE(ParseEntryId(R"({"id":"AbCdEfGhIj")").ok());
}

TEST(ParseServerTimingSeconds, ReadsAppDurationInSeconds) {
  EXPECT_THAT(*ParseServerTimingSeconds("app;dur=12.5"), DoubleEq(0.0125));
  EXPECT_THAT(*ParseServerTimingSeconds("db;dur=3, app;desc=\"x\";dur=40"),
              DoubleEq(0.040));
  EXPECT_THAT(*ParseServerTimingSeconds("db;dur=3, app;dur=40", "db"),
              DoubleEq(0.003));
}

TEST(ParseServerTimingSeconds, MissingMetricIsNotFound) {
  EXPECT_EQ(ParseServerTimingSeconds("db;dur=3").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ParseServerTimingSeconds("app").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ParseServerTimingSeconds("app;dur=fast").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace perfcell
