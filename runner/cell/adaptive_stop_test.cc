#include "runner/cell/adaptive_stop.h"

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace perfcell {
namespace {

Design AdaptiveDesign() {
  Design d;
  d.set_mode(Design::INTERLEAVED);
  d.set_stop(Design::ADAPTIVE);
  d.set_min_blocks(4);
  d.set_max_blocks(40);
  d.set_alpha(0.05);
  d.set_min_effect(0.05);
  d.set_baseline("baseline");
  return d;
}

TEST(AdaptiveStop, ClearSlowdownAndIdenticalCopyAreDecidedEarly) {
  absl::StatusOr<AdaptiveStop> stop =
      AdaptiveStop::Make(AdaptiveDesign(), {"slow", "baseline~aa"});
  ASSERT_TRUE(stop.ok()) << stop.status();
  std::mt19937_64 rng(3);
  std::normal_distribution<double> machine(0, 0.2), run(0, 0.01);
  while (!stop->AllDecided() && stop->blocks() < 40) {
    // A machine that changes a lot between blocks, alike for all branches.
    double m = std::exp(machine(rng));
    ASSERT_TRUE(stop->AddBlock({{"baseline", 100 * m * std::exp(run(rng))},
                                {"baseline~aa", 100 * m * std::exp(run(rng))},
                                {"slow", 80 * m * std::exp(run(rng))}})
                    .ok());
  }
  EXPECT_TRUE(stop->AllDecided());
  EXPECT_FALSE(stop->AnyFutile());
  EXPECT_LT(stop->blocks(), 40);
  std::string line = stop->Line();
  // About -20 %, the slowdown built in.
  EXPECT_TRUE(line.find("slow -19.") != std::string::npos ||
              line.find("slow -20.") != std::string::npos)
      << line;
  EXPECT_NE(line.find("slower (decided at block"), std::string::npos) << line;
  EXPECT_NE(line.find("baseline~aa"), std::string::npos) << line;
  EXPECT_NE(line.find("no difference (decided at block"), std::string::npos)
      << line;
  EXPECT_NE(stop->Summary("every comparison decided")
                .find("adaptive: every comparison decided after"),
            std::string::npos);
}

// The method perf_matrix ships: a -20 % branch on quiet runs is called at
// the first blocks where a t interval can, long before block 9, the first
// where any signed-rank interval at alpha 0.025 is bounded.
TEST(AdaptiveStop, MeanTCallsAClearSlowdownWithinAFewBlocks) {
  Design mean_t = AdaptiveDesign();
  mean_t.set_method(Design::MEAN_T);
  absl::StatusOr<AdaptiveStop> fast =
      AdaptiveStop::Make(mean_t, {"slow", "baseline~aa"});
  absl::StatusOr<AdaptiveStop> signed_rank =
      AdaptiveStop::Make(AdaptiveDesign(), {"slow", "baseline~aa"});
  ASSERT_TRUE(fast.ok()) << fast.status();
  ASSERT_TRUE(signed_rank.ok()) << signed_rank.status();
  std::mt19937_64 rng(5);
  std::normal_distribution<double> run(0, 0.01);
  int fast_blocks = 0, signed_rank_blocks = 0;
  for (int block = 1; block <= 40; ++block) {
    const std::map<std::string, double> values = {
        {"baseline", 100 * std::exp(run(rng))},
        {"baseline~aa", 100 * std::exp(run(rng))},
        {"slow", 80 * std::exp(run(rng))}};
    if (!fast->AllDecided()) {
      ASSERT_TRUE(fast->AddBlock(values).ok());
      fast_blocks = block;
    }
    if (!signed_rank->AllDecided()) {
      ASSERT_TRUE(signed_rank->AddBlock(values).ok());
      signed_rank_blocks = block;
    }
  }
  EXPECT_TRUE(fast->AllDecided());
  EXPECT_TRUE(signed_rank->AllDecided()) << signed_rank->Line();
  EXPECT_LE(fast_blocks, 6) << fast->Line();
  EXPECT_GE(signed_rank_blocks, 9) << signed_rank->Line();
  EXPECT_LT(signed_rank_blocks, 40) << signed_rank->Line();
  EXPECT_NE(fast->Line().find("slower (decided at block"), std::string::npos)
      << fast->Line();
}

TEST(AdaptiveStop, NoLookBeforeMinBlocks) {
  absl::StatusOr<AdaptiveStop> stop =
      AdaptiveStop::Make(AdaptiveDesign(), {"b"});
  ASSERT_TRUE(stop.ok());
  ASSERT_TRUE(stop->AddBlock({{"baseline", 100}, {"b", 50}}).ok());
  EXPECT_FALSE(stop->AllDecided());
  EXPECT_NE(stop->Line().find("first look after block 4"), std::string::npos)
      << stop->Line();
}

TEST(AdaptiveStop, NoisyCopyEndsInconclusiveAtTheCap) {
  Design d = AdaptiveDesign();
  d.set_max_blocks(8);
  absl::StatusOr<AdaptiveStop> stop = AdaptiveStop::Make(d, {"b"});
  ASSERT_TRUE(stop.ok());
  std::mt19937_64 rng(5);
  std::normal_distribution<double> run(0, 0.3);
  for (int i = 0; i < 8; ++i) {
    ASSERT_TRUE(stop->AddBlock({{"baseline", 100 * std::exp(run(rng))},
                                {"b", 100 * std::exp(run(rng))}})
                    .ok());
  }
  EXPECT_FALSE(stop->AllDecided());
  EXPECT_NE(stop->Summary("max_blocks 8 reached").find("b inconclusive"),
            std::string::npos)
      << stop->Summary("max_blocks 8 reached");
}

// Noise that 40 blocks cannot resolve, with futility on: the comparison
// stops as inconclusive long before the cap, says why, and the cell is done;
// with futility off (0) it stays open.
TEST(AdaptiveStop, HopelessComparisonStopsEarlyAsFutile) {
  for (double futility : {0.1, 0.0}) {
    Design d = AdaptiveDesign();
    d.set_futility(futility);
    absl::StatusOr<AdaptiveStop> stop = AdaptiveStop::Make(d, {"b"});
    ASSERT_TRUE(stop.ok());
    std::mt19937_64 rng(11);
    std::normal_distribution<double> run(0, 0.25);
    while (!stop->AllDecided() && stop->blocks() < 20) {
      ASSERT_TRUE(stop->AddBlock({{"baseline", 100 * std::exp(run(rng))},
                                  {"b", 105 * std::exp(run(rng))}})
                      .ok());
    }
    if (futility > 0) {
      EXPECT_TRUE(stop->AllDecided());
      EXPECT_TRUE(stop->AnyFutile());
      EXPECT_LT(stop->blocks(), 20);
      EXPECT_NE(stop->Line().find("inconclusive (futile at block"),
                std::string::npos)
          << stop->Line();
      const std::string summary = stop->Summary("every comparison decided");
      EXPECT_NE(summary.find("of no difference by block 40"), std::string::npos)
          << summary;
    } else {
      EXPECT_FALSE(stop->AllDecided());
    }
  }
}

TEST(AdaptiveStop, LooksBeforeTheDesignCanBoundSaySo) {
  absl::StatusOr<AdaptiveStop> stop =
      AdaptiveStop::Make(AdaptiveDesign(), {"b"});
  ASSERT_TRUE(stop.ok());
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(stop->AddBlock({{"baseline", 100}, {"b", 90.0 + i}}).ok());
  }
  EXPECT_NE(stop->Line().find("b -8.5 % [no bound yet] open"),
            std::string::npos)
      << stop->Line();
}

// A settled comparison's branch leaves the cell: it is no longer among the
// open branches, and later blocks without it are taken.
TEST(AdaptiveStop, SettledBranchLeavesAndLaterBlocksNeedNotHaveIt) {
  Design design = AdaptiveDesign();
  design.set_method(Design::MEAN_T);
  absl::StatusOr<AdaptiveStop> stop =
      AdaptiveStop::Make(design, {"slow", "baseline~aa"});
  ASSERT_TRUE(stop.ok()) << stop.status();
  EXPECT_EQ(stop->OpenBranches(),
            (std::vector<std::string>{"slow", "baseline~aa"}));
  std::mt19937_64 rng(7);
  std::normal_distribution<double> quiet(0, 0.005), noisy(0, 0.05);
  while (stop->OpenBranches().size() == 2 && stop->blocks() < 40) {
    ASSERT_TRUE(stop->AddBlock({{"baseline", 100 * std::exp(quiet(rng))},
                                {"baseline~aa", 100 * std::exp(noisy(rng))},
                                {"slow", 50 * std::exp(quiet(rng))}})
                    .ok());
  }
  ASSERT_EQ(stop->OpenBranches(), std::vector<std::string>{"baseline~aa"});
  const int slow_at = stop->blocks();
  EXPECT_EQ(slow_at, 4);  // -50 % on quiet runs: the first look
  // What the line says of slow: "slow -49.8 % [...] slower (decided ...)".
  auto slow_part = [](const std::string& line) {
    const size_t from = line.find("slow ");
    return line.substr(from, line.find(';', from) - from);
  };
  const std::string decided = slow_part(stop->Line());
  EXPECT_NE(
      decided.find(absl::StrCat("slower (decided at block ", slow_at, ")")),
      std::string::npos)
      << decided;
  // The baseline and the copy only, from now on; slow's line stays as it
  // was decided.
  ASSERT_TRUE(stop->AddBlock({{"baseline", 100}, {"baseline~aa", 101}}).ok());
  EXPECT_EQ(slow_part(stop->Line()), decided);
  // The copy is still open and still needs its value.
  EXPECT_FALSE(stop->AddBlock({{"baseline", 100}}).ok());
}

TEST(AdaptiveStop, MissingBranchIsAnError) {
  absl::StatusOr<AdaptiveStop> stop =
      AdaptiveStop::Make(AdaptiveDesign(), {"b"});
  ASSERT_TRUE(stop.ok());
  EXPECT_FALSE(stop->AddBlock({{"baseline", 100}}).ok());
  EXPECT_FALSE(AdaptiveStop::Make(AdaptiveDesign(), {}).ok());
}

}  // namespace
}  // namespace perfcell
