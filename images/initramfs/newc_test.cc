#include "images/initramfs/newc.h"

#include <sys/stat.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perfcell::initramfs {
namespace {

TEST(WriteNewc, HeadersNamesAndDataAreFourByteAligned) {
  Member file;
  file.path = "ab";  // 110 + 3 bytes of name, padded to 116
  file.mode = S_IFREG | 0644;
  file.data = "hello";  // padded with 3 NULs
  std::string out = WriteNewc({file}, NewcOptions{});
  ASSERT_EQ(out.substr(0, 6), "070701");
  EXPECT_EQ(out.substr(6, 8), "00000001");   // inode 1
  EXPECT_EQ(out.substr(14, 8), "000081A4");  // regular file 0644
  EXPECT_EQ(out.substr(54, 8), "00000005");  // file size
  EXPECT_EQ(out.substr(94, 8), "00000003");  // name size with NUL
  EXPECT_EQ(out.substr(110, 6), std::string("ab\0\0\0\0", 6));
  EXPECT_EQ(out.substr(116, 8), std::string("hello\0\0\0", 8));
  EXPECT_EQ(out.substr(124 + 110, 11), std::string("TRAILER!!!\0", 11));
  EXPECT_EQ(out.size() % 4, 0u);
}

TEST(WriteNewc, EmptyArchiveIsJustTheTrailer) {
  std::string out = WriteNewc({}, NewcOptions{});
  EXPECT_EQ(out.size(), 124u);  // 110 + 11, padded to 4
  EXPECT_EQ(out.substr(110, 10), "TRAILER!!!");
}

}  // namespace
}  // namespace perfcell::initramfs
