#include "images/ext4/mkext4.h"

#include <sys/stat.h>
#include <sys/xattr.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "images/ext4/image_test_util.h"
#include "tools/cc/atomic_file.h"

namespace perfcell::ext4 {
namespace {

using testing::DumpFile;
using testing::Fsck;
using ::testing::HasSubstr;
using testing::NewTempDir;

using testing::WriteHostFile;

// A work directory with a source tree, a manifest file and an output folder.
class Mkext4Test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = NewTempDir();
    WriteHostFile(dir_ + "/src/bin/app", "#!/bin/sh\necho app\n");
    WriteHostFile(dir_ + "/payload/server", "server-bytes");
    testing::Run("mkdir -p " + dir_ + "/out");
  }

  Mkext4Flags FlagsWithManifest(const std::string& manifest) {
    std::string path = dir_ + "/m.textproto";
    EXPECT_TRUE(WriteFileAtomically(path, manifest).ok());
    Mkext4Flags flags;
    flags.manifest = path;
    flags.size = "64M";
    flags.out = dir_ + "/out/img";
    return flags;
  }

  // The output folder holds nothing: no image, no temporary file.
  void ExpectNoOutput() {
    EXPECT_EQ(testing::Run("ls -A " + dir_ + "/out").output, "");
  }

  std::string dir_;
};

TEST_F(Mkext4Test, ManifestOnTopOfADirectory) {
  Mkext4Flags flags = FlagsWithManifest(absl::StrCat(
      "entry { path: \"/bin/app\" type: FILE content: \"replaced\" }\n",
      "entry { path: \"/opt/server\" type: FILE source: \"", dir_,
      "/payload/server\" mode: 0755 sha256: "
      "\"435efee99c1b0666df71648262ce80a82aef25bf031d038f05ce5b9afefebcfb\" "
      "}\n"));
  flags.from_dir = dir_ + "/src";
  flags.owner = "0:0";
  flags.source_date_epoch = "1700000000";
  absl::Status status = RunMkext4(flags);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(Fsck(flags.out).exit_code, 0);
  EXPECT_EQ(DumpFile(flags.out, "/bin/app"), "replaced");
  EXPECT_EQ(DumpFile(flags.out, "/opt/server"), "server-bytes");
}

TEST_F(Mkext4Test, AddModeUpdatesTheOutputInPlace) {
  Mkext4Flags flags = FlagsWithManifest("");
  flags.from_dir = dir_ + "/src";
  ASSERT_TRUE(RunMkext4(flags).ok());
  Mkext4Flags add = FlagsWithManifest(
      "entry { path: \"bin/app\" type: FILE content: \"v2\" }");
  add.add = true;
  add.size = "";
  absl::Status status = RunMkext4(add);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(Fsck(add.out).exit_code, 0);
  EXPECT_EQ(DumpFile(add.out, "/bin/app"), "v2");
}

struct BadInput {
  const char* name;
  std::string manifest;
  std::string size;
  const char* message;
};

TEST_F(Mkext4Test, EachBadInputGivesOneErrorAndNoOutput) {
  const std::string long_name(256, 'n');
  const BadInput cases[] = {
      {"dotdot", "entry { path: \"../etc/passwd\" type: FILE content: \"\" }",
       "64M", "\"../etc/passwd\""},
      {"absolute escape", "entry { path: \"/a/../../x\" type: DIR }", "64M",
       "\"/a/../../x\""},
      {"duplicate types",
       "entry { path: \"etc\" type: FILE content: \"\" }\n"
       "entry { path: \"etc\" type: DIR }",
       "64M", "duplicate path \"etc\""},
      {"missing source",
       "entry { path: \"bin/x\" type: FILE source: \"/nonexistent/x\" }", "64M",
       "/nonexistent/x"},
      {"dangling hard link",
       "entry { path: \"bin/y\" type: HARDLINK target: \"bin/nothing\" }",
       "64M", "bin/nothing"},
      {"too large", "entry { path: \"big\" type: FILE source: \"BIG\" }", "1M",
       "does not fit"},
      {"long name",
       absl::StrCat("entry { path: \"d/", long_name, "\" type: DIR }"), "64M",
       "255"},
      {"bad size", "entry { path: \"a\" type: DIR }", "12Q", "12Q"},
      {"changed source",
       "entry { path: \"big\" type: FILE source: \"BIG\" sha256: "
       "\"435efee99c1b0666df71648262ce80a82aef25bf031d038f05ce5b9afefebcfb\" }",
       "64M", "changed after the manifest was written"},
  };
  WriteHostFile(dir_ + "/big", std::string(3 << 20, 'b'));
  for (const BadInput& bad : cases) {
    std::string manifest = bad.manifest;
    size_t at = manifest.find("BIG");
    if (at != std::string::npos) manifest.replace(at, 3, dir_ + "/big");
    Mkext4Flags flags = FlagsWithManifest(manifest);
    flags.size = bad.size;
    absl::Status status = RunMkext4(flags);
    EXPECT_FALSE(status.ok()) << bad.name;
    EXPECT_THAT(status.message(), HasSubstr(bad.message)) << bad.name;
    ExpectNoOutput();
  }
}

// It used to read as an empty manifest and build an empty image.
TEST_F(Mkext4Test, DirectoryAsManifestIsAnErrorNamingIt) {
  Mkext4Flags flags;
  flags.manifest = dir_ + "/src";
  flags.size = "64M";
  flags.out = dir_ + "/out/img";
  absl::Status status = RunMkext4(flags);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(),
              HasSubstr("\"" + dir_ + "/src\": is a directory"));
  ExpectNoOutput();
}

TEST_F(Mkext4Test, AddToAFileThatIsNotAnImageSaysSo) {
  std::string out = dir_ + "/out/x.img";
  WriteHostFile(out, std::string(1 << 20, 'g'));
  Mkext4Flags flags =
      FlagsWithManifest("entry { path: \"a\" type: FILE content: \"a\" }");
  flags.out = out;
  flags.size = "";
  flags.add = true;
  absl::Status status = RunMkext4(flags);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            absl::StrCat("\"", out,
                         "\" is not an ext4 image: Bad magic number in "
                         "super-block"));
}

TEST_F(Mkext4Test, SizeWithAddOrBaseIsRefused) {
  Mkext4Flags flags =
      FlagsWithManifest("entry { path: \"a\" type: FILE content: \"a\" }");
  ASSERT_TRUE(RunMkext4(flags).ok());
  std::string before = testing::Run("sha256sum < " + flags.out).output;
  flags.add = true;
  flags.size = "128M";
  absl::Status status = RunMkext4(flags);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("--size=128M cannot be used with "
                                          "--add"));
  EXPECT_EQ(testing::Run("sha256sum < " + flags.out).output, before);
  flags.add = false;
  flags.base = flags.out;
  flags.out = dir_ + "/out/copy";
  EXPECT_THAT(RunMkext4(flags).message(), HasSubstr("--base"));
}

TEST_F(Mkext4Test, ExtendedAttributesAreReportedAsNotCopied) {
  std::string file = dir_ + "/src/bin/app";
  if (setxattr(file.c_str(), "user.perfcell", "v", 1, 0) != 0) {
    GTEST_SKIP() << "no user xattrs on " << dir_;
  }
  Mkext4Flags flags;
  flags.from_dir = dir_ + "/src";
  flags.size = "64M";
  flags.out = dir_ + "/out/img";
  std::vector<std::string> warnings;
  ASSERT_TRUE(RunMkext4(flags, &warnings).ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("1 entry under"));
  EXPECT_THAT(warnings[0], HasSubstr("not copied"));
  EXPECT_THAT(warnings[0], HasSubstr(file));
  warnings.clear();
  removexattr(file.c_str(), "user.perfcell");
  ASSERT_TRUE(RunMkext4(flags, &warnings).ok());
  EXPECT_TRUE(warnings.empty());
}

TEST_F(Mkext4Test, MissingFlagsAreExplained) {
  Mkext4Flags flags;
  flags.out = dir_ + "/out/img";
  EXPECT_THAT(RunMkext4(flags).message(), HasSubstr("--size"));
  flags.from_dir = dir_ + "/src";
  EXPECT_THAT(RunMkext4(flags).message(), HasSubstr("--size"));
  Mkext4Flags add;
  add.out = dir_ + "/out/img";
  add.add = true;
  EXPECT_THAT(RunMkext4(add).message(), HasSubstr("--from_dir"));
  ExpectNoOutput();
}

// The cell runner's data disk: mkext4 --out=PATH --size=50G
// --label=perfcell-data, nothing else.
TEST_F(Mkext4Test, NoContentGivesAnEmptySparseDataDisk) {
  Mkext4Flags flags;
  flags.out = dir_ + "/out/data.ext4";
  flags.size = "50G";
  flags.label = "perfcell-data";
  absl::Status status = RunMkext4(flags);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(Fsck(flags.out).exit_code, 0);
  struct stat st;
  ASSERT_EQ(stat(flags.out.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 50LL << 30);
  EXPECT_LT(testing::DiskUsage(flags.out), 16u << 20);
  EXPECT_THAT(testing::Debugfs(flags.out, "ls -p /"),
              HasSubstr("/lost+found/"));
  EXPECT_THAT(testing::Run("/sbin/dumpe2fs -h " + flags.out).output,
              HasSubstr("perfcell-data"));
}

}  // namespace
}  // namespace perfcell::ext4
