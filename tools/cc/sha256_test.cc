#include "tools/cc/sha256.h"

#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace perfcell {
namespace {

// FIPS 180-2 appendix B test vectors.
TEST(Sha256, MatchesFipsVectors) {
  Sha256 abc;
  abc.Update("abc");
  EXPECT_EQ(abc.HexDigest(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 split;
  split.Update("abcdbcdecdefdefgefghfghighij");
  split.Update("hijkijkljklmklmnlmnomnopnopq");
  EXPECT_EQ(split.HexDigest(),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256OfFile, HashesTheWholeFile) {
  std::string path = std::string(getenv("TEST_TMPDIR")) + "/million_a";
  std::ofstream(path) << std::string(1000000, 'a');
  EXPECT_EQ(*Sha256OfFile(path),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256OfFile, MissingFileIsNotFound) {
  EXPECT_EQ(Sha256OfFile("/nonexistent").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace perfcell
