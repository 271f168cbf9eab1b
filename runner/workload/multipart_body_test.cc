#include "runner/workload/multipart_body.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "re2/re2.h"
#include "runner/workload/prng_stream.h"
#include "tools/cc/sha256.h"

namespace perfcell {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string ReadBody(MultipartBody& body, size_t step) {
  std::string out;
  std::string buf(step, '\0');
  while (size_t n = body.Read(&buf[0], buf.size())) out.append(buf, 0, n);
  return out;
}

TEST(MultipartBody, SizeMatchesWhatIsRead) {
  for (size_t step : {1, 7, 4096, 1 << 20}) {
    MultipartBody body(3, 10000, "file", /*hash=*/false);
    EXPECT_EQ(ReadBody(body, step).size(), body.total_size()) << step;
    EXPECT_EQ(body.position(), body.total_size());
  }
}

TEST(MultipartBody, FramesThePrngBytesAsOneFileField) {
  MultipartBody body(9, 5000, "file", /*hash=*/false);
  const std::string text = ReadBody(body, 333);

  std::string boundary;
  ASSERT_TRUE(RE2::FullMatch(
      body.content_type(), "multipart/form-data; boundary=(\\S+)", &boundary));
  EXPECT_THAT(text, StartsWith("--" + boundary + "\r\n"));
  EXPECT_THAT(text, HasSubstr("name=\"file\"; filename="));
  const std::string tail = "\r\n--" + boundary + "--\r\n";
  ASSERT_GE(text.size(), tail.size());
  EXPECT_EQ(text.substr(text.size() - tail.size()), tail);

  std::string expected(5000, '\0');
  PrngStream(9).Read(&expected[0], expected.size());
  const size_t file_start = text.find("\r\n\r\n") + 4;
  EXPECT_EQ(text.substr(file_start, 5000), expected);
}

TEST(MultipartBody, HashesTheFilePartOnly) {
  MultipartBody body(11, 12345, "file", /*hash=*/true);
  EXPECT_EQ(body.FileSha256(), "");  // not read yet
  ReadBody(body, 1000);

  std::string file(12345, '\0');
  PrngStream(11).Read(&file[0], file.size());
  Sha256 expected;
  expected.Update(file);
  EXPECT_EQ(body.FileSha256(), expected.HexDigest());
}

TEST(MultipartBody, EmptyFileStillHasFraming) {
  MultipartBody body(1, 0, "file", /*hash=*/true);
  const std::string text = ReadBody(body, 64);
  EXPECT_EQ(text.size(), body.total_size());
  EXPECT_EQ(body.FileSha256(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace perfcell
