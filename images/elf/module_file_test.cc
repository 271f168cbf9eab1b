#include "images/elf/module_file.h"

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "images/elf/testing/fake_elf.h"
#include "tools/cc/atomic_file.h"

namespace perfcell::elf {
namespace {

using ::testing::HasSubstr;

// A module-shaped ELF file with enough text to compress.
std::string FakeModule() {
  testing::FakeElf ko;
  ko.type = ET_REL;
  ko.sections = {
      {".text", std::string(100000, '\x90')},
      {".modinfo", testing::FakeModinfo(
                       {"license=GPL", "depends=virtio", "name=virtio_blk"})}};
  return testing::BuildFakeElf(ko);
}

// Writes the fake module to TEST_TMPDIR/<name>.ko, compresses it there with
// `tool` (xz, zstd or gzip, as Debian's packages do their modules), and
// returns the compressed file's path.
std::string Compressed(const std::string& name, const std::string& tool,
                       const std::string& suffix) {
  const std::string ko = absl::StrCat(std::getenv("TEST_TMPDIR"), "/", name);
  EXPECT_TRUE(WriteFileAtomically(ko, FakeModule()).ok());
  const std::string command = absl::StrCat(tool, " -q ", ko);
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return ko + suffix;
}

TEST(ReadModuleFile, PlainModuleIsReadAsIs) {
  const std::string ko = absl::StrCat(std::getenv("TEST_TMPDIR"), "/p.ko");
  ASSERT_TRUE(WriteFileAtomically(ko, FakeModule()).ok());
  absl::StatusOr<std::string> bytes = ReadModuleFile(ko);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(*bytes, FakeModule());
}

TEST(ReadModuleFile, DecompressesXzZstdAndGzip) {
  for (const auto& [tool, suffix] :
       {std::pair<std::string, std::string>{"xz --check=crc32", ".xz"},
        {"zstd --rm -19", ".zst"},
        {"gzip -9", ".gz"}}) {
    const std::string path =
        Compressed("m" + suffix.substr(1) + ".ko", tool, suffix);
    absl::StatusOr<std::string> bytes = ReadModuleFile(path);
    ASSERT_TRUE(bytes.ok()) << path << ": " << bytes.status();
    EXPECT_EQ(*bytes, FakeModule()) << path;
  }
}

TEST(ReadModuleFile, TruncatedOrCorruptIsAnErrorNamingTheFile) {
  for (const auto& [tool, suffix] :
       {std::pair<std::string, std::string>{"xz", ".xz"},
        {"zstd --rm", ".zst"},
        {"gzip", ".gz"}}) {
    const std::string path =
        Compressed("t" + suffix.substr(1) + ".ko", tool, suffix);
    absl::StatusOr<std::string> whole = ReadFile(path);
    ASSERT_TRUE(whole.ok());
    ASSERT_TRUE(
        WriteFileAtomically(path, whole->substr(0, whole->size() / 2)).ok());
    absl::StatusOr<std::string> bytes = ReadModuleFile(path);
    EXPECT_EQ(bytes.status().code(), absl::StatusCode::kInvalidArgument)
        << path << ": " << bytes.status();
    EXPECT_THAT(bytes.status().message(), HasSubstr(path));

    ASSERT_TRUE(WriteFileAtomically(path, "not compressed at all").ok());
    bytes = ReadModuleFile(path);
    EXPECT_EQ(bytes.status().code(), absl::StatusCode::kInvalidArgument)
        << path << ": " << bytes.status();
  }
}

TEST(ReadModuleFile, MissingFileIsNotFound) {
  EXPECT_EQ(ReadModuleFile("/nonexistent/a.ko.xz").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(UncompressedModulePath, DropsOnlyTheCompressionSuffix) {
  EXPECT_EQ(UncompressedModulePath("kernel/a/virtio-blk.ko.xz"),
            "kernel/a/virtio-blk.ko");
  EXPECT_EQ(UncompressedModulePath("b.ko.zst"), "b.ko");
  EXPECT_EQ(UncompressedModulePath("c.ko.gz"), "c.ko");
  EXPECT_EQ(UncompressedModulePath("d.ko"), "d.ko");
  EXPECT_TRUE(IsCompressedModule("e.ko.zst"));
  EXPECT_FALSE(IsCompressedModule("e.ko"));
}

}  // namespace
}  // namespace perfcell::elf
