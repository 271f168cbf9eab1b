#include "analysis/svg.h"

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perfcell::analysis {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;

TEST(Svg, EscapesText) {
  EXPECT_EQ(HtmlEscape("a<b & \"c\"'"), "a&lt;b &amp; &quot;c&quot;&#39;");
  Svg svg(10, 10);
  svg.Text(1, 1, "<script>");
  svg.Circle(1, 1, 1, "red", "", "x & y");
  const std::string out = svg.Finish();
  EXPECT_FALSE(absl::StrContains(out, "<script>"));
  EXPECT_TRUE(absl::StrContains(out, "&lt;script&gt;"));
  EXPECT_TRUE(absl::StrContains(out, "<title>x &amp; y</title>"));
  EXPECT_TRUE(absl::StartsWith(out, "<svg "));
}

TEST(Svg, ScalesAndTicks) {
  LinearScale x{0, 10, 100, 200};
  EXPECT_DOUBLE_EQ(x(5), 150);
  EXPECT_THAT(NiceTicks(0, 10, 5), ElementsAre(0, 2, 4, 6, 8, 10));
  EXPECT_THAT(NiceTicks(0.83, 1.12, 3),
              ElementsAre(DoubleNear(0.9, 1e-12), DoubleNear(1.0, 1e-12),
                          DoubleNear(1.1, 1e-12)));
  EXPECT_TRUE(NiceTicks(1, 1, 4).empty());
}

}  // namespace
}  // namespace perfcell::analysis
