#include "images/ext4/size.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perfcell::ext4 {
namespace {

// The size grammar itself is tools/cc/byte_size_test's; these check that
// --size uses it.
TEST(ParseSizeSpec, FixedSizesInTheSizeGrammar) {
  EXPECT_EQ(ParseSizeSpec("50G")->bytes, uint64_t{50} << 30);
  EXPECT_EQ(ParseSizeSpec("2GiB")->bytes, uint64_t{2} << 30);
  EXPECT_EQ(ParseSizeSpec("1048576")->bytes, uint64_t{1048576});
  for (const char* bad : {"", "G", "12X", "-5M", "1.5G", "0", "10GG", "2GB"}) {
    auto size = ParseSizeSpec(bad);
    ASSERT_FALSE(size.ok()) << bad;
    EXPECT_EQ(size.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(size.status().message(), ::testing::HasSubstr(bad));
  }
}

TEST(ParseSizeSpec, FixedSizesAndFitWithHeadroom) {
  EXPECT_EQ(ParseSizeSpec("64M")->bytes, uint64_t{64} << 20);
  EXPECT_FALSE(ParseSizeSpec("64M")->fit);
  SizeSpec fit = *ParseSizeSpec("fit");
  EXPECT_TRUE(fit.fit);
  EXPECT_EQ(fit.headroom_percent, 0u);
  EXPECT_EQ(fit.headroom_bytes, 0u);
  EXPECT_EQ(ParseSizeSpec("fit+10%")->headroom_percent, 10u);
  EXPECT_EQ(ParseSizeSpec("fit+4M")->headroom_bytes, uint64_t{4} << 20);
}

TEST(ParseSizeSpec, RejectsBadFitsWithTheInputInTheMessage) {
  for (const char* bad :
       {"fit+", "fit10%", "fit+x%", "fit+-5%", "fit+4Q", "fits", "fit+%"}) {
    auto spec = ParseSizeSpec(bad);
    ASSERT_FALSE(spec.ok()) << bad;
    EXPECT_THAT(spec.status().message(), ::testing::HasSubstr(bad));
  }
}

TEST(FormatBytes, ScalesToTheLargestUnit) {
  EXPECT_EQ(FormatBytes(512), "512 B");
  EXPECT_EQ(FormatBytes(1536), "1.5 KiB");
  EXPECT_EQ(FormatBytes(uint64_t{50} << 30), "50.0 GiB");
}

}  // namespace
}  // namespace perfcell::ext4
