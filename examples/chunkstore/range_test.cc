#include "examples/chunkstore/range.h"

#include "gtest/gtest.h"

namespace chunkstore {
namespace {

ByteRange Get(const char* header, int64_t size) {
  absl::StatusOr<std::optional<ByteRange>> r = ParseRange(header, size);
  EXPECT_TRUE(r.ok() && r->has_value()) << header;
  return r.ok() && r->has_value() ? **r : ByteRange{-1, -1};
}

TEST(ParseRange, FormsOfASingleRange) {
  EXPECT_EQ(Get("bytes=0-99", 1000).last, 99);
  EXPECT_EQ(Get("bytes=990-", 1000).first, 990);
  EXPECT_EQ(Get("bytes=990-", 1000).last, 999);
  EXPECT_EQ(Get("bytes=-10", 1000).first, 990);
  EXPECT_EQ(Get("bytes=-5000", 1000).first, 0);
  EXPECT_EQ(Get("bytes=10-5000", 1000).last, 999);
  EXPECT_EQ(Get("bytes=10-5000", 1000).length(), 990);
}

TEST(ParseRange, WholeResourceWhenAbsentOrNotUnderstood) {
  EXPECT_FALSE(ParseRange(std::nullopt, 10)->has_value());
  EXPECT_FALSE(ParseRange("bytes=0-1,5-6", 10)->has_value());
  EXPECT_FALSE(ParseRange("items=0-1", 10)->has_value());
  EXPECT_FALSE(ParseRange("bytes=5-1", 10)->has_value());
}

TEST(ParseRange, UnsatisfiableIsOutOfRange) {
  EXPECT_EQ(ParseRange("bytes=10-", 10).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(ParseRange("bytes=-0", 10).status().code(),
            absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace chunkstore
