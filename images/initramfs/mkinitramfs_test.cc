// End-to-end: archives written by BuildInitramfs, read back by Debian's cpio
// and gzip, as the kernel and a developer would see them.
#include "images/initramfs/mkinitramfs.h"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tools/cc/atomic_file.h"

namespace perfcell::initramfs {
namespace {

using ::perfcell::images::Entry;
using ::perfcell::images::Manifest;
using ::testing::HasSubstr;

// Runs `command` with /bin/sh and returns its stdout; fails the test when
// it exits non-zero.
std::string Shell(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "popen " << command;
    return out;
  }
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0)
    out.append(buf.data(), n);
  int rc = pclose(pipe);
  EXPECT_EQ(rc, 0) << command << "\n" << out;
  return out;
}

class MkinitramfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(
        std::getenv("TEST_TMPDIR"), "/",
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_EQ(mkdir(dir_.c_str(), 0755), 0);
    ASSERT_TRUE(
        WriteFileAtomically(dir_ + "/init.sh", "#!/bin/sh\necho hi\n").ok());
    ASSERT_EQ(chmod((dir_ + "/init.sh").c_str(), 0755), 0);
    ASSERT_TRUE(
        WriteFileAtomically(dir_ + "/busybox", "not really busybox").ok());
    // Sources are absolute host paths; the rest is fixed.
    std::string text = absl::Substitute(
        "entry { path: 'init' type: FILE source: '$0/init.sh' }\n"
        "entry { path: 'bin/busybox' type: FILE source: '$0/busybox' "
        "mode: 0x1ed }\n"
        "entry { path: 'bin/sh' type: SYMLINK target: 'busybox' }\n"
        "entry { path: 'etc/motd' type: FILE content: 'hello\\n' "
        "mode: 0x180 }\n"
        "entry { path: 'newroot' type: DIR }\n"
        "entry { path: 'dev/console' type: CHAR major: 5 minor: 1 }\n",
        dir_);
    ASSERT_TRUE(
        google::protobuf::TextFormat::ParseFromString(text, &manifest_));
  }

  std::string Build(const std::string& name, bool gzip) {
    InitramfsOptions options;
    options.output = absl::StrCat(dir_, "/", name);
    options.gzip = gzip;
    absl::Status status = BuildInitramfs(manifest_, options);
    EXPECT_TRUE(status.ok()) << status;
    return options.output;
  }

  std::string dir_;
  Manifest manifest_;
};

TEST_F(MkinitramfsTest, CpioListsModesOwnersAndLinkTargets) {
  std::string archive = Build("initramfs.cpio", false);
  std::string listing = Shell(absl::StrCat("cpio -itv --quiet < ", archive));
  EXPECT_THAT(
      listing,
      HasSubstr(
          "drwxr-xr-x   2 root     root            0 Jan  1  1970 bin\n"));
  EXPECT_THAT(listing, HasSubstr("-rwxr-xr-x   1 root     root           18 "
                                 "Jan  1  1970 bin/busybox\n"));
  EXPECT_THAT(listing, HasSubstr("lrwxrwxrwx   1 root     root            7 "
                                 "Jan  1  1970 bin/sh -> busybox\n"));
  EXPECT_THAT(listing, HasSubstr("crw-------   1 root     root       5,   1 "
                                 "Jan  1  1970 dev/console\n"));
  EXPECT_THAT(
      listing,
      HasSubstr(
          "-rw-------   1 root     root            6 Jan  1  1970 etc/motd\n"));
  // An executable source keeps its executable bit without an explicit mode.
  EXPECT_THAT(
      listing,
      HasSubstr(
          "-rwxr-xr-x   1 root     root           18 Jan  1  1970 init\n"));
  EXPECT_THAT(listing, HasSubstr(" newroot\n"));
}

TEST_F(MkinitramfsTest, CpioExtractsTheContent) {
  manifest_.mutable_entry()->RemoveLast();  // no device node outside a VM
  std::string archive = Build("initramfs.cpio", false);
  std::string out = dir_ + "/out";
  ASSERT_EQ(mkdir(out.c_str(), 0755), 0);
  Shell(absl::StrCat("cd ", out, " && cpio -id --quiet < ", archive));
  EXPECT_EQ(*ReadFile(out + "/init"), "#!/bin/sh\necho hi\n");
  EXPECT_EQ(*ReadFile(out + "/etc/motd"), "hello\n");
  EXPECT_EQ(*ReadFile(out + "/bin/sh"), "not really busybox");
  char target[64] = {};
  ASSERT_GT(readlink((out + "/bin/sh").c_str(), target, sizeof(target) - 1), 0);
  EXPECT_STREQ(target, "busybox");
  struct stat st;
  ASSERT_EQ(stat((out + "/etc/motd").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ASSERT_EQ(stat((out + "/newroot").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
}

TEST_F(MkinitramfsTest, HardLinksAndFifosExtractAsSuch) {
  manifest_.mutable_entry()->RemoveLast();  // no device node outside a VM
  ASSERT_TRUE(google::protobuf::TextFormat::MergeFromString(
      "entry { path: 'bin/ash' type: HARDLINK target: 'bin/busybox' }\n"
      "entry { path: 'sbin/busybox' type: HARDLINK target: 'bin/busybox' }\n"
      "entry { path: 'run/ctl' type: FIFO mode: 0x1a0 }\n",
      &manifest_));
  std::string archive = Build("initramfs.cpio", false);
  std::string listing = Shell(absl::StrCat("cpio -itv --quiet < ", archive));
  EXPECT_THAT(listing, HasSubstr("-rwxr-xr-x   3 root     root            0 "
                                 "Jan  1  1970 bin/ash\n"));
  EXPECT_THAT(listing, HasSubstr("prw-r-----   1 root     root            0 "
                                 "Jan  1  1970 run/ctl\n"));
  // The data is stored once, with the last name in the archive.
  EXPECT_THAT(listing, HasSubstr("-rwxr-xr-x   3 root     root           18 "
                                 "Jan  1  1970 sbin/busybox\n"));

  std::string out = dir_ + "/out";
  ASSERT_EQ(mkdir(out.c_str(), 0755), 0);
  Shell(absl::StrCat("cd ", out, " && cpio -id --quiet < ", archive));
  struct stat busybox, ash, sbin_busybox, fifo;
  ASSERT_EQ(stat((out + "/bin/busybox").c_str(), &busybox), 0);
  ASSERT_EQ(stat((out + "/bin/ash").c_str(), &ash), 0);
  ASSERT_EQ(stat((out + "/sbin/busybox").c_str(), &sbin_busybox), 0);
  EXPECT_EQ(ash.st_ino, busybox.st_ino);
  EXPECT_EQ(sbin_busybox.st_ino, busybox.st_ino);
  EXPECT_EQ(busybox.st_nlink, 3u);
  EXPECT_EQ(*ReadFile(out + "/bin/ash"), "not really busybox");
  ASSERT_EQ(lstat((out + "/run/ctl").c_str(), &fifo), 0);
  EXPECT_TRUE(S_ISFIFO(fifo.st_mode));
  EXPECT_EQ(fifo.st_mode & 07777, 0640u);
}

TEST_F(MkinitramfsTest, ReadManifestTakesTheSharedSchema) {
  // A manifest as mkext4 reads it (images/manifest/manifest.proto).
  ASSERT_TRUE(
      WriteFileAtomically(dir_ + "/m.textproto",
                          "entry { path: \"etc\" type: DIR mode: 0755 }\n"
                          "entry { path: \"etc/hostname\" type: FILE content: "
                          "\"vm\\n\" }\n"
                          "entry { path: \"bin/ash\" type: HARDLINK target: "
                          "\"bin/busybox\" }\n"
                          "entry { path: \"dev/vda\" type: BLOCK major: 254 "
                          "minor: 0 }\n")
          .ok());
  absl::StatusOr<Manifest> m = ReadManifest(dir_ + "/m.textproto");
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_EQ(m->entry_size(), 4);
  EXPECT_EQ(m->entry(2).type(), Entry::HARDLINK);
  EXPECT_EQ(m->entry(3).type(), Entry::BLOCK);
}

TEST_F(MkinitramfsTest, TwoBuildsAreByteIdentical) {
  std::string a = Build("a.cpio", false);
  // A later mtime on the source must not change the archive.
  ASSERT_EQ(utimes((dir_ + "/busybox").c_str(), nullptr), 0);
  std::string b = Build("b.cpio", false);
  EXPECT_EQ(*ReadFile(a), *ReadFile(b));
  EXPECT_EQ(*ReadFile(Build("a.cpio.gz", true)),
            *ReadFile(Build("b.cpio.gz", true)));
}

TEST_F(MkinitramfsTest, GzipVariantDecompressesToTheSameArchive) {
  std::string plain = Build("initramfs.cpio", false);
  std::string gz = Build("initramfs.cpio.gz", true);
  std::string decompressed = Shell(absl::StrCat("gzip -dc < ", gz));
  EXPECT_EQ(decompressed, *ReadFile(plain));
  std::string bytes = *ReadFile(gz);
  ASSERT_GT(bytes.size(), 10u);
  EXPECT_EQ(bytes.substr(4, 4), std::string(4, '\0'));  // mtime 0
  EXPECT_EQ(bytes[3] & 0x08, 0);                        // no file name
}

TEST_F(MkinitramfsTest, MtimeOptionIsUsed) {
  InitramfsOptions options;
  options.mtime = 86400 * 365;
  absl::StatusOr<std::string> archive = BuildArchive(manifest_, options);
  ASSERT_TRUE(archive.ok());
  ASSERT_TRUE(WriteFileAtomically(dir_ + "/m.cpio", *archive).ok());
  EXPECT_THAT(Shell(absl::StrCat("cpio -itv --quiet < ", dir_, "/m.cpio")),
              HasSubstr("Jan  1  1971 init"));
}

TEST_F(MkinitramfsTest, BadPathLeavesNoOutput) {
  manifest_.add_entry()->set_path("../escape");
  manifest_.mutable_entry(manifest_.entry_size() - 1)->set_type(Entry::DIR);
  InitramfsOptions options;
  options.output = dir_ + "/bad.cpio";
  absl::Status status = BuildInitramfs(manifest_, options);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("\"../escape\""));
  EXPECT_NE(access(options.output.c_str(), F_OK), 0);
}

TEST_F(MkinitramfsTest, ReadManifestReportsTheLine) {
  ASSERT_TRUE(WriteFileAtomically(dir_ + "/m.textproto",
                                  "entry { path: \"a\" }\nentry { nope: 1 }\n")
                  .ok());
  absl::StatusOr<Manifest> m = ReadManifest(dir_ + "/m.textproto");
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.status().message(), HasSubstr("line 2"));
}

}  // namespace
}  // namespace perfcell::initramfs
