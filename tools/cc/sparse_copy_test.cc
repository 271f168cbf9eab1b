#include "tools/cc/sparse_copy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "gtest/gtest.h"

namespace perfcell {
namespace {

TEST(SparseCopy, KeepsContentSizeAndHoles) {
  std::string dir = getenv("TEST_TMPDIR");
  std::string from = dir + "/sparse.img", to = dir + "/copy.img";
  int fd = open(from.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  const off_t kSize = 8LL << 30;  // 8 GiB apparent
  ASSERT_EQ(ftruncate(fd, kSize), 0);
  ASSERT_EQ(pwrite(fd, "head", 4, 0), 4);
  ASSERT_EQ(pwrite(fd, "middle", 6, 3LL << 30), 6);
  ASSERT_EQ(pwrite(fd, "tail", 4, kSize - 4), 4);
  close(fd);

  ASSERT_TRUE(SparseCopy(from, to).ok());
  struct stat st;
  ASSERT_EQ(stat(to.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, kSize);
  EXPECT_LT(st.st_blocks * 512, 1 << 20);  // a few blocks, not 8 GiB
  int in = open(to.c_str(), O_RDONLY);
  char buf[7] = {0};
  ASSERT_EQ(pread(in, buf, 6, 3LL << 30), 6);
  EXPECT_STREQ(buf, "middle");
  ASSERT_EQ(pread(in, buf, 4, kSize - 4), 4);
  EXPECT_EQ(std::string(buf, 4), "tail");
  ASSERT_EQ(pread(in, buf, 4, 1 << 20), 4);
  EXPECT_EQ(std::string(buf, 4), std::string(4, '\0'));
  close(in);
}

// A file whose holes were filled (as a remote cache returns an image): the
// copy has the same bytes, but its zero blocks are holes again.
TEST(SparseCopy, ZeroBlocksOfADenseFileBecomeHoles) {
  std::string dir = getenv("TEST_TMPDIR");
  std::string from = dir + "/dense.img", to = dir + "/resparsed.img";
  const size_t kSize = (16 << 20) + 1000;  // not a whole number of blocks
  std::string bytes(kSize, '\0');
  bytes.replace(0, 4, "head");
  bytes[(5 << 20) + 4095] = 'x';  // last byte of a block
  bytes.replace((9 << 20) + 4000, 200, std::string(200, 'y'));  // spans two
  bytes.replace(kSize - 4, 4, "tail");
  int fd = open(from.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, bytes.data(), bytes.size()),
            static_cast<ssize_t>(bytes.size()));
  close(fd);
  struct stat st;
  ASSERT_EQ(stat(from.c_str(), &st), 0);
  ASSERT_GE(st.st_blocks * 512, 16 << 20);  // really dense

  ASSERT_TRUE(SparseCopy(from, to).ok());
  ASSERT_EQ(stat(to.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, static_cast<off_t>(kSize));
  EXPECT_LE(st.st_blocks * 512, 64 << 10);  // 5 blocks, not 16 MiB
  std::string copied(kSize, '?');
  int in = open(to.c_str(), O_RDONLY);
  ASSERT_EQ(pread(in, copied.data(), kSize, 0), static_cast<ssize_t>(kSize));
  close(in);
  EXPECT_TRUE(copied == bytes);
}

TEST(SparseCopy, MissingSourceIsAnErrorNamingIt) {
  absl::Status s =
      SparseCopy("/nonexistent.img", std::string(getenv("TEST_TMPDIR")) + "/x");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent.img"), std::string::npos);
}

}  // namespace
}  // namespace perfcell
