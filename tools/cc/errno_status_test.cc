#include "tools/cc/errno_status.h"

#include <fcntl.h>

#include <cerrno>

#include "gtest/gtest.h"

namespace perfcell {
namespace {

TEST(ErrnoStatus, NamesTheOperationTheObjectAndTheError) {
  absl::Status s = ErrnoStatus(ENOENT, "while reading", "etc/hosts");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(),
            "while reading \"etc/hosts\": No such file or directory");
  EXPECT_EQ(ErrnoStatus(EAGAIN, "fork").message(),
            "fork: Resource temporarily unavailable");
}

TEST(ErrnoStatus, CodeFitsTheError) {
  EXPECT_EQ(ErrnoStatus(EACCES, "opening", "x").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrnoStatus(EPERM, "mount").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ErrnoStatus(ENOSPC, "writing", "x").code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrnoStatus(EFBIG, "sizing", "x").code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ErrnoStatus(EINVAL, "seeking", "x").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ErrnoStatus(0, "nothing").code(), absl::StatusCode::kUnknown);
}

TEST(ErrnoStatus, FromARealFailedCall) {
  ASSERT_LT(open("/nonexistent/file", O_RDONLY), 0);
  absl::Status s = ErrnoStatus(errno, "opening", "/nonexistent/file");
  EXPECT_TRUE(absl::IsNotFound(s)) << s;
}

}  // namespace
}  // namespace perfcell
