#include "images/elf/elf_file.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "images/elf/testing/fake_elf.h"

namespace perfcell::elf {
namespace {

using testing::BuildFakeElf;
using ::testing::ElementsAre;
using testing::FakeElf;
using ::testing::HasSubstr;

TEST(ElfFile, ReadsInterpreterAndDynamicEntries) {
  FakeElf spec;
  spec.type = ET_EXEC;
  spec.interpreter = "/lib64/ld-linux-x86-64.so.2";
  spec.needed = {"libz.so.1", "libc.so.6"};
  spec.soname = "libapp.so.1";
  spec.runpath = "$ORIGIN/../lib";
  absl::StatusOr<ElfFile> elf = ElfFile::Parse(BuildFakeElf(spec), "app");
  ASSERT_TRUE(elf.ok()) << elf.status();
  EXPECT_EQ(elf->type(), ET_EXEC);
  EXPECT_EQ(elf->machine(), EM_X86_64);
  EXPECT_EQ(elf->interpreter(), "/lib64/ld-linux-x86-64.so.2");
  EXPECT_THAT(elf->dynamic().needed, ElementsAre("libz.so.1", "libc.so.6"));
  EXPECT_EQ(elf->dynamic().soname, "libapp.so.1");
  EXPECT_EQ(elf->dynamic().runpath, "$ORIGIN/../lib");
  EXPECT_FALSE(elf->dynamic().rpath.has_value());
}

TEST(ElfFile, ReadsNamedSections) {
  FakeElf spec;
  spec.type = ET_REL;
  spec.sections = {{".text", "code"}, {".modinfo", "license=GPL"}};
  absl::StatusOr<ElfFile> elf = ElfFile::Parse(BuildFakeElf(spec), "m.ko");
  ASSERT_TRUE(elf.ok()) << elf.status();
  EXPECT_EQ(*elf->Section(".modinfo"), "license=GPL");
  EXPECT_EQ(elf->Section(".nothere").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(ElfFile, RejectsNonElfAndTruncatedFiles) {
  absl::StatusOr<ElfFile> text = ElfFile::Parse("#!/bin/sh\n", "script");
  ASSERT_FALSE(text.ok());
  EXPECT_THAT(text.status().message(), HasSubstr("\"script\""));
  FakeElf spec;
  spec.needed = {"libc.so.6"};
  std::string bytes = BuildFakeElf(spec);
  EXPECT_FALSE(ElfFile::Parse(bytes.substr(0, 100), "cut").ok());
}

TEST(ElfFile, ReadsARealBinary) {
  absl::StatusOr<ElfFile> elf = ElfFile::Read("/bin/sh");
  ASSERT_TRUE(elf.ok()) << elf.status();
  EXPECT_THAT(elf->interpreter(), HasSubstr("ld-linux"));
  EXPECT_THAT(elf->dynamic().needed, ::testing::Contains("libc.so.6"));
}

}  // namespace
}  // namespace perfcell::elf
