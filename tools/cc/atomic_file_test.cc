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

}  // namespace
}  // namespace perfcell
