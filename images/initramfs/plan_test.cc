#include "images/initramfs/plan.h"

#include <sys/stat.h>

#include <cstdlib>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace perfcell::initramfs {
namespace {

using ::perfcell::images::Entry;
using ::perfcell::images::Manifest;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Manifest Parse(const std::string& text) {
  Manifest m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m));
  return m;
}

std::vector<std::string> Paths(const std::vector<Member>& members) {
  std::vector<std::string> paths;
  for (const Member& m : members) paths.push_back(m.path);
  return paths;
}

TEST(PlanArchive, AddsParentsAndSortsByPath) {
  absl::StatusOr<std::vector<Member>> members = PlanArchive(Parse(R"pb(
    entry { path: "/usr/bin/b" type: FILE content: "b" }
    entry { path: "usr/bin/a" type: SYMLINK target: "b" }
    entry { path: "etc" type: DIR mode: 0x1c0 }
  )pb"));
  ASSERT_TRUE(members.ok()) << members.status();
  EXPECT_THAT(Paths(*members),
              ElementsAre("etc", "usr", "usr/bin", "usr/bin/a", "usr/bin/b"));
  EXPECT_EQ((*members)[0].mode, S_IFDIR | 0700);
  EXPECT_EQ((*members)[1].mode, S_IFDIR | 0755);
  EXPECT_EQ((*members)[3].mode, S_IFLNK | 0777);
  EXPECT_EQ((*members)[3].data, "b");
  EXPECT_EQ((*members)[4].mode, S_IFREG | 0644);
}

TEST(PlanArchive, EmptyInlineFileIsAllowed) {
  absl::StatusOr<std::vector<Member>> members = PlanArchive(
      Parse(R"pb(entry { path: "empty" type: FILE content: "" })pb"));
  ASSERT_TRUE(members.ok()) << members.status();
  EXPECT_EQ((*members)[0].data, "");
}

TEST(PlanArchive, DotDotIsRejectedWithThePath) {
  absl::StatusOr<std::vector<Member>> members =
      PlanArchive(Parse(R"pb(entry { path: "bin/../etc" type: DIR })pb"));
  ASSERT_FALSE(members.ok());
  EXPECT_EQ(members.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(members.status().message(),
              HasSubstr("entry 0 (\"bin/../etc\")"));
}

// The kernel's unpacker and system calls limit names: a component to 255
// bytes (NAME_MAX), a path and a symlink target to 4095 (PATH_MAX with NUL).
TEST(PlanArchive, NamesTheKernelWouldRejectAreRejected) {
  const std::string n255(255, 'n');
  const std::string n256(256, 'n');
  Manifest ok;
  Entry* e = ok.add_entry();
  e->set_path("d/" + n255);
  e->set_type(Entry::DIR);
  e = ok.add_entry();
  e->set_path("long");
  e->set_type(Entry::SYMLINK);
  e->set_target(std::string(4095, 't'));
  ASSERT_TRUE(PlanArchive(ok).ok()) << PlanArchive(ok).status();

  Manifest component;
  e = component.add_entry();
  e->set_path("d/" + n256);
  e->set_type(Entry::DIR);
  absl::StatusOr<std::vector<Member>> members = PlanArchive(component);
  ASSERT_FALSE(members.ok());
  EXPECT_THAT(members.status().message(), HasSubstr("entry 0"));
  EXPECT_THAT(members.status().message(), HasSubstr("256 bytes"));

  // 16 components of 255 bytes and their slashes: 4095 bytes fit, 4096 not.
  std::string path;
  for (int i = 0; i < 16; ++i) path += (i ? "/" : "") + n255;
  Manifest fits;
  e = fits.add_entry();
  e->set_path(path);
  e->set_type(Entry::DIR);
  EXPECT_TRUE(PlanArchive(fits).ok()) << PlanArchive(fits).status();
  Manifest too_long;
  e = too_long.add_entry();
  e->set_path(path + "x");
  e->set_type(Entry::DIR);
  members = PlanArchive(too_long);
  ASSERT_FALSE(members.ok());
  EXPECT_THAT(members.status().message(), HasSubstr("4096 bytes is too long"));

  Manifest target;
  e = target.add_entry();
  e->set_path("link");
  e->set_type(Entry::SYMLINK);
  e->set_target(std::string(4096, 't'));
  members = PlanArchive(target);
  ASSERT_FALSE(members.ok());
  EXPECT_THAT(members.status().message(),
              HasSubstr("entry 0 (\"link\"): symlink target of 4096 bytes"));
}

TEST(PlanArchive, DirectoryOrFifoSourceIsRejectedWithThePath) {
  const std::string dir = std::string(getenv("TEST_TMPDIR")) + "/srcdir";
  mkdir(dir.c_str(), 0755);
  const std::string fifo = std::string(getenv("TEST_TMPDIR")) + "/srcfifo";
  mkfifo(fifo.c_str(), 0644);
  for (const std::string& source : {dir, fifo}) {
    Manifest m;
    Entry* e = m.add_entry();
    e->set_path("init");
    e->set_type(Entry::FILE);
    e->set_source(source);
    absl::StatusOr<std::vector<Member>> members = PlanArchive(m);
    ASSERT_FALSE(members.ok()) << source;
    EXPECT_THAT(members.status().message(), HasSubstr("entry 0 (\"init\")"));
    EXPECT_THAT(members.status().message(), HasSubstr("\"" + source + "\""));
  }
}

TEST(PlanArchive, EmptyPathIsRejected) {
  EXPECT_FALSE(PlanArchive(Parse(R"pb(entry { path: "/" type: DIR })pb")).ok());
}

TEST(PlanArchive, DuplicatePathIsRejected) {
  absl::StatusOr<std::vector<Member>> members = PlanArchive(Parse(R"pb(
    entry { path: "a" type: DIR }
    entry { path: "/a" type: DIR }
  )pb"));
  ASSERT_FALSE(members.ok());
  EXPECT_THAT(members.status().message(), HasSubstr("listed twice"));
}

TEST(PlanArchive, FileUsedAsDirectoryIsRejected) {
  absl::StatusOr<std::vector<Member>> members = PlanArchive(Parse(R"pb(
    entry { path: "a" type: FILE content: "x" }
    entry { path: "a/b" type: FILE content: "y" }
  )pb"));
  ASSERT_FALSE(members.ok());
  EXPECT_THAT(members.status().message(), HasSubstr("not a directory"));
}

TEST(PlanArchive, MissingSourceNamesTheEntry) {
  absl::StatusOr<std::vector<Member>> members = PlanArchive(Parse(R"pb(
    entry { path: "init" type: FILE source: "/nonexistent/init.sh" }
  )pb"));
  ASSERT_FALSE(members.ok());
  EXPECT_THAT(members.status().message(), HasSubstr("\"init\""));
  EXPECT_THAT(members.status().message(), HasSubstr("/nonexistent/init.sh"));
}

TEST(PlanArchive, FileWithoutSourceOrContentIsRejected) {
  EXPECT_FALSE(
      PlanArchive(Parse(R"pb(entry { path: "f" type: FILE })pb")).ok());
}

TEST(PlanArchive, TypeMustBeSet) {
  EXPECT_FALSE(PlanArchive(Parse(R"pb(entry { path: "f" })pb")).ok());
}

TEST(PlanArchive, OldManifestsParseUnchanged) {
  // Written for images/ext4's schema, now images/manifest/manifest.proto.
  absl::StatusOr<std::vector<Member>> members = PlanArchive(Parse(R"pb(
    entry { path: "etc" type: DIR mode: 0755 }
    entry { path: "etc/hostname" type: FILE content: "vm\n" }
    entry { path: "bin/sh" type: SYMLINK target: "busybox" }
    entry { path: "dev/console" type: CHAR major: 5 minor: 1 mode: 0600 }
    entry { path: "dev/vda" type: BLOCK major: 254 minor: 0 }
    entry { path: "run/ctl" type: FIFO uid: 1000 gid: 1000 mtime: 1700000000 }
  )pb"));
  ASSERT_TRUE(members.ok()) << members.status();
  EXPECT_THAT(Paths(*members),
              ElementsAre("bin", "bin/sh", "dev", "dev/console", "dev/vda",
                          "etc", "etc/hostname", "run", "run/ctl"));
  EXPECT_EQ((*members)[3].mode, S_IFCHR | 0600);
  EXPECT_EQ((*members)[4].mode, S_IFBLK | 0600);  // mkinitramfs's default
  EXPECT_EQ((*members)[4].rdev_major, 254u);
  const Member& fifo = (*members)[8];
  EXPECT_EQ(fifo.mode, S_IFIFO | 0644);
  EXPECT_EQ(fifo.uid, 1000u);
  EXPECT_EQ(fifo.mtime, 1700000000u);
  EXPECT_FALSE((*members)[6].mtime.has_value());  // the archive's
}

TEST(PlanArchive, ExplicitZeroModeIsKept) {
  absl::StatusOr<std::vector<Member>> members = PlanArchive(
      Parse(R"pb(entry { path: "f" type: FILE content: "" mode: 0 })pb"));
  ASSERT_TRUE(members.ok()) << members.status();
  EXPECT_EQ((*members)[0].mode, S_IFREG | 0u);
}

TEST(PlanArchive, HardLinkTakesTheTargetsAttributes) {
  absl::StatusOr<std::vector<Member>> members = PlanArchive(Parse(R"pb(
    entry {
      path: "bin/busybox"
      type: FILE
      content: "bb"
      mode: 0750
      uid: 7
      mtime: 99
    }
    entry { path: "/bin/ash" type: HARDLINK target: "/bin/busybox" mode: 0600 }
  )pb"));
  ASSERT_TRUE(members.ok()) << members.status();
  ASSERT_THAT(Paths(*members), ElementsAre("bin", "bin/ash", "bin/busybox"));
  const Member& link = (*members)[1];
  EXPECT_EQ(link.link_to, "bin/busybox");
  EXPECT_EQ(link.mode, S_IFREG | 0750);
  EXPECT_EQ(link.uid, 7u);
  EXPECT_EQ(link.mtime, 99u);
  EXPECT_EQ(link.data, "");
  EXPECT_EQ((*members)[2].link_to, "");
}

TEST(PlanArchive, BadHardLinksNameTheLink) {
  struct Case {
    const char* manifest;
    const char* problem;
  };
  for (const Case& c : {
           Case{R"pb(entry { path: "l" type: HARDLINK target: "nope" })pb",
                "\"nope\" is not in the manifest"},
           Case{R"pb(entry { path: "d" type: DIR }
                     entry { path: "l" type: HARDLINK target: "d" })pb",
                "\"d\" is a directory"},
           Case{R"pb(entry { path: "s" type: SYMLINK target: "x" }
                     entry { path: "l" type: HARDLINK target: "s" })pb",
                "\"s\" is a symlink"},
           Case{R"pb(entry { path: "f" type: FIFO }
                     entry { path: "a" type: HARDLINK target: "f" }
                     entry { path: "l" type: HARDLINK target: "a" })pb",
                "\"a\" is a hard link itself"},
           Case{R"pb(entry { path: "l" type: HARDLINK })pb",
                "hard link target: path is empty"},
       }) {
    absl::StatusOr<std::vector<Member>> members =
        PlanArchive(Parse(c.manifest));
    ASSERT_FALSE(members.ok()) << c.manifest;
    EXPECT_EQ(members.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(members.status().message(), HasSubstr("(\"l\")"));
    EXPECT_THAT(members.status().message(), HasSubstr(c.problem));
  }
}

TEST(PlanArchive, NothingUnderAHardLink) {
  absl::StatusOr<std::vector<Member>> members = PlanArchive(Parse(R"pb(
    entry { path: "f" type: FILE content: "x" }
    entry { path: "l" type: HARDLINK target: "f" }
    entry { path: "l/x" type: FILE content: "y" }
  )pb"));
  ASSERT_FALSE(members.ok());
  EXPECT_THAT(members.status().message(), HasSubstr("not a directory"));
}

TEST(PlanArchive, MtimeBeyondNewcIsRejected) {
  for (const char* text : {
           R"pb(entry { path: "f" type: FIFO mtime: -1 })pb",
           R"pb(entry { path: "f" type: FIFO mtime: 4294967296 })pb",
       }) {
    absl::StatusOr<std::vector<Member>> members = PlanArchive(Parse(text));
    ASSERT_FALSE(members.ok()) << text;
    EXPECT_THAT(members.status().message(), HasSubstr("entry 0 (\"f\")"));
    EXPECT_THAT(members.status().message(), HasSubstr("32-bit"));
  }
}

TEST(PlanArchive, UnknownTypeNumberIsRejected) {
  absl::StatusOr<std::vector<Member>> members =
      PlanArchive(Parse(R"pb(entry { path: "x" type: 42 })pb"));
  ASSERT_FALSE(members.ok());
  EXPECT_THAT(members.status().message(), HasSubstr("entry 0 (\"x\")"));
  EXPECT_THAT(members.status().message(), HasSubstr("type 42"));
}

}  // namespace
}  // namespace perfcell::initramfs
