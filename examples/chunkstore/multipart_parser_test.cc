#include "examples/chunkstore/multipart_parser.h"

#include "absl/strings/str_cat.h"
#include "examples/chunkstore/string_source.h"
#include "gtest/gtest.h"

namespace chunkstore {
namespace {

struct Part {
  PartHeaders headers;
  std::string content;
};

absl::StatusOr<std::vector<Part>> ReadForm(const std::string& body,
                                           size_t step) {
  StringSource source(body, step);
  MultipartReader form(&source, "BOUND");
  std::vector<Part> parts;
  while (true) {
    Part part;
    absl::StatusOr<bool> more = form.NextPart(&part.headers);
    if (!more.ok()) return more.status();
    if (!*more) return parts;
    char buf[5];
    while (true) {
      absl::StatusOr<size_t> n = form.Read(buf, sizeof(buf));
      if (!n.ok()) return n.status();
      if (*n == 0) break;
      part.content.append(buf, *n);
    }
    parts.push_back(std::move(part));
  }
}

const char kForm[] =
    "preamble\r\n"
    "--BOUND\r\n"
    "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
    "a note\r\n"
    "--BOUND\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"a "
    "\\\"b\\\".txt\""
    "\r\nContent-Type: text/plain\r\n\r\n"
    "line 1\r\n--BOUNx looks like a boundary\r\n\r\n"
    "--BOUND--\r\nepilogue";

TEST(MultipartReader, ReadsPartsWhateverTheReadSizes) {
  for (size_t step : {1, 2, 3, 7, 64, 100000}) {
    absl::StatusOr<std::vector<Part>> parts = ReadForm(kForm, step);
    ASSERT_TRUE(parts.ok()) << parts.status() << " step " << step;
    ASSERT_EQ(parts->size(), 2u);
    EXPECT_EQ((*parts)[0].headers.name, "note");
    EXPECT_FALSE((*parts)[0].headers.filename.has_value());
    EXPECT_EQ((*parts)[0].content, "a note");
    EXPECT_EQ((*parts)[1].headers.name, "file");
    EXPECT_EQ((*parts)[1].headers.filename, "a \"b\".txt");
    EXPECT_EQ((*parts)[1].headers.content_type, "text/plain");
    EXPECT_EQ((*parts)[1].content,
              "line 1\r\n--BOUNx looks like a boundary\r\n");
  }
}

TEST(MultipartReader, BodyStartingWithTheBoundaryHasNoPreamble) {
  absl::StatusOr<std::vector<Part>> parts = ReadForm(
      "--BOUND\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n"
      "--BOUND--",
      3);
  ASSERT_TRUE(parts.ok()) << parts.status();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].content, "1");
}

TEST(MultipartReader, LargePartsStreamThrough) {
  std::string big(1 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 997) big[i] = '\r';
  absl::StatusOr<std::vector<Part>> parts = ReadForm(
      "--BOUND\r\nContent-Disposition: form-data; name=\"file\"; "
      "filename=\"f\"\r\n\r\n" +
          big + "\r\n--BOUND--\r\n",
      65536);
  ASSERT_TRUE(parts.ok()) << parts.status();
  EXPECT_EQ((*parts)[0].content, big);
}

TEST(MultipartReader, TruncatedFormIsInvalid) {
  for (const char* body :
       {"--BOUND\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nabc",
        "--BOUND\r\nContent-Disposition: form-data; name=\"f\"\r\n",
        "--BOUND\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nabc\r\n"
        "--BOUND",
        "no boundary at all", ""}) {
    EXPECT_EQ(ReadForm(body, 4).status().code(),
              absl::StatusCode::kInvalidArgument)
        << body;
  }
}

TEST(MultipartBoundary, AcceptsQuotedAndPlainBoundaries) {
  EXPECT_EQ(MultipartBoundary("multipart/form-data; boundary=abc").value(),
            "abc");
  EXPECT_EQ(
      MultipartBoundary("Multipart/Form-Data; charset=x; boundary=\"a b\"")
          .value(),
      "a b");
  EXPECT_FALSE(MultipartBoundary("multipart/form-data").ok());
  EXPECT_FALSE(MultipartBoundary("application/json; boundary=x").ok());
  EXPECT_FALSE(MultipartBoundary("").ok());
}

TEST(MultipartReader, RejectsBareLfCrOrNulInPartHeaders) {
  const std::string injected[] = {
      "Content-Type: text/html\nX-Injected: yes\nSet-Cookie: evil=1",
      "Content-Type: text/html\rX-Injected: yes",
      std::string("Content-Disposition: form-data; name=\"file\"; "
                  "filename=\"a") +
          '\0' + "b.txt\"",
      "Content-Disposition: form-data; name=\"file\"; filename=\"a\nb\"",
  };
  for (const std::string& header : injected) {
    const std::string body = absl::StrCat(
        "--BOUND\r\nContent-Disposition: form-data; name=\"file\"; "
        "filename=\"x\"\r\n",
        header, "\r\n\r\ndata\r\n--BOUND--\r\n");
    absl::StatusOr<std::vector<Part>> parts = ReadForm(body, 1000);
    EXPECT_EQ(parts.status().code(), absl::StatusCode::kInvalidArgument)
        << header;
  }
}

// RFC 2046: a part may have no header lines; its content starts after the
// empty line that follows the boundary line.
TEST(MultipartReader, PartWithoutHeadersStartsAfterTheEmptyLine) {
  for (size_t step : {size_t{1}, size_t{1000}}) {
    absl::StatusOr<std::vector<Part>> parts =
        ReadForm("--BOUND\r\n\r\nno headers\r\n--BOUND--\r\n", step);
    ASSERT_TRUE(parts.ok()) << parts.status();
    ASSERT_EQ(parts->size(), 1u);
    EXPECT_EQ((*parts)[0].content, "no headers") << "step " << step;
    EXPECT_EQ((*parts)[0].headers.name, "");
  }
}

// The header limit holds whether the body arrives in one read or byte by
// byte (found by multipart_fuzzer's check that the split does not matter).
TEST(MultipartReader, HeaderLimitDoesNotDependOnHowTheBodyArrives) {
  const auto form = [](size_t header_bytes) {
    return absl::StrCat("--BOUND\r\nX-Long: ", std::string(header_bytes, 'a'),
                        "\r\n\r\ndata\r\n--BOUND--\r\n");
  };
  const size_t limit = MultipartReader::kMaxPartHeaderSize;
  for (size_t step : {size_t{1}, size_t{7}, size_t{1} << 20}) {
    SCOPED_TRACE(absl::StrCat("step ", step));
    // 2 + 8 + n + 4 bytes after the boundary: just fits, one byte too many.
    absl::StatusOr<std::vector<Part>> fits = ReadForm(form(limit - 14), step);
    ASSERT_TRUE(fits.ok()) << fits.status();
    EXPECT_EQ((*fits)[0].content, "data");
    absl::StatusOr<std::vector<Part>> over = ReadForm(form(limit - 13), step);
    EXPECT_EQ(over.status().code(), absl::StatusCode::kInvalidArgument);
    over = ReadForm(form(limit + 4000), step);
    EXPECT_EQ(over.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace chunkstore
