#include "tools/cc/atomic_file.h"

#include <dirent.h>
#include <sys/stat.h>

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"

namespace perfcell {
namespace {

int CountEntries(const std::string& dir) {
  int n = 0;
  DIR* d = opendir(dir.c_str());
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(d);
  return n;
}

TEST(WriteFileAtomically, ReplacesContentAndLeavesNoTemporaryFile) {
  std::string dir = std::string(getenv("TEST_TMPDIR")) + "/atomic";
  mkdir(dir.c_str(), 0755);
  std::string path = dir + "/result.json";
  ASSERT_TRUE(WriteFileAtomically(path, "first").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "second, longer").ok());
  EXPECT_EQ(*ReadFile(path), "second, longer");
  EXPECT_EQ(CountEntries(dir), 1);
}

TEST(WriteFileAtomically, NamesThePathWhenTheDirectoryIsMissing) {
  absl::Status s = WriteFileAtomically("/nonexistent-dir/x/result.pb", "x");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent-dir/x/result.pb"), std::string::npos)
      << s;
}

TEST(ReadFile, MissingFileIsNotFound) {
  EXPECT_EQ(ReadFile("/nonexistent-file").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(ReadFile, ReadsAFileLargerThanOneBuffer) {
  std::string path = std::string(getenv("TEST_TMPDIR")) + "/large";
  std::string content(300000, 'x');
  content[299999] = 'y';
  ASSERT_TRUE(WriteFileAtomically(path, content).ok());
  EXPECT_EQ(*ReadFile(path), content);
}

TEST(ReadFile, DirectoryIsAnErrorNamingThePath) {
  std::string dir = std::string(getenv("TEST_TMPDIR")) + "/a-directory";
  mkdir(dir.c_str(), 0755);
  absl::StatusOr<std::string> read = ReadFile(dir);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(read.status().message().find(dir), std::string::npos)
      << read.status();
  EXPECT_NE(read.status().message().find("is a directory"), std::string::npos)
      << read.status();
}

// A FIFO without a writer would block a plain open() or read() forever.
TEST(ReadFile, FifoIsRefusedWithoutBlocking) {
  std::string fifo = std::string(getenv("TEST_TMPDIR")) + "/a-fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
  absl::StatusOr<std::string> read = ReadFile(fifo);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("not a regular file"),
            std::string::npos)
      << read.status();
}

TEST(ReadFile, CharacterDeviceIsRefused) {
  absl::StatusOr<std::string> read = ReadFile("/dev/zero");
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("\"/dev/zero\""), std::string::npos)
      << read.status();
}

// Files under /proc report size 0 but have content.
TEST(ReadFile, ReadsProcFilesToTheEnd) {
  absl::StatusOr<std::string> read = ReadFile("/proc/self/status");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_NE(read->find("Pid:"), std::string::npos);
}

}  // namespace
}  // namespace perfcell
