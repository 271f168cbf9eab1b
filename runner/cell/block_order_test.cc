#include "runner/cell/block_order.h"

#include <algorithm>
#include <map>
#include <set>

#include "gtest/gtest.h"

namespace perfcell {
namespace {

TEST(BlockOrders, EveryBlockRunsEveryBranchOnce) {
  std::vector<std::string> branches = {"baseline", "baseline~aa", "fast"};
  auto orders = BlockOrders(branches, 7, 42);
  ASSERT_EQ(orders.size(), 7u);
  for (auto order : orders) {
    std::sort(order.begin(), order.end());
    EXPECT_EQ(order, branches);
  }
}

TEST(BlockOrders, EachBranchFirstOncePerRound) {
  std::vector<std::string> branches = {"a", "b", "c", "d"};
  auto orders = BlockOrders(branches, 12, 7);
  for (int round = 0; round < 3; ++round) {
    std::set<std::string> firsts;
    for (int i = 0; i < 4; ++i) firsts.insert(orders[round * 4 + i][0]);
    EXPECT_EQ(firsts.size(), 4u) << "round " << round;
  }
}

TEST(BlockOrders, SameSeedSameOrdersOtherSeedOtherOrders) {
  std::vector<std::string> branches = {"a", "b", "c"};
  EXPECT_EQ(BlockOrders(branches, 10, 3), BlockOrders(branches, 10, 3));
  EXPECT_NE(BlockOrders(branches, 10, 3), BlockOrders(branches, 10, 4));
}

TEST(BlockOrders, OrdersVaryBeyondTheFirstPlace) {
  // Over many blocks every branch appears in every position.
  std::vector<std::string> branches = {"a", "b", "c"};
  std::map<std::pair<std::string, int>, int> seen;
  for (const auto& order : BlockOrders(branches, 60, 1)) {
    for (int i = 0; i < 3; ++i) ++seen[{order[i], i}];
  }
  EXPECT_EQ(seen.size(), 9u);
}

}  // namespace
}  // namespace perfcell
