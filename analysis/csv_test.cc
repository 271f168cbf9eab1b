#include "analysis/csv.h"

#include "gtest/gtest.h"

namespace perfcell::analysis {
namespace {

TEST(Csv, PlainFieldsStayBare) {
  EXPECT_EQ(CsvField("upload"), "upload");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("12.5"), "12.5");
}

// RFC 4180 section 2, rules 6 and 7.
TEST(Csv, SpecialCharactersAreQuoted) {
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField("cr\r"), "\"cr\r\"");
}

TEST(Csv, RowsEndInCrlf) {
  EXPECT_EQ(CsvRow({"x", "y,z", "\""}), "x,\"y,z\",\"\"\"\"\r\n");
  EXPECT_EQ(CsvRow({}), "\r\n");
}

}  // namespace
}  // namespace perfcell::analysis
