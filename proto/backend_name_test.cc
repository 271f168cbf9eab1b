#include "proto/backend_name.h"

#include "gtest/gtest.h"

namespace perfcell {
namespace {

TEST(BackendName, LowerCaseWithoutThePrefix) {
  EXPECT_EQ(BackendName(BACKEND_QEMU), "qemu");
  EXPECT_EQ(BackendName(BACKEND_FIRECRACKER), "firecracker");
  EXPECT_EQ(BackendName(BACKEND_HOST), "host");
  EXPECT_EQ(BackendName(BACKEND_UNSPECIFIED), "");
  EXPECT_EQ(BackendName(99), "");
}

TEST(BackendFromName, ReadsWhatBackendNameWrites) {
  for (int b = Backend_MIN; b <= Backend_MAX; ++b) {
    if (b == BACKEND_UNSPECIFIED) continue;
    EXPECT_EQ(BackendFromName(BackendName(b)), b) << BackendName(b);
  }
  EXPECT_EQ(BackendFromName(""), BACKEND_UNSPECIFIED);
  EXPECT_EQ(BackendFromName("unspecified"), BACKEND_UNSPECIFIED);
  EXPECT_EQ(BackendFromName("QEMU"), BACKEND_UNSPECIFIED);
  EXPECT_EQ(BackendFromName("docker"), BACKEND_UNSPECIFIED);
}

}  // namespace
}  // namespace perfcell
