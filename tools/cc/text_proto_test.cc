#include "tools/cc/text_proto.h"

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.pb.h"
#include "gtest/gtest.h"
#include "tools/cc/atomic_file.h"

namespace perfcell {
namespace {

using google::protobuf::FileDescriptorProto;
using ::testing::HasSubstr;

std::string WriteTmp(const std::string& name, const std::string& content) {
  std::string path = absl::StrCat(std::getenv("TEST_TMPDIR"), "/", name);
  EXPECT_TRUE(WriteFileAtomically(path, content).ok());
  return path;
}

TEST(ReadTextProto, ReadsAGoodFile) {
  std::string path = WriteTmp("good.textproto",
                              "# a comment\n"
                              "name: \"a.proto\"\n"
                              "message_type { name: \"A\" }\n"
                              "message_type { name: \"B\" }\n");
  FileDescriptorProto file;
  file.set_package("replaced");
  absl::Status status = ReadTextProto(path, &file);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(file.name(), "a.proto");
  ASSERT_EQ(file.message_type_size(), 2);
  EXPECT_EQ(file.message_type(1).name(), "B");
  EXPECT_FALSE(file.has_package());  // the message is replaced, not merged
}

TEST(ReadTextProto, AnEmptyFileIsAnEmptyMessage) {
  FileDescriptorProto file;
  ASSERT_TRUE(ReadTextProto(WriteTmp("empty.textproto", ""), &file).ok());
  EXPECT_EQ(file.ByteSizeLong(), 0u);
}

TEST(ReadTextProto, NamesFileTypeLineAndColumnOfAnUnknownField) {
  std::string path = WriteTmp("unknown.textproto",
                              "name: \"a.proto\"\n"
                              "message_type {\n"
                              "  nope: 1\n"
                              "}\n");
  FileDescriptorProto file;
  absl::Status status = ReadTextProto(path, &file);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(absl::StrCat("\"", path, "\"")));
  EXPECT_THAT(status.message(),
              HasSubstr("google.protobuf.FileDescriptorProto"));
  EXPECT_THAT(status.message(), HasSubstr("line 3 column 7: "));
  EXPECT_THAT(status.message(), HasSubstr("\"nope\""));
}

TEST(ReadTextProto, ReportsOnlyTheFirstSyntaxError) {
  std::string path = WriteTmp("syntax.textproto",
                              "name: \"a.proto\"\n"
                              "package: \"unterminated\n"
                              "name: 3\n"
                              "}\n");
  FileDescriptorProto file;
  absl::Status status = ReadTextProto(path, &file);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("line 2 column "));
  EXPECT_THAT(status.message(), ::testing::Not(HasSubstr("line 3")));
  EXPECT_THAT(status.message(), ::testing::Not(HasSubstr("line 4")));
}

TEST(ReadTextProto, MissingFileIsNotFoundNamingIt) {
  FileDescriptorProto file;
  absl::Status status =
      ReadTextProto("/nonexistent/perfcell/x.textproto", &file);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("/nonexistent/perfcell/x.textproto"));
}

}  // namespace
}  // namespace perfcell
