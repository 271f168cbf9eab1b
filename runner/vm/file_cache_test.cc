#include "runner/vm/file_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/cc/atomic_file.h"

namespace perfcell {
namespace {

using ::testing::HasSubstr;

std::string Dir(const std::string& name) {
  std::string dir = absl::StrCat(std::getenv("TEST_TMPDIR"), "/", name);
  mkdir(dir.c_str(), 0755);
  return dir;
}

TEST(DropFileCaches, EvictsEveryFileUnderTheDirectory) {
  const std::string dir = Dir("data");
  ASSERT_EQ(mkdir((dir + "/sub").c_str(), 0755), 0);
  const std::string big(8 << 20, 'x');
  ASSERT_TRUE(WriteFileAtomically(dir + "/store.db", big).ok());
  ASSERT_TRUE(WriteFileAtomically(dir + "/sub/store.db-wal", big).ok());
  ASSERT_TRUE(ReadFile(dir + "/store.db").ok());  // cached now
  ASSERT_GT(*CachedBytes(dir + "/store.db"), 0u);

  ASSERT_TRUE(DropFileCaches(dir).ok());
  EXPECT_EQ(*CachedBytes(dir + "/store.db"), 0u);
  EXPECT_EQ(*CachedBytes(dir + "/sub/store.db-wal"), 0u);
  // Reading brings it back: the cache works, it was only dropped.
  ASSERT_TRUE(ReadFile(dir + "/store.db").ok());
  EXPECT_GT(*CachedBytes(dir + "/store.db"), 0u);
}

TEST(DropFileCaches, WritesDirtyPagesBackFirst) {
  const std::string dir = Dir("dirty");
  const std::string path = dir + "/f";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  const std::string data(1 << 20, 'y');
  ASSERT_EQ(write(fd, data.data(), data.size()),
            static_cast<ssize_t>(data.size()));
  close(fd);  // not synced: dirty pages
  ASSERT_TRUE(DropFileCaches(dir).ok());
  EXPECT_EQ(*CachedBytes(path), 0u);
  EXPECT_EQ(*ReadFile(path), data);
}

TEST(DropFileCaches, MissingDirectoryIsAnErrorNamingIt) {
  absl::Status s = DropFileCaches("/nonexistent/data");
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("/nonexistent/data"));
}

}  // namespace
}  // namespace perfcell
