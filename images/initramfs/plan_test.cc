#include "images/initramfs/plan.h"

#include <sys/stat.h>

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace perfcell::initramfs {
namespace {

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
    entry { path: "etc" type: DIRECTORY mode: 0x1c0 }
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
      Parse(R"pb(entry { path: "empty" type: FILE has_content: true })pb"));
  ASSERT_TRUE(members.ok()) << members.status();
  EXPECT_EQ((*members)[0].data, "");
}

TEST(PlanArchive, DotDotIsRejectedWithThePath) {
  absl::StatusOr<std::vector<Member>> members =
      PlanArchive(Parse(R"pb(entry { path: "bin/../etc" type: DIRECTORY })pb"));
  ASSERT_FALSE(members.ok());
  EXPECT_EQ(members.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(members.status().message(),
              HasSubstr("entry 0 (\"bin/../etc\")"));
}

TEST(PlanArchive, EmptyPathIsRejected) {
  EXPECT_FALSE(
      PlanArchive(Parse(R"pb(entry { path: "/" type: DIRECTORY })pb")).ok());
}

TEST(PlanArchive, DuplicatePathIsRejected) {
  absl::StatusOr<std::vector<Member>> members = PlanArchive(Parse(R"pb(
    entry { path: "a" type: DIRECTORY }
    entry { path: "/a" type: DIRECTORY }
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

}  // namespace
}  // namespace perfcell::initramfs
