#include "images/guest/system.h"

#include "gtest/gtest.h"

namespace perfcell::guest {
namespace {

TEST(PrefixToNetmask, CommonPrefixes) {
  EXPECT_EQ(PrefixToNetmask(24), 0xFFFFFF00u);
  EXPECT_EQ(PrefixToNetmask(8), 0xFF000000u);
  EXPECT_EQ(PrefixToNetmask(32), 0xFFFFFFFFu);
  EXPECT_EQ(PrefixToNetmask(0), 0u);
  EXPECT_EQ(PrefixToNetmask(31), 0xFFFFFFFEu);
}

TEST(LoadModule, MissingFileNamesIt) {
  absl::Status s = LoadModule("/nonexistent/virtio_net.ko");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent/virtio_net.ko"),
            absl::string_view::npos);
}

}  // namespace
}  // namespace perfcell::guest
