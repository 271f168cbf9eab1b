// Runs every file of a fuzz corpus directory (the test's first argument, a
// runfiles path) through the LLVMFuzzerTestOneInput linked into the test, so
// the corpus and past crashers replay on every `bazel test` with gcc; the
// fuzzers themselves are built with clang by tools/fuzz.sh.
#include <dirent.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tools/cc/atomic_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace perfcell {
namespace {

std::string corpus_dir;  // NOLINT: set once in main

TEST(FuzzReplay, EveryCorpusInputRuns) {
  DIR* dir = opendir(corpus_dir.c_str());
  ASSERT_NE(dir, nullptr) << "cannot open corpus " << corpus_dir;
  std::vector<std::string> names;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') names.push_back(entry->d_name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  ASSERT_FALSE(names.empty()) << "empty corpus " << corpus_dir;
  for (const std::string& name : names) {
    absl::StatusOr<std::string> input = ReadFile(corpus_dir + "/" + name);
    ASSERT_TRUE(input.ok()) << input.status();
    SCOPED_TRACE(name);
    EXPECT_EQ(
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input->data()),
                               input->size()),
        0);
  }
}

}  // namespace
}  // namespace perfcell

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc != 2) return 2;
  const char* srcdir = std::getenv("TEST_SRCDIR");
  perfcell::corpus_dir =
      std::string(srcdir ? srcdir : ".") + "/perfcell/" + argv[1];
  return RUN_ALL_TESTS();
}
