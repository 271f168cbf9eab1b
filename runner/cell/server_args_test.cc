#include "runner/cell/server_args.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perfcell {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(ServerArguments, AreWhatFollowsTheServerAfterABundledLoader) {
  EXPECT_THAT(ServerArguments({"/payload/lib/ld-linux-x86-64.so.2",
                               "--library-path", "/payload/lib",
                               "/payload/bin/server", "--sync=off", "a b"}),
              ElementsAre("--sync=off", "a b"));
  EXPECT_THAT(ServerArguments({"/payload/bin/server", "--x"}),
              ElementsAre("--x"));
  EXPECT_THAT(ServerArguments({"/payload/bin/server"}), IsEmpty());
}

TEST(ServerArguments, WithoutThePayloadsServerAreEverythingAfterArgv0) {
  EXPECT_THAT(ServerArguments({"/usr/bin/other", "--y"}), ElementsAre("--y"));
  EXPECT_THAT(ServerArguments({}), IsEmpty());
}

TEST(QuoteArguments, QuotesAndEscapesEachSoNoneCanHideAnother) {
  EXPECT_EQ(QuoteArguments({}), "no arguments");
  EXPECT_EQ(QuoteArguments({"--a", "b, c", "q\"d", "x\ny", ""}),
            R"(["--a", "b, c", "q\"d", "x\ny", ""])");
}

TEST(ArgumentsMismatch, IsEmptyWhenTheyAgree) {
  EXPECT_EQ(ArgumentsMismatch("fast", {"--sync=off"}, {"--sync=off"}), "");
  EXPECT_EQ(ArgumentsMismatch("baseline", {}, {}), "");
}

TEST(ArgumentsMismatch, NamesTheBranchAndBothLists) {
  const std::string warning =
      ArgumentsMismatch("fast", {"--sync=off"}, {"--sync=on", "--debug"});
  EXPECT_THAT(warning, HasSubstr("fast: the guest started the server with "
                                 "[\"--sync=on\", \"--debug\"], but "
                                 "perf_matrix declared [\"--sync=off\"]"));
  EXPECT_THAT(ArgumentsMismatch("fast", {"--sync=off"}, {}),
              HasSubstr("with no arguments, but perf_matrix declared "
                        "[\"--sync=off\"]"));
  // Order matters: a flag given twice is last-wins in most servers.
  EXPECT_NE(ArgumentsMismatch("b", {"--a", "--b"}, {"--b", "--a"}), "");
}

}  // namespace
}  // namespace perfcell
