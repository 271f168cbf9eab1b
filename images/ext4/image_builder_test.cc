#include "images/ext4/image_builder.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "images/ext4/dir_scanner.h"
#include "images/ext4/image_test_util.h"
#include "images/ext4/manifest_loader.h"
#include "images/ext4/tree.h"
#include "tools/cc/sha256.h"

namespace perfcell::ext4 {
namespace {

using testing::Debugfs;
using testing::DiskUsage;
using testing::DumpFile;
using testing::Fsck;
using ::testing::HasSubstr;
using testing::NewTempDir;
using ::testing::Not;
using testing::RandomBytes;
using testing::WriteHostFile;

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kGiB = uint64_t{1} << 30;

Node FileWithContent(const FsTree& tree, const std::string& content) {
  Node node = tree.NewNode(NodeType::kFile);
  node.content = content;
  node.size = node.data_bytes = content.size();
  return node;
}

void ExpectClean(const std::string& image) {
  auto fsck = Fsck(image);
  EXPECT_EQ(fsck.exit_code, 0) << fsck.output;
}

// Free blocks of a finished image, from its superblock.
uint64_t FreeBytes(const std::string& image) {
  std::string super = testing::Run("/sbin/dumpe2fs -h " + image).output;
  size_t at = super.find("Free blocks:");
  if (at == std::string::npos) return 0;
  return std::stoull(super.substr(at + 12)) * 4096;
}

// --size=fit: the image is about as big as what it holds (so a cache stores
// little more than the content), still has the asked-for room, and is the
// same every time.
TEST(BuildImage, FitSizesTheImageToItsContentPlusHeadroom) {
  std::string dir = NewTempDir();
  std::string src = dir + "/src";
  for (int i = 0; i < 40; ++i) {
    WriteHostFile(absl::StrCat(src, "/lib/lib", i, ".so"),
                  RandomBytes(200 * 1024 + i, i));
  }
  WriteHostFile(src + "/bin/server", RandomBytes(9 * kMiB, 99));
  for (bool journal : {false, true}) {
    FsTree tree({.uid = 0, .gid = 0, .mtime = 0});
    ASSERT_TRUE(ScanDirectory(src, {.owner = Owner{0, 0}}, &tree).ok());
    ImageOptions options;
    options.journal = journal;
    options.fit = true;
    options.headroom_percent = 10;
    std::string image = absl::StrCat(dir, "/img", journal);
    absl::Status built = BuildImage(tree, options, image);
    ASSERT_TRUE(built.ok()) << built;
    ExpectClean(image);
    EXPECT_EQ(DumpFile(image, "/bin/server"), RandomBytes(9 * kMiB, 99));
    struct stat st;
    ASSERT_EQ(stat(image.c_str(), &st), 0);
    EXPECT_EQ(st.st_size % kMiB, 0u);
    EXPECT_LE(static_cast<uint64_t>(st.st_size), 2 * DiskUsage(image))
        << "journal " << journal;
    EXPECT_GE(FreeBytes(image), tree.DataBytes() / 10) << "journal " << journal;
    ASSERT_TRUE(BuildImage(tree, options, image + ".again").ok());
    EXPECT_EQ(*Sha256OfFile(image), *Sha256OfFile(image + ".again"));
    EXPECT_EQ(testing::Run("ls " + dir).output.find(".tmp-"),
              std::string::npos);  // no trial image left behind
  }
}

TEST(BuildImage, FitWithFixedHeadroomAndAnEmptyTree) {
  std::string dir = NewTempDir();
  FsTree tree({.uid = 0, .gid = 0, .mtime = 0});
  ImageOptions options;
  options.fit = true;
  options.headroom_bytes = 3 * kMiB;
  ASSERT_TRUE(BuildImage(tree, options, dir + "/img").ok());
  ExpectClean(dir + "/img");
  EXPECT_GE(FreeBytes(dir + "/img"), 3 * kMiB);
  struct stat st;
  ASSERT_EQ(stat((dir + "/img").c_str(), &st), 0);
  EXPECT_LE(static_cast<uint64_t>(st.st_size), 5 * kMiB);
}

TEST(BuildImage, EveryFileTypeReadsBackWithItsAttributes) {
  std::string dir = NewTempDir();
  std::string src = dir + "/src";
  std::string binary = RandomBytes(3 * kMiB + 123, 1);
  WriteHostFile(src + "/usr/bin/tool", binary);
  chmod((src + "/usr/bin/tool").c_str(), 04755);
  WriteHostFile(src + "/etc/hosts", "127.0.0.1 localhost\n");
  link((src + "/etc/hosts").c_str(), (src + "/etc/hosts.bak").c_str());
  std::string long_target(200, 'x');
  symlink("../usr/bin/tool", (src + "/etc/fast").c_str());
  symlink(long_target.c_str(), (src + "/etc/slow").c_str());
  mkfifo((src + "/run.fifo").c_str(), 0600);

  FsTree tree({.uid = 0, .gid = 0, .mtime = 1700000000});
  ASSERT_TRUE(ScanDirectory(src, {.owner = Owner{0, 0}}, &tree).ok());
  images::Manifest manifest;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        entry { path: "dev/console" type: CHAR major: 5 minor: 1 mode: 0600 }
        entry { path: "dev/nvme0n1p9" type: BLOCK major: 259 minor: 300 }
        entry {
          path: "home/user/note"
          type: FILE
          content: "hi"
          uid: 70000
          gid: 100
          mode: 0640
          mtime: 1234567890
        }
      )pb",
      &manifest));
  ASSERT_TRUE(AddManifest(manifest, &tree).ok());
  std::string image = dir + "/img";
  ASSERT_TRUE(BuildImage(tree, {.size_bytes = 256 * kMiB}, image).ok());

  ExpectClean(image);
  EXPECT_EQ(DumpFile(image, "/usr/bin/tool"), binary);
  EXPECT_EQ(DumpFile(image, "/etc/hosts"), "127.0.0.1 localhost\n");
  EXPECT_THAT(Debugfs(image, "stat /usr/bin/tool"), HasSubstr("Mode:  04755"));
  EXPECT_THAT(Debugfs(image, "stat /etc/hosts"), HasSubstr("Links: 2"));
  EXPECT_THAT(Debugfs(image, "stat /etc/hosts.bak"), HasSubstr("Links: 2"));
  EXPECT_THAT(Debugfs(image, "stat /etc/fast"),
              HasSubstr("Fast link dest: \"../usr/bin/tool\""));
  EXPECT_EQ(DumpFile(image, "/etc/slow"), long_target);
  EXPECT_THAT(Debugfs(image, "stat /run.fifo"), HasSubstr("Type: FIFO"));
  std::string console = Debugfs(image, "stat /dev/console");
  EXPECT_THAT(console, HasSubstr("Type: character special"));
  EXPECT_THAT(console, HasSubstr("Device major/minor number: 05:01"));
  EXPECT_THAT(Debugfs(image, "stat /dev/nvme0n1p9"),
              HasSubstr("Device major/minor number: 259:300"));
  std::string note = Debugfs(image, "stat /home/user/note");
  EXPECT_THAT(note, HasSubstr("User: 70000   Group:   100"));
  EXPECT_THAT(note, HasSubstr("Mode:  0640"));
  EXPECT_THAT(note, HasSubstr("mtime: 0x499602d2"));
  EXPECT_EQ(DumpFile(image, "/home/user/note"), "hi");
}

TEST(BuildImage, SparseFiveGibFileStaysSparse) {
  std::string dir = NewTempDir();
  std::string src = dir + "/src";
  WriteHostFile(src + "/disk.raw", "");
  int fd = open((src + "/disk.raw").c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  std::string head = RandomBytes(64 * 1024, 2);
  ASSERT_EQ(pwrite(fd, head.data(), head.size(), 0), head.size());
  ASSERT_EQ(pwrite(fd, "end", 3, 5 * kGiB - 3), 3);
  close(fd);

  FsTree tree({});
  ASSERT_TRUE(ScanDirectory(src, {}, &tree).ok());
  std::string image = dir + "/img";
  ASSERT_TRUE(BuildImage(tree, {.size_bytes = 8 * kGiB}, image).ok());

  ExpectClean(image);
  std::string stat = Debugfs(image, "stat /disk.raw");
  EXPECT_THAT(stat, HasSubstr("Size: 5368709120"));
  EXPECT_THAT(stat, HasSubstr("Blockcount: 136"));  // 16 + 1 blocks of 4 KiB
  EXPECT_LT(DiskUsage(image), 16 * kMiB);
  std::string tail = Debugfs(image, "dump_extents /disk.raw");
  EXPECT_THAT(tail, HasSubstr("1310719"));  // the last block is mapped
}

TEST(BuildImage, TenThousandEntriesGetAHashedDirectory) {
  FsTree tree({});
  for (int i = 0; i < 10000; ++i) {
    ASSERT_TRUE(tree.Put(absl::StrCat("many/entry-", i),
                         FileWithContent(tree, absl::StrCat(i)))
                    .ok());
  }
  std::string image = NewTempDir() + "/img";
  ASSERT_TRUE(BuildImage(tree, {.size_bytes = 512 * kMiB}, image).ok());

  ExpectClean(image);
  EXPECT_THAT(Debugfs(image, "stat /many"), HasSubstr("Flags: 0x81000"));
  EXPECT_THAT(Debugfs(image, "htree /many"), HasSubstr("Indirect levels: 0"));
  EXPECT_EQ(DumpFile(image, "/many/entry-9999"), "9999");
  EXPECT_EQ(DumpFile(image, "/many/entry-0"), "0");
  std::string listing = Debugfs(image, "ls -p /many");
  int entries = 0;
  for (size_t at = listing.find("/entry-"); at != std::string::npos;
       at = listing.find("/entry-", at + 1)) {
    ++entries;
  }
  EXPECT_EQ(entries, 10000);
}

TEST(BuildImage, FiftyGibImageWithLittleContentUsesAFewMegabytes) {
  FsTree tree({});
  ASSERT_TRUE(tree.Put("etc/motd", FileWithContent(tree, "welcome\n")).ok());
  std::string image = NewTempDir() + "/img";
  ASSERT_TRUE(BuildImage(tree, {.size_bytes = 50 * kGiB}, image).ok());

  struct stat st;
  ASSERT_EQ(stat(image.c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 50 * kGiB);
  EXPECT_LT(DiskUsage(image), 16 * kMiB);
  ExpectClean(image);
  EXPECT_THAT(Debugfs(image, "stats"), HasSubstr("has_journal"));
}

TEST(BuildImage, SameInputGivesByteIdenticalImages) {
  // Two source trees with the same content, created in opposite orders.
  std::string dir = NewTempDir();
  for (const char* name : {"a", "b"}) {
    std::vector<int> order = {0, 1, 2, 3, 4};
    if (std::string(name) == "b") std::reverse(order.begin(), order.end());
    for (int i : order) {
      WriteHostFile(absl::StrCat(dir, "/", name, "/d", i % 2, "/f", i),
                    RandomBytes(10000 * (i + 1), i));
    }
  }
  std::string digests[2];
  for (int i = 0; i < 2; ++i) {
    FsTree tree({});
    ASSERT_TRUE(
        ScanDirectory(dir + (i == 0 ? "/a" : "/b"), {.owner = Owner{}}, &tree)
            .ok());
    std::string image = absl::StrCat(dir, "/img", i);
    ASSERT_TRUE(
        BuildImage(tree, {.size_bytes = 64 * kMiB, .label = "root"}, image)
            .ok());
    ExpectClean(image);
    digests[i] = *Sha256OfFile(image);
  }
  EXPECT_EQ(digests[0], digests[1]);
}

TEST(BuildImage, GivenUuidAndReadOnlyFlagAreSet) {
  FsTree tree({});
  std::string image = NewTempDir() + "/img";
  ASSERT_TRUE(BuildImage(tree,
                         {.size_bytes = 32 * kMiB,
                          .journal = false,
                          .read_only = true,
                          .label = "payload",
                          .uuid = "01234567-89ab-cdef-0123-456789abcdef"},
                         image)
                  .ok());
  ExpectClean(image);
  std::string stats = Debugfs(image, "stats");
  EXPECT_THAT(stats, HasSubstr("01234567-89ab-cdef-0123-456789abcdef"));
  EXPECT_THAT(stats, HasSubstr("read-only"));
  EXPECT_THAT(stats, HasSubstr("volume name:   payload"));
  EXPECT_THAT(stats, Not(HasSubstr("has_journal")));
}

TEST(BuildImage, ContentThatDoesNotFitLeavesNoFile) {
  FsTree tree({});
  ASSERT_TRUE(
      tree.Put("big", FileWithContent(tree, std::string(4 * kMiB, 'x'))).ok());
  std::string dir = NewTempDir();
  absl::Status status =
      BuildImage(tree, {.size_bytes = 2 * kMiB}, dir + "/img");
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_THAT(status.message(), HasSubstr("does not fit"));
  EXPECT_EQ(testing::Run("ls -A " + dir).output, "");
}

TEST(AddToImage, ReplacesAFileAndAddsNewOnes) {
  std::string dir = NewTempDir();
  FsTree base_tree({});
  ASSERT_TRUE(base_tree
                  .Put("opt/app/server",
                       FileWithContent(base_tree, RandomBytes(300000, 3)))
                  .ok());
  ASSERT_TRUE(
      base_tree.Put("etc/keep", FileWithContent(base_tree, "unchanged")).ok());
  std::string base = dir + "/base.img";
  ASSERT_TRUE(BuildImage(base_tree, {.size_bytes = 128 * kMiB}, base).ok());
  std::string base_digest = *Sha256OfFile(base);

  FsTree payload({.mtime = 42});
  std::string server = RandomBytes(2 * kMiB, 4);
  ASSERT_TRUE(
      payload.Put("opt/app/server", FileWithContent(payload, server)).ok());
  ASSERT_TRUE(payload
                  .Put("opt/app/lib/libx.so",
                       FileWithContent(payload, RandomBytes(50000, 5)))
                  .ok());
  Node link = payload.NewNode(NodeType::kHardlink);
  link.target = "etc/keep";
  ASSERT_TRUE(payload.Put("etc/keep2", std::move(link)).ok());
  std::string out = dir + "/branch.img";
  absl::Status status = AddToCopy(payload, 42, base, out);
  ASSERT_TRUE(status.ok()) << status;

  ExpectClean(out);
  EXPECT_EQ(DumpFile(out, "/opt/app/server"), server);
  EXPECT_EQ(DumpFile(out, "/opt/app/lib/libx.so"), RandomBytes(50000, 5));
  EXPECT_EQ(DumpFile(out, "/etc/keep"), "unchanged");
  EXPECT_THAT(Debugfs(out, "stat /etc/keep2"), HasSubstr("Links: 2"));
  EXPECT_EQ(*Sha256OfFile(base), base_digest);  // the base is untouched

  // In place, a second time: replacing again keeps the image clean.
  ASSERT_TRUE(AddToImage(payload, 42, out).ok());
  ExpectClean(out);
  EXPECT_EQ(DumpFile(out, "/opt/app/server"), server);
}

TEST(AddToImage, ConflictsAreFoundBeforeTheImageChanges) {
  std::string dir = NewTempDir();
  FsTree base_tree({});
  ASSERT_TRUE(base_tree.Put("etc/hosts", FileWithContent(base_tree, "x")).ok());
  std::string image = dir + "/img";
  ASSERT_TRUE(BuildImage(base_tree, {.size_bytes = 32 * kMiB}, image).ok());
  std::string digest = *Sha256OfFile(image);

  FsTree payload({});
  ASSERT_TRUE(payload.Put("new", FileWithContent(payload, "y")).ok());
  ASSERT_TRUE(
      payload.Put("etc/hosts/inner", FileWithContent(payload, "z")).ok());
  absl::Status status = AddToImage(payload, 0, image);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(status.message(), HasSubstr("etc/hosts"));
  EXPECT_EQ(*Sha256OfFile(image), digest);

  FsTree dangling({});
  Node link = dangling.NewNode(NodeType::kHardlink);
  link.target = "etc/missing";
  ASSERT_TRUE(dangling.Put("etc/link", std::move(link)).ok());
  status = AddToImage(dangling, 0, image);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  EXPECT_THAT(status.message(), HasSubstr("etc/missing"));
  EXPECT_EQ(*Sha256OfFile(image), digest);
}

}  // namespace
}  // namespace perfcell::ext4
