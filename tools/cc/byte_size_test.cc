#include "tools/cc/byte_size.h"

#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "re2/re2.h"

namespace perfcell {
namespace {

using ::testing::HasSubstr;

struct Case {
  std::string input;
  std::optional<uint64_t> bytes;  // nullopt: rejected
  int line = 0;
};

// The cases of tools/cc/testdata/byte_sizes.bzl, the table perf_matrix's
// Starlark test runs too. Every line between "BYTE_SIZE_CASES = [" and "]"
// is a case, a comment or blank: anything else fails the test, so a case
// this reader cannot see is never skipped silently.
std::vector<Case> ReadCases() {
  const std::string path = "tools/cc/testdata/byte_sizes.bzl";
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  static const LazyRE2 kCase = {
      R"re(\s*\("((?:[^"\\]|\\[tn])*)", (\d+|None)\),\s*(?:#.*)?)re"};
  std::vector<Case> cases;
  bool in_table = false;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    absl::string_view stripped = absl::StripAsciiWhitespace(line);
    if (!in_table) {
      in_table = stripped == "BYTE_SIZE_CASES = [";
      continue;
    }
    if (stripped == "]") return cases;
    if (stripped.empty() || absl::StartsWith(stripped, "#")) continue;
    std::string input, bytes;
    if (!RE2::FullMatch(line, *kCase, &input, &bytes)) {
      ADD_FAILURE() << path << ":" << number << ": not a case: " << line;
      continue;
    }
    Case c;
    c.input = absl::StrReplaceAll(input, {{"\\t", "\t"}, {"\\n", "\n"}});
    c.line = number;
    if (bytes != "None") {
      uint64_t value;
      EXPECT_TRUE(absl::SimpleAtoi(bytes, &value)) << path << ":" << number;
      c.bytes = value;
    }
    cases.push_back(c);
  }
  ADD_FAILURE() << path << ": no \"BYTE_SIZE_CASES = [\" ... \"]\" table";
  return cases;
}

TEST(ParseByteSize, AgreesWithTheSharedTable) {
  const std::vector<Case> cases = ReadCases();
  EXPECT_GT(cases.size(), 40u);
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message()
                 << "byte_sizes.bzl:" << c.line << " \"" << c.input << "\"");
    absl::StatusOr<uint64_t> got = ParseByteSize(c.input);
    if (c.bytes.has_value()) {
      ASSERT_TRUE(got.ok()) << got.status();
      EXPECT_EQ(*got, *c.bytes);
    } else {
      ASSERT_FALSE(got.ok()) << "accepted as " << *got;
      EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

TEST(ParseByteSize, ErrorsQuoteTheInputAndSayWhatToWrite) {
  auto message = [](absl::string_view text) {
    return std::string(ParseByteSize(text).status().message());
  };
  EXPECT_EQ(message("8MB"),
            "invalid size \"8MB\": sizes are binary; write 8M or 8MiB "
            "(8 x 2^20 bytes)");
  EXPECT_THAT(message("8 M"), HasSubstr("write it without spaces: 8M"));
  EXPECT_THAT(message("512B"), HasSubstr("write bytes without a unit: 512"));
  EXPECT_THAT(message("1.5G"), HasSubstr("write whole numbers: 1536M"));
  EXPECT_THAT(message("1.5K"),
              ::testing::EndsWith("write whole numbers: 1536"));
  EXPECT_THAT(message("0"), HasSubstr("more than 0"));
  EXPECT_THAT(message("8388608T"), HasSubstr("below 2^63 bytes"));
  EXPECT_THAT(message("8X"), HasSubstr("invalid size \"8X\": a size is a "
                                       "whole number of bytes, optionally "
                                       "followed by K, M, G or T"));
  EXPECT_THAT(message(""), HasSubstr("empty size"));
  EXPECT_THAT(message("8M\n"), HasSubstr("\"8M\\n\""));
}

}  // namespace
}  // namespace perfcell
