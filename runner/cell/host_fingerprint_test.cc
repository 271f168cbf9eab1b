#include "runner/cell/host_fingerprint.h"

#include <string>

#include "gtest/gtest.h"

namespace perfcell {
namespace {

TEST(ReadHostFingerprint, ReadsThisMachine) {
  HostFingerprint host = ReadHostFingerprint(getenv("TEST_TMPDIR"));
  EXPECT_GT(host.cpu_count(), 0u);
  EXPECT_GT(host.mem_total_bytes(), 0u);
  EXPECT_FALSE(host.kernel_release().empty());
}

}  // namespace
}  // namespace perfcell
