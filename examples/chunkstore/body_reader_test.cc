#include "examples/chunkstore/body_reader.h"

#include "examples/chunkstore/string_source.h"
#include "gtest/gtest.h"

namespace chunkstore {
namespace {

// Reads the whole body, `step` bytes at a time.
absl::StatusOr<std::string> ReadAll(BodyReader& body, size_t step = 7) {
  std::string out;
  std::string buf(step, '\0');
  while (true) {
    absl::StatusOr<size_t> n = body.Read(buf.data(), buf.size());
    if (!n.ok()) return n.status();
    if (*n == 0) return out;
    out.append(buf.data(), *n);
  }
}

TEST(BodyReader, ContentLengthStopsAtTheLengthAndLeavesTheRest) {
  StringSource wire("hello worldGET /next", 3);
  BodyReader body(&wire, BodyFraming{false, 11});
  EXPECT_EQ(ReadAll(body).value(), "hello world");
  EXPECT_TRUE(body.finished());
  EXPECT_EQ(wire.consumed(), 11u);
}

TEST(BodyReader, DecodesChunkedBodiesWithExtensionsAndTrailers) {
  StringSource wire(
      "5\r\nhello\r\n6;name=value\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT",
      2);
  BodyReader body(&wire, BodyFraming{true, 0});
  EXPECT_EQ(ReadAll(body).value(), "hello world");
  EXPECT_TRUE(body.finished());
  EXPECT_EQ(body.bytes_read(), 11);
}

TEST(BodyReader, ClientClosingEarlyIsDataLoss) {
  StringSource wire("short");
  BodyReader body(&wire, BodyFraming{false, 100});
  EXPECT_EQ(ReadAll(body).status().code(), absl::StatusCode::kDataLoss);
  StringSource chunked("a\r\nabc");
  BodyReader chunked_body(&chunked, BodyFraming{true, 0});
  EXPECT_EQ(ReadAll(chunked_body).status().code(), absl::StatusCode::kDataLoss);
}

TEST(BodyReader, BadChunkSizeIsInvalid) {
  StringSource wire("zz\r\nabc\r\n0\r\n\r\n");
  BodyReader body(&wire, BodyFraming{true, 0});
  EXPECT_EQ(ReadAll(body).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(BodyReader, CallsBeforeFirstReadOnceAndOnlyWhenReading) {
  int calls = 0;
  StringSource wire("abc");
  BodyReader body(&wire, BodyFraming{false, 3}, [&] {
    ++calls;
    return absl::OkStatus();
  });
  EXPECT_EQ(calls, 0);
  EXPECT_FALSE(body.DrainUpTo(100));  // never asked for, so not drained
  EXPECT_EQ(ReadAll(body).value(), "abc");
  EXPECT_EQ(calls, 1);
}

TEST(FramingOf, ReadsTheHeaders) {
  perfcell::HttpRequest req;
  req.headers = {{"content-length", "42"}};
  EXPECT_EQ(FramingOf(req)->content_length, 42);
  req.headers = {{"transfer-encoding", "chunked"}, {"content-length", "3"}};
  EXPECT_TRUE(FramingOf(req)->chunked);
  req.headers = {{"transfer-encoding", "gzip"}};
  EXPECT_FALSE(FramingOf(req).ok());
  req.headers = {{"content-length", "-1"}};
  EXPECT_FALSE(FramingOf(req).ok());
}

TEST(FramingOf, ConflictingContentLengthsAreRefusedIdenticalOnesAccepted) {
  perfcell::HttpRequest two;
  two.headers = {{"content-length", "5"}, {"content-length", "50"}};
  EXPECT_EQ(FramingOf(two).status().code(), absl::StatusCode::kInvalidArgument);
  perfcell::HttpRequest listed;
  listed.headers = {{"content-length", "5, 6"}};
  EXPECT_EQ(FramingOf(listed).status().code(),
            absl::StatusCode::kInvalidArgument);
  perfcell::HttpRequest same;
  same.headers = {{"content-length", "5"}, {"content-length", "5, 5"}};
  ASSERT_TRUE(FramingOf(same).ok());
  EXPECT_EQ(FramingOf(same)->content_length, 5);
}

}  // namespace
}  // namespace chunkstore
