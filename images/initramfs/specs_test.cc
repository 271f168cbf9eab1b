#include "images/initramfs/specs.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perfcell::initramfs {
namespace {

using ::perfcell::images::Entry;
using ::perfcell::images::Manifest;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseFileSpec, DestSourceAndMode) {
  absl::StatusOr<Entry> e = ParseFileSpec("init=a/init.sh:0755");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->path(), "init");
  EXPECT_EQ(e->source(), "a/init.sh");
  EXPECT_EQ(e->mode(), 0755u);
  EXPECT_EQ(e->type(), Entry::FILE);
}

TEST(ParseFileSpec, ModeIsOptional) {
  absl::StatusOr<Entry> e = ParseFileSpec("bin/busybox=external/x/busybox");
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->source(), "external/x/busybox");
  EXPECT_FALSE(e->has_mode());
}

TEST(ParseFileSpec, MissingSourceIsAnError) {
  absl::StatusOr<Entry> e = ParseFileSpec("init");
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(e.status().message(), HasSubstr("DEST=SRC[:MODE]"));
}

TEST(ParseDirSpec, WithAndWithoutMode) {
  EXPECT_FALSE(ParseDirSpec("newroot")->has_mode());
  EXPECT_EQ(ParseDirSpec("newroot")->type(), Entry::DIR);
  EXPECT_EQ(ParseDirSpec("root:0700")->mode(), 0700u);
  EXPECT_EQ(ParseDirSpec("root:0700")->path(), "root");
}

TEST(ParseSymlinkSpec, DestAndTarget) {
  absl::StatusOr<Entry> e = ParseSymlinkSpec("bin/sh=busybox");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->path(), "bin/sh");
  EXPECT_EQ(e->target(), "busybox");
}

TEST(ParseNodeSpec, CharAndBlock) {
  absl::StatusOr<Entry> c = ParseNodeSpec("dev/console=c:5:1:0600");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->type(), Entry::CHAR);
  EXPECT_EQ(c->major(), 5u);
  EXPECT_EQ(c->minor(), 1u);
  EXPECT_EQ(c->mode(), 0600u);
  absl::StatusOr<Entry> b = ParseNodeSpec("dev/vda=b:254:0");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->type(), Entry::BLOCK);
  EXPECT_FALSE(ParseNodeSpec("dev/x=q:1:2").ok());
}

TEST(ExtractRepeatedFlags, TakesEveryOccurrenceInOrder) {
  std::vector<std::string> args = {
      "mkinitramfs", "--file=a=b",      "--gzip",    "--dir",
      "d",           "--file=c=d:0600", "--output=o"};
  absl::StatusOr<std::vector<RepeatedFlag>> found =
      ExtractRepeatedFlags({"file", "dir"}, args);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 3u);
  EXPECT_EQ((*found)[0].value, "a=b");
  EXPECT_EQ((*found)[1].name, "dir");
  EXPECT_EQ((*found)[1].value, "d");
  EXPECT_EQ((*found)[2].value, "c=d:0600");
  EXPECT_THAT(args, ElementsAre("mkinitramfs", "--gzip", "--output=o"));
}

TEST(ManifestFromFlags, ErrorNamesTheFlag) {
  absl::StatusOr<Manifest> m = ManifestFromFlags({{"symlink", "nolink"}});
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.status().message(), HasSubstr("--symlink=nolink"));
}

}  // namespace
}  // namespace perfcell::initramfs
