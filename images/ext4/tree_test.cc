#include "images/ext4/tree.h"

#include <string>
#include <utility>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perfcell::ext4 {
namespace {

using ::testing::HasSubstr;

TEST(NormalizeImagePath, DropsLeadingSlashAndDots) {
  EXPECT_EQ(*NormalizeImagePath("/etc//hosts"), "etc/hosts");
  EXPECT_EQ(*NormalizeImagePath("./usr/./bin/"), "usr/bin");
  EXPECT_EQ(*NormalizeImagePath("/"), "");
}

TEST(NormalizeImagePath, RejectsEscapesAndLongNames) {
  for (const char* bad : {"../etc", "/../etc/passwd", "a/../../b", "a/.."}) {
    auto path = NormalizeImagePath(bad);
    ASSERT_FALSE(path.ok()) << bad;
    EXPECT_THAT(path.status().message(), HasSubstr(bad));
  }
  std::string long_name(256, 'n');
  auto path = NormalizeImagePath("dir/" + long_name);
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(path.status().message(), HasSubstr("255"));
  EXPECT_TRUE(NormalizeImagePath("dir/" + std::string(255, 'n')).ok());
}

TEST(FsTree, PutCreatesParentsWithDefaults) {
  FsTree tree({.uid = 7, .gid = 8, .mtime = 99});
  ASSERT_TRUE(tree.Put("a/b/c", tree.NewNode(NodeType::kFile)).ok());
  const Node* b = tree.Find("a/b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->type, NodeType::kDir);
  EXPECT_EQ(b->mode, 0755u);
  EXPECT_EQ(b->uid, 7u);
  EXPECT_EQ(b->mtime, 99);
  EXPECT_EQ(tree.EntryCount(), 3u);
}

TEST(FsTree, DuplicatePathWithAnotherTypeIsAnError) {
  FsTree tree({});
  ASSERT_TRUE(tree.Put("etc/hosts", tree.NewNode(NodeType::kFile)).ok());
  absl::Status status = tree.Put("etc/hosts", tree.NewNode(NodeType::kDir));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("duplicate path \"etc/hosts\""));
  status = tree.Put("etc/hosts/x", tree.NewNode(NodeType::kFile));
  EXPECT_THAT(status.message(), HasSubstr("not a directory"));
}

TEST(FsTree, SameTypeReplacesAndDirectoriesKeepChildren) {
  FsTree tree({});
  ASSERT_TRUE(tree.Put("d/f", tree.NewNode(NodeType::kFile)).ok());
  Node dir = tree.NewNode(NodeType::kDir);
  dir.mode = 0700;
  ASSERT_TRUE(tree.Put("d", std::move(dir)).ok());
  EXPECT_EQ(tree.Find("d")->mode, 0700u);
  EXPECT_NE(tree.Find("d/f"), nullptr);
}

TEST(FsTree, ValidateFindsDanglingAndDirectoryHardLinks) {
  FsTree tree({});
  Node link = tree.NewNode(NodeType::kHardlink);
  link.target = "missing";
  ASSERT_TRUE(tree.Put("link", std::move(link)).ok());
  absl::Status status = tree.Validate();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("\"link\""));
  EXPECT_TRUE(
      tree.Validate([](const std::string& p) { return p == "missing"; }).ok());
  ASSERT_TRUE(tree.Put("missing", tree.NewNode(NodeType::kDir)).ok());
  EXPECT_THAT(tree.Validate().message(), HasSubstr("is a dir"));
}

TEST(FsTree, FingerprintFollowsContentNotInsertionOrder) {
  FsTree a({}), b({});
  ASSERT_TRUE(a.Put("x", a.NewNode(NodeType::kFile)).ok());
  ASSERT_TRUE(a.Put("y", a.NewNode(NodeType::kDir)).ok());
  ASSERT_TRUE(b.Put("y", b.NewNode(NodeType::kDir)).ok());
  ASSERT_TRUE(b.Put("x", b.NewNode(NodeType::kFile)).ok());
  EXPECT_EQ(a.Fingerprint(), b.Fingerprint());
  Node node = b.NewNode(NodeType::kFile);
  node.mode = 0600;
  ASSERT_TRUE(b.Put("x", std::move(node)).ok());
  EXPECT_NE(a.Fingerprint(), b.Fingerprint());
}

}  // namespace
}  // namespace perfcell::ext4
