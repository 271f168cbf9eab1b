#include "runner/cell/cpu_split.h"

#include "gtest/gtest.h"

namespace perfcell {
namespace {

TEST(SplitCpus, TwoCoresOneEach) {
  CpuSplit s = SplitCpus({0, 1}, 1);
  EXPECT_EQ(s.server, std::vector<int>({1}));
  EXPECT_EQ(s.client, std::vector<int>({0}));
  EXPECT_FALSE(s.shared);
  EXPECT_EQ(s.note, "");
}

TEST(SplitCpus, TheClientAlwaysKeepsOne) {
  CpuSplit s = SplitCpus({0, 1, 2, 3}, 8);
  EXPECT_EQ(s.server, std::vector<int>({1, 2, 3}));
  EXPECT_EQ(s.client, std::vector<int>({0}));
  EXPECT_NE(s.note.find("8 vCPUs but only 3"), std::string::npos);
  s = SplitCpus({4, 6, 2, 7}, 2);
  EXPECT_EQ(s.server, std::vector<int>({6, 7}));
  EXPECT_EQ(s.client, std::vector<int>({2, 4}));
}

TEST(SplitCpus, OneCpuIsShared) {
  CpuSplit s = SplitCpus({3}, 1);
  EXPECT_EQ(s.server, std::vector<int>({3}));
  EXPECT_EQ(s.client, std::vector<int>({3}));
  EXPECT_TRUE(s.shared);
  EXPECT_NE(s.note.find("one CPU"), std::string::npos);
}

TEST(AvailableCpus, SeesAtLeastTheOneItRunsOn) {
  std::vector<int> cpus = AvailableCpus();
  ASSERT_FALSE(cpus.empty());
  EXPECT_TRUE(PinThisThread(cpus).ok());
}

}  // namespace
}  // namespace perfcell
