#include "analysis/zip_reader.h"

#include <cstdlib>
#include <filesystem>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tools/cc/atomic_file.h"

namespace perfcell::analysis {
namespace {

std::string TempPath(const std::string& name) {
  return std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
}

bool All(absl::string_view) { return true; }

TEST(ZipReader, ReadsWhatWasWritten) {
  const std::string path = TempPath("round.zip");
  ASSERT_TRUE(WriteZipFiles(path, {{"result.json", "{\"a\":1}"},
                                   {"console.log", "booted\n"}})
                  .ok());
  auto files = ReadZipFiles(path, [](absl::string_view name) {
    return absl::EndsWith(name, ".json");
  });
  ASSERT_TRUE(files.ok()) << files.status();
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ(files->at("result.json"), "{\"a\":1}");
}

TEST(ZipReader, ReadsArchivesMadeByTheZipTool) {
  const std::string dir = TempPath("zipcli");
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(WriteFileAtomically(dir + "/result.json", "{}").ok());
  const std::string command =
      "cd " + dir + " && zip -q outputs.zip result.json";
  ASSERT_EQ(std::system(command.c_str()), 0);
  auto files = ReadZipFiles(dir + "/outputs.zip", All);
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(files->at("result.json"), "{}");
}

TEST(ZipReader, TruncatedArchiveIsDataLoss) {
  const std::string path = TempPath("truncated.zip");
  ASSERT_TRUE(
      WriteZipFiles(path, {{"result.json", std::string(5000, 'x')}}).ok());
  auto content = ReadFile(path);
  ASSERT_TRUE(content.ok());
  ASSERT_TRUE(
      WriteFileAtomically(path, content->substr(0, content->size() / 2)).ok());
  auto files = ReadZipFiles(path, All);
  EXPECT_EQ(files.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(absl::StrContains(files.status().message(), "truncated.zip"));
}

TEST(ZipReader, GarbageIsDataLoss) {
  const std::string path = TempPath("garbage.zip");
  ASSERT_TRUE(WriteFileAtomically(path, "this is not a zip file").ok());
  EXPECT_EQ(ReadZipFiles(path, All).status().code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace perfcell::analysis
