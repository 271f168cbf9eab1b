#include "analysis/format.h"

#include <cmath>

#include "gtest/gtest.h"

namespace perfcell::analysis {
namespace {

TEST(Format, ChangesAreSignedPercentages) {
  EXPECT_EQ(FormatChange(0.902), "-9.8%");
  EXPECT_EQ(FormatChange(1.123), "+12.3%");
  EXPECT_EQ(FormatChange(0.99999), "+0.0%");
  EXPECT_EQ(FormatChange(NAN), "n/a");
}

TEST(Format, ThroughputInMebibytes) {
  EXPECT_EQ(FormatThroughput(80.0 * (1 << 20)), "80.0 MiB/s");
  EXPECT_EQ(FormatThroughput(512.0 * (1 << 20)), "512 MiB/s");
  EXPECT_EQ(FormatThroughput(1.5 * (1 << 20)), "1.50 MiB/s");
}

TEST(Format, PValues) {
  EXPECT_EQ(FormatPValue(0.0123), "0.0123");
  EXPECT_EQ(FormatPValue(0.00001), "<0.0001");
  EXPECT_EQ(FormatPercent(0.283), "28.3%");
  EXPECT_EQ(FormatNumber(NAN, 3), "");
  EXPECT_EQ(FormatNumber(1.23456, 2), "1.23");
}

}  // namespace
}  // namespace perfcell::analysis
