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

TEST(WriteNewc, HardLinksShareTheInodeAndStoreTheDataOnce) {
  Member dir;
  dir.path = "d";
  dir.mode = S_IFDIR | 0755;
  Member link;
  link.path = "a";
  link.mode = S_IFREG | 0600;
  link.link_to = "z";
  Member file;
  file.path = "z";
  file.mode = S_IFREG | 0600;
  file.mtime = 7;
  file.data = "data";
  std::string out = WriteNewc({link, dir, file}, NewcOptions{.mtime = 1});
  // a: 110 + "a\0" padded to 112, no data.
  EXPECT_EQ(out.substr(6, 8), "00000001");   // inode 1
  EXPECT_EQ(out.substr(38, 8), "00000002");  // two names
  EXPECT_EQ(out.substr(46, 8), "00000007");  // the target's mtime
  EXPECT_EQ(out.substr(54, 8), "00000000");  // no data here
  // d: inode 2, then z: inode 1 again, with the data.
  const size_t d = 112;
  EXPECT_EQ(out.substr(d + 6, 8), "00000002");
  EXPECT_EQ(out.substr(d + 38, 8), "00000002");  // a directory
  EXPECT_EQ(out.substr(d + 46, 8), "00000001");  // the archive's mtime
  const size_t z = d + 112;
  EXPECT_EQ(out.substr(z + 6, 8), "00000001");
  EXPECT_EQ(out.substr(z + 38, 8), "00000002");
  EXPECT_EQ(out.substr(z + 54, 8), "00000004");
  EXPECT_EQ(out.substr(z + 112, 4), "data");
}

}  // namespace
}  // namespace perfcell::initramfs
