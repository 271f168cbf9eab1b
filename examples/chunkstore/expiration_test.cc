#include "examples/chunkstore/expiration.h"

#include "gtest/gtest.h"

namespace chunkstore {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1700000000);  // 2023-11-14

TEST(ParseExpiration, NeverIsYear2999) {
  EXPECT_EQ(ParseExpiration("2999-12-31T00:00:00Z", kNow).value(),
            NeverExpires());
  EXPECT_EQ(Rfc3339Utc(NeverExpires()), "2999-12-31T00:00:00Z");
}

TEST(ParseExpiration, AcceptsOneHourAheadAndOffsets) {
  EXPECT_EQ(ParseExpiration("2023-11-14T23:13:20Z", kNow).value(),
            kNow + absl::Hours(1));
  // An unescaped '+' arrives as a space after form decoding.
  EXPECT_EQ(ParseExpiration("2023-11-15T01:13:20 02:00", kNow).value(),
            kNow + absl::Hours(1));
}

TEST(ParseExpiration, RefusesMissingUnparsablePastAndTooSoon) {
  EXPECT_FALSE(ParseExpiration(std::nullopt, kNow).ok());
  EXPECT_FALSE(ParseExpiration("", kNow).ok());
  EXPECT_FALSE(ParseExpiration("tomorrow", kNow).ok());
  EXPECT_FALSE(ParseExpiration("2023-11-14", kNow).ok());
  EXPECT_FALSE(ParseExpiration("2020-01-01T00:00:00Z", kNow).ok());
  EXPECT_FALSE(ParseExpiration("2023-11-14T23:13:19Z", kNow).ok());
}

}  // namespace
}  // namespace chunkstore
