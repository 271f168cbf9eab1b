#include "contract/stats/permutation.h"

#include <random>

#include "gtest/gtest.h"

namespace perfcell::stats {
namespace {

TEST(Permutation, ThreePerSideMinimumIsTenPercent) {
  PermutationResult r = PermutationTest({1, 2, 3}, {4, 5, 6});
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.relabellings, 20);
  EXPECT_DOUBLE_EQ(r.statistic, -3);
  EXPECT_NEAR(r.p_value, 0.1, 1e-12);
}

// Fisher's exact permutation test counted by hand: x = {1, 5}, y = {2, 3, 4}
// has mean difference 3 - 3 = 0, so every one of the C(5, 2) = 10
// relabellings is at least as extreme: p = 1. And x = {4, 5}, y = {1, 2, 3}:
// difference 2.5; only {4, 5} and {1, 2} (difference -2.5) reach it: p = 0.2.
TEST(Permutation, HandCountedExamples) {
  EXPECT_DOUBLE_EQ(PermutationTest({1, 5}, {2, 3, 4}).p_value, 1.0);
  EXPECT_NEAR(PermutationTest({4, 5}, {1, 2, 3}).p_value, 0.2, 1e-12);
}

TEST(Permutation, MonteCarloIsSeededAndCloseToExact) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> noise(0, 1);
  std::vector<double> x(12), y(12);
  for (double& v : x) v = 0.8 + noise(rng);
  for (double& v : y) v = noise(rng);
  PermutationOptions exact;  // C(24, 12) = 2.7M > limit: raise it.
  exact.max_exact = 3000000;
  PermutationOptions sampled;
  sampled.max_exact = 0;
  sampled.seed = 42;
  PermutationResult e = PermutationTest(x, y, exact);
  PermutationResult s1 = PermutationTest(x, y, sampled);
  PermutationResult s2 = PermutationTest(x, y, sampled);
  EXPECT_TRUE(e.exact);
  EXPECT_FALSE(s1.exact);
  EXPECT_DOUBLE_EQ(s1.p_value, s2.p_value);
  EXPECT_NEAR(s1.p_value, e.p_value, 0.01);
}

}  // namespace
}  // namespace perfcell::stats
