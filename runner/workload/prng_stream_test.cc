#include "runner/workload/prng_stream.h"

#include <string>

#include "gtest/gtest.h"

namespace perfcell {
namespace {

std::string ReadAll(uint64_t seed, size_t total, size_t step) {
  PrngStream stream(seed);
  std::string out(total, '\0');
  for (size_t pos = 0; pos < total; pos += step) {
    stream.Read(&out[pos], std::min(step, total - pos));
  }
  return out;
}

TEST(PrngStream, SameSeedGivesSameBytesHoweverReadsAreSplit) {
  const std::string whole = ReadAll(7, 10007, 10007);
  EXPECT_EQ(ReadAll(7, 10007, 1), whole);
  EXPECT_EQ(ReadAll(7, 10007, 3), whole);
  EXPECT_EQ(ReadAll(7, 10007, 13), whole);
  EXPECT_EQ(ReadAll(7, 10007, 4096), whole);
}

TEST(PrngStream, DifferentSeedsGiveDifferentBytes) {
  EXPECT_NE(ReadAll(1, 64, 64), ReadAll(2, 64, 64));
}

TEST(PrngStream, BytesAreNotTrivial) {
  const std::string bytes = ReadAll(0, 1 << 16, 1 << 16);
  size_t zeros = 0;
  for (char c : bytes) zeros += (c == '\0');
  // About 1/256 of random bytes are zero; a broken generator gives all zeros.
  EXPECT_LT(zeros, bytes.size() / 64);
}

}  // namespace
}  // namespace perfcell
