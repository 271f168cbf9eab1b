#include "contract/stats/sequential.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "contract/stats/distributions.h"
#include "contract/stats/signed_rank.h"
#include "gtest/gtest.h"

namespace perfcell::stats {
namespace {

// The design: looks after every block from 4 to 40.
SequentialDesign Adaptive(double alpha = 0.05, double shape = 0.5) {
  SequentialDesign d;
  d.min_blocks = 4;
  d.max_blocks = 40;
  d.alpha = alpha;
  d.min_effect = 0.05;
  d.shape = shape;
  return d;
}

SequentialDesign SingleLookAt(int n, double alpha = 0.05) {
  SequentialDesign d = Adaptive(alpha);
  d.min_blocks = d.max_blocks = n;
  return d;
}

SequentialBoundary Boundary(const SequentialDesign& design) {
  absl::StatusOr<SequentialBoundary> b = CalibrateBoundary(design);
  EXPECT_TRUE(b.ok()) << b.status();
  return *b;
}

// Block differences for the tests (std::mt19937_64 is the same everywhere;
// its distributions may differ across standard libraries, which only moves
// simulated rates by Monte Carlo noise).
class Blocks {
 public:
  explicit Blocks(uint64_t seed) : rng_(seed) {}
  double Normal(double mean, double sd) { return mean + sd * normal_(rng_); }
  // Student t with 3 df scaled to standard deviation sd.
  double T3(double mean, double sd) {
    return mean + sd / std::sqrt(3.0) * t3_(rng_);
  }
  double Laplace(double mean, double sd) {
    const double e = exponential_(rng_) * sd / std::sqrt(2.0);
    return mean + (coin_(rng_) ? e : -e);
  }

 private:
  std::mt19937_64 rng_;
  std::normal_distribution<double> normal_;
  std::student_t_distribution<double> t3_{3.0};
  std::exponential_distribution<double> exponential_;
  std::bernoulli_distribution coin_;
};

TEST(CalibrateBoundary, RejectsInvalidDesigns) {
  SequentialDesign d = Adaptive();
  d.min_blocks = 41;
  EXPECT_FALSE(CalibrateBoundary(d).ok());
  d = Adaptive();
  d.max_blocks = kMaxSequentialBlocks + 1;
  EXPECT_FALSE(CalibrateBoundary(d).ok());
  d = Adaptive(0);
  EXPECT_FALSE(CalibrateBoundary(d).ok());
  d = Adaptive();
  d.min_effect = 0;
  EXPECT_FALSE(CalibrateBoundary(d).ok());
}

TEST(CalibrateBoundary, PocockBoundaryIsSaneAndPinned) {
  const SequentialBoundary b = Boundary(Adaptive());
  // Pinned: the calibration is seeded (splitmix64, integer ranks), so these
  // never move, on any platform.
  EXPECT_NEAR(b.critical_z, 2.5471, 1e-4);
  EXPECT_GE(b.simultaneous_level, 0.95);
  EXPECT_LE(b.simultaneous_level, 0.96);
  EXPECT_EQ(b.simulations, 100000);
  ASSERT_EQ(b.k.size(), 41u);
  const std::vector<int> expected = {
      0,  0,   0,   0,   0,   0,   0,   0,   0,   1,   3,   5,   7,  10,
      12, 16,  19,  23,  28,  32,  37,  43,  49,  55,  61,  68,  76, 83,
      92, 100, 109, 119, 128, 138, 149, 160, 171, 183, 195, 208, 221};
  EXPECT_EQ(b.k, expected);
  // 2^-n: no sign pattern of 8 blocks reaches |Z| > 2.547 (max 2.52).
  EXPECT_EQ(b.k[8], 0);
  EXPECT_EQ(b.k[9], 1);
  std::printf("Pocock 4..40: c = %.4f, simultaneous level %.4f\n  k:",
              b.critical_z, b.simultaneous_level);
  for (int n = 4; n <= 40; ++n) std::printf(" %d", b.k[n]);
  std::printf("\n");
  for (int n = 9; n <= 40; ++n) {
    EXPECT_GE(b.k[n], b.k[n - 1]) << n;  // intervals tighten with n
    // Each look alone is wider than the fixed design's.
    EXPECT_LE(b.k[n], Boundary(SingleLookAt(n)).k[n]) << n;
    EXPECT_GT(b.look_level[n], 0.98) << n;
  }
  // Deterministic: another min_effect shares the boundary.
  SequentialDesign other = Adaptive();
  other.min_effect = 0.02;
  const SequentialBoundary again = Boundary(other);
  EXPECT_EQ(again.k, b.k);
  EXPECT_EQ(again.critical_z, b.critical_z);
  EXPECT_EQ(again.design.min_effect, 0.02);
}

TEST(CalibrateBoundary, OBrienFlemingIsWideEarlyNarrowLate) {
  const SequentialBoundary pocock = Boundary(Adaptive());
  const SequentialBoundary obf = Boundary(Adaptive(0.05, 0.0));
  EXPECT_GE(obf.simultaneous_level, 0.95);
  EXPECT_LT(obf.k[15], pocock.k[15]);
  EXPECT_GT(obf.k[40], pocock.k[40]);
  // Near the fixed design at the last look (k 264 at n = 40).
  EXPECT_GE(obf.k[40], 240);
  EXPECT_LE(obf.k[40], Boundary(SingleLookAt(40)).k[40]);
}

TEST(CalibrateBoundary, SmallerAlphaGivesWiderIntervals) {
  const SequentialBoundary b05 = Boundary(Adaptive(0.05));
  const SequentialBoundary b01 = Boundary(Adaptive(0.01));
  EXPECT_GT(b01.critical_z, b05.critical_z);
  EXPECT_GE(b01.simultaneous_level, 0.99);
  for (int n = 4; n <= 40; ++n) EXPECT_LE(b01.k[n], b05.k[n]);
}

TEST(SingleLook, EqualsTheFixedExactInterval) {
  // R: qsignrank(0.025, 10) = 9, CI [W_9, W_47] at 95.1%.
  const std::vector<double> ten = {0.12, -0.35, 0.48, 0.91,  -0.07,
                                   0.66, 0.23,  1.05, -0.18, 0.39};
  const SequentialBoundary b10 = Boundary(SingleLookAt(10));
  EXPECT_EQ(b10.k[10], 9);
  EXPECT_EQ(b10.simulations, 0);
  EXPECT_NEAR(b10.look_level[10], 0.951171875, 1e-12);
  absl::StatusOr<SequentialLook> look = Look(b10, ten, true);
  ASSERT_TRUE(look.ok());
  const OneSampleEstimate fixed = HodgesLehmannOneSample(ten, 0.95);
  EXPECT_EQ(look->lo, fixed.ci_low);
  EXPECT_EQ(look->hi, fixed.ci_high);
  EXPECT_EQ(look->estimate, fixed.estimate);
  EXPECT_EQ(look->level, fixed.achieved_confidence);
  EXPECT_EQ(look->decision, SequentialLook::kInconclusive);

  Blocks blocks(7);
  for (double alpha : {0.05, 0.01}) {
    for (int n = 3; n <= 60; ++n) {
      const SequentialBoundary b = Boundary(SingleLookAt(n, alpha));
      for (int rep = 0; rep < 5; ++rep) {
        std::vector<double> d;
        for (int i = 0; i < n; ++i) d.push_back(blocks.Normal(0.02, 0.05));
        look = Look(b, d, true);
        ASSERT_TRUE(look.ok());
        const OneSampleEstimate e = HodgesLehmannOneSample(d, 1 - alpha);
        EXPECT_EQ(look->lo, e.ci_low) << n;
        EXPECT_EQ(look->hi, e.ci_high) << n;
        EXPECT_DOUBLE_EQ(look->estimate, e.estimate) << n;
        EXPECT_EQ(b.reached, e.reached) << n;
      }
    }
  }
  // n = 5 cannot reach 95%: the widest interval, at 93.75%.
  const SequentialBoundary b5 = Boundary(SingleLookAt(5));
  EXPECT_FALSE(b5.reached);
  EXPECT_EQ(b5.k[5], 1);
  EXPECT_DOUBLE_EQ(b5.look_level[5], 0.9375);
}

TEST(Look, RejectsLooksOutsideTheDesign) {
  const SequentialBoundary b = Boundary(Adaptive());
  EXPECT_FALSE(Look(b, {0.1, 0.2, 0.3}, false).ok());
  EXPECT_FALSE(Look(b, std::vector<double>(41, 0.1), false).ok());
  EXPECT_FALSE(Look(b, {0.1, 0.2, NAN, 0.3}, false).ok());
}

TEST(Look, EarlyLooksAreUnboundedAndOpen) {
  const SequentialBoundary b = Boundary(Adaptive());
  absl::StatusOr<SequentialLook> look =
      Look(b, {0.1, 0.11, 0.12, 0.13, 0.09, 0.1}, false);
  ASSERT_TRUE(look.ok());
  EXPECT_TRUE(std::isinf(look->lo));
  EXPECT_TRUE(std::isinf(look->hi));
  EXPECT_EQ(look->decision, SequentialLook::kOpen);
  EXPECT_GT(look->more_blocks_estimate, 0);
  EXPECT_STREQ(DecisionName(look->decision), "open");
}

TEST(Look, DirectionsAndThresholds) {
  const SequentialBoundary b = Boundary(Adaptive());
  Blocks blocks(11);
  std::vector<double> up, down, flat;
  for (int i = 0; i < 12; ++i) {
    up.push_back(blocks.Normal(std::log(1.2), 0.01));
    down.push_back(blocks.Normal(std::log(0.8), 0.01));
    flat.push_back(blocks.Normal(0, 0.01));
  }
  EXPECT_EQ(Look(b, up, false)->decision, SequentialLook::kFaster);
  EXPECT_EQ(Look(b, down, false)->decision, SequentialLook::kSlower);
  EXPECT_EQ(Look(b, flat, false)->decision, SequentialLook::kNoDifference);
  EXPECT_EQ(Look(b, up, false)->more_blocks_estimate, 0);
  // A change inside the zone, not yet known to be inside it, at the last
  // look: inconclusive, with an estimate of the blocks it would take.
  std::vector<double> edge;
  for (int i = 0; i < 40; ++i) edge.push_back(blocks.Normal(0.042, 0.05));
  absl::StatusOr<SequentialLook> last = Look(b, edge, false);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->decision, SequentialLook::kInconclusive);
  EXPECT_GT(last->more_blocks_estimate, 0);
  std::printf("edge: est %.4f [%.4f, %.4f], %d more blocks\n", last->estimate,
              last->lo, last->hi, last->more_blocks_estimate);
}

TEST(SequentialComparison, MatchesLookAtEveryBlock) {
  const SequentialBoundary b = Boundary(Adaptive());
  Blocks blocks(3);
  for (int rep = 0; rep < 20; ++rep) {
    SequentialComparison c(&b);
    std::vector<double> d;
    for (int n = 1; n <= 40; ++n) {
      // Rounded to create ties and zeros.
      const double x = std::round(blocks.T3(0.01, 0.05) * 100) / 100;
      d.push_back(x);
      c.AddBlock(x);
      if (n < 4) {
        EXPECT_FALSE(c.Look(false).ok());
        continue;
      }
      const absl::StatusOr<SequentialLook> a = c.Look(false);
      const absl::StatusOr<SequentialLook> e = Look(b, d, false);
      ASSERT_TRUE(a.ok() && e.ok());
      EXPECT_EQ(a->lo, e->lo);
      EXPECT_EQ(a->hi, e->hi);
      EXPECT_EQ(a->estimate, e->estimate);
      EXPECT_EQ(a->decision, e->decision);
      EXPECT_EQ(a->more_blocks_estimate, e->more_blocks_estimate);
    }
  }
}

enum class Shape { kNormal, kT3, kLaplace };

double Draw(Blocks& blocks, Shape shape, double mean, double sd) {
  switch (shape) {
    case Shape::kNormal:
      return blocks.Normal(mean, sd);
    case Shape::kT3:
      return blocks.T3(mean, sd);
    case Shape::kLaplace:
      return blocks.Laplace(mean, sd);
  }
  return 0;
}

struct AaResult {
  double wrong_decision = 0;  // faster or slower, stopping as designed
  double no_difference = 0;
  double any_look_misses = 0;  // some look 4..40 excludes the truth
};

// Cells of the design with true effect `effect`: once stopping at the first
// decided look (through the public Look), and once following every look
// (min_blocks .. max_blocks) to measure the simultaneous coverage of the
// truth.
AaResult SimulateCells(const SequentialBoundary& b, Shape shape, double effect,
                       double sd, int cells, uint64_t seed) {
  Blocks blocks(seed);
  AaResult r;
  const double upper = std::log(1 + b.design.min_effect);
  const double lower = std::log(1 - b.design.min_effect);
  for (int cell = 0; cell < cells; ++cell) {
    std::vector<double> d;
    SequentialComparison all_looks(&b);
    bool stopped = false;
    bool missed = false;
    for (int n = 1; n <= b.design.max_blocks; ++n) {
      d.push_back(Draw(blocks, shape, effect, sd));
      all_looks.AddBlock(d.back());
      if (n < b.design.min_blocks) continue;
      if (!stopped) {
        const absl::StatusOr<SequentialLook> look = Look(b, d, false);
        EXPECT_TRUE(look.ok());
        if (look->decision != SequentialLook::kOpen) {
          stopped = true;
          // A wrong direction, or "no difference" for a change that matters.
          const bool wrong =
              (look->decision == SequentialLook::kFaster && effect <= 0) ||
              (look->decision == SequentialLook::kSlower && effect >= 0) ||
              (look->decision == SequentialLook::kNoDifference &&
               (effect <= lower || effect >= upper));
          r.wrong_decision += wrong;
          r.no_difference += look->decision == SequentialLook::kNoDifference;
        }
      }
      const absl::StatusOr<SequentialLook> every = all_looks.Look(false);
      missed = missed || every->lo > effect || every->hi < effect;
    }
    r.any_look_misses += missed;
  }
  r.wrong_decision /= cells;
  r.no_difference /= cells;
  r.any_look_misses /= cells;
  return r;
}

// 10,000 A/A cells per noise shape. The rate of a false "faster"/"slower" is
// tiny (the interval must clear +-5%, not just 0), so the test also checks
// the property that guarantees it: P(some look's interval misses 0) <= 5%,
// allowing 3 Monte Carlo standard errors (0.0065).
TEST(Simulation, AaCellsKeepErrorControlUnderLookingAfterEveryBlock) {
  const SequentialBoundary b = Boundary(Adaptive());
  constexpr int kCells = 10000;
  const double tolerance = 3 * std::sqrt(0.05 * 0.95 / kCells);
  struct Case {
    Shape shape;
    double sd;
    uint64_t seed;
    const char* name;
  };
  for (const Case& c : {Case{Shape::kNormal, 0.04, 42, "normal sd 0.04"},
                        Case{Shape::kT3, 0.04, 421, "t3 sd 0.04"},
                        Case{Shape::kLaplace, 0.10, 4211, "laplace sd 0.10"}}) {
    const AaResult r = SimulateCells(b, c.shape, 0.0, c.sd, kCells, c.seed);
    std::printf(
        "A/A %s: wrong decision %.4f, no difference %.4f, some look excludes "
        "0: %.4f\n",
        c.name, r.wrong_decision, r.no_difference, r.any_look_misses);
    EXPECT_LE(r.wrong_decision, 0.05) << c.name;
    EXPECT_LE(r.any_look_misses, 0.05 + tolerance) << c.name;
    // Not grossly conservative either: the boundary spends its alpha.
    EXPECT_GE(r.any_look_misses, 0.03) << c.name;
  }
}

// A true effect inside the indifference zone (+3%) with heavy tails: never
// "slower", and coverage holds at any shift. (It is called "faster" when the
// estimate happens to reach +5% while the interval excludes no change, as a
// fixed design would; printed, not bounded.)
TEST(Simulation, EffectInsideTheZoneIsNeverCalledTheWrongWay) {
  const SequentialBoundary b = Boundary(Adaptive());
  const AaResult r =
      SimulateCells(b, Shape::kLaplace, std::log(1.03), 0.05, 10000, 43);
  const SequentialOperatingCharacteristics oc =
      SimulateDesign(b, std::log(1.03), 0.05, BlockNoise::kLaplace, 10000, 43);
  std::printf(
      "+3%% laplace sd 0.05: wrong way %.4f, faster %.4f, no difference "
      "%.4f, some look misses %.4f\n",
      r.wrong_decision, oc.faster, oc.no_difference, r.any_look_misses);
  EXPECT_LE(r.wrong_decision, 0.05);
  EXPECT_EQ(oc.slower, 0);
  EXPECT_LE(r.any_look_misses, 0.05 + 3 * std::sqrt(0.05 * 0.95 / 10000));
}

// Twice the minimum effect (+10% throughput, d shifted by log 1.10). Noise:
// sd(d) = 0.05 is a noisy machine: each run median with ~3.5% run-to-run
// spread, sqrt(2) * 0.035 = 0.05 for the log ratio of two runs. Also at twice
// that noise with heavy tails, to show where power starts to go.
TEST(Simulation, TwiceTheMinimumEffectIsDecidedTheRightWay) {
  const SequentialBoundary b = Boundary(Adaptive());
  struct Case {
    BlockNoise noise;
    double sd;
    double effect;
    double min_power;
    const char* name;
  };
  for (const Case& c :
       {Case{BlockNoise::kNormal, 0.05, std::log(1.10), 0.9,
             "+10% normal 0.05"},
        Case{BlockNoise::kStudentT3, 0.05, std::log(1.10), 0.9, "+10% t3 0.05"},
        Case{BlockNoise::kNormal, 0.05, std::log(0.90), 0.9,
             "-10% normal 0.05"},
        // Twice the noise: the cap of 40 blocks starts to bite (a fixed
        // design would need ~51 blocks for 90% here).
        Case{BlockNoise::kNormal, 0.10, std::log(1.10), 0.6,
             "+10% normal 0.10"},
        Case{BlockNoise::kStudentT3, 0.10, std::log(1.10), 0.85,
             "+10% t3 0.10"}}) {
    const SequentialOperatingCharacteristics oc =
        SimulateDesign(b, c.effect, c.sd, c.noise, 10000, 5);
    std::printf(
        "%s: faster %.4f slower %.4f none %.4f inconclusive %.4f; blocks mean "
        "%.1f median %d p90 %d\n",
        c.name, oc.faster, oc.slower, oc.no_difference, oc.inconclusive,
        oc.mean_blocks, oc.median_blocks, oc.p90_blocks);
    const double right = c.effect > 0 ? oc.faster : oc.slower;
    EXPECT_GE(right, c.min_power) << c.name;
    EXPECT_LE(c.effect > 0 ? oc.slower : oc.faster, 0.001) << c.name;
  }
}

TEST(Simulation, EquivalenceStopsEarlyWithSmallNoise) {
  const SequentialBoundary b = Boundary(Adaptive());
  for (double sd : {0.01, 0.02, 0.04, 0.06}) {
    const SequentialOperatingCharacteristics oc =
        SimulateDesign(b, 0.0, sd, BlockNoise::kNormal, 10000, 9);
    std::printf(
        "A/A sd %.2f: no difference %.4f inconclusive %.4f; blocks mean %.1f "
        "median %d p90 %d\n",
        sd, oc.no_difference, oc.inconclusive, oc.mean_blocks, oc.median_blocks,
        oc.p90_blocks);
    EXPECT_GE(oc.no_difference, 0.95);
    // With little noise: 7 is the first look whose equivalence interval
    // (1 - 2 alpha) is bounded; 40 is the cap. Without an equivalence stop
    // these cells could only end at 40.
    if (sd <= 0.02) {
      EXPECT_LE(oc.p90_blocks, 9);
    }
  }
}

// "No difference" is two one-sided claims at alpha each (TOST): with the true
// effect on the edge of the zone, it is claimed at most alpha of the time,
// from either side and for any noise.
TEST(Simulation, NoDifferenceOnTheEdgeIsRare) {
  const SequentialBoundary b = Boundary(Adaptive());
  for (double effect : {std::log(1.05), std::log(0.95)}) {
    for (double sd : {0.02, 0.05}) {
      const SequentialOperatingCharacteristics oc =
          SimulateDesign(b, effect, sd, BlockNoise::kNormal, 10000, 17);
      std::printf("edge %+.3f sd %.2f: no difference %.4f\n", effect, sd,
                  oc.no_difference);
      // alpha plus three Monte Carlo standard errors (0.0022 at 10,000).
      EXPECT_LE(oc.no_difference, 0.05 + 3 * 0.0022) << effect << " " << sd;
    }
  }
}

// The interval is wider than the fixed-n exact CI at the same n; measured on
// normal d (the mean ratio of widths over 2,000 samples per n).
TEST(Simulation, WidthFactorAgainstTheFixedDesign) {
  const SequentialBoundary seq = Boundary(Adaptive());
  Blocks blocks(17);
  for (int n : {12, 20, 30, 40}) {
    const SequentialBoundary fixed = Boundary(SingleLookAt(n));
    double ratio = 0;
    constexpr int kReps = 2000;
    for (int rep = 0; rep < kReps; ++rep) {
      std::vector<double> d;
      for (int i = 0; i < n; ++i) d.push_back(blocks.Normal(0, 0.05));
      const SequentialLook s = *Look(seq, d, false);
      const SequentialLook f = *Look(fixed, d, true);
      ratio += (s.hi - s.lo) / (f.hi - f.lo) / kReps;
    }
    std::printf("width factor at n = %d: %.3f\n", n, ratio);
    if (n >= 20) {
      EXPECT_GE(ratio, 1.3) << n;
      EXPECT_LE(ratio, 1.6) << n;
    }
  }
}

// Futility (design.futility_below = 10%): a comparison that the look at
// max_blocks would very likely leave undecided ends "inconclusive" at once.
// It decides nothing, so errors cannot grow; what it costs is a little
// power, what it saves is the blocks of hopeless comparisons.
TEST(Simulation, FutilitySavesBlocksOfHopelessComparisonsOnly) {
  struct Case {
    int max_blocks;
    double alpha;
    double effect;
    double sd;
    const char* name;
  };
  for (const Case& c : {
           // decision_cost.sh's cell: 2 comparisons, alpha split, capped at
           // the fixed design's 20 blocks; this machine's sd(d) ~0.085.
           Case{20, 0.025, std::log(0.913), 0.085, "4..20 -8.7% sd 0.085"},
           Case{20, 0.025, 0.0, 0.085, "4..20 A/A sd 0.085"},
           Case{40, 0.05, std::log(1.10), 0.05, "4..40 +10% sd 0.05"},
           Case{40, 0.05, std::log(1.10), 0.10, "4..40 +10% sd 0.10"},
           Case{40, 0.05, 0.0, 0.04, "4..40 A/A sd 0.04"},
           Case{40, 0.05, 0.0, 0.10, "4..40 A/A sd 0.10"},
           Case{40, 0.05, std::log(1.05), 0.10, "4..40 on the edge sd 0.10"},
       }) {
    SequentialDesign d = Adaptive(c.alpha);
    d.max_blocks = c.max_blocks;
    const SequentialBoundary plain = Boundary(d);
    d.futility_below = kDefaultFutility;
    const SequentialBoundary futile = Boundary(d);
    const SequentialOperatingCharacteristics a =
        SimulateDesign(plain, c.effect, c.sd, BlockNoise::kNormal, 10000, 23);
    const SequentialOperatingCharacteristics f =
        SimulateDesign(futile, c.effect, c.sd, BlockNoise::kNormal, 10000, 23);
    std::printf(
        "%s: without futility faster %.4f slower %.4f none %.4f, blocks mean "
        "%.1f p90 %d; with: faster %.4f slower %.4f none %.4f, blocks mean "
        "%.1f p90 %d\n",
        c.name, a.faster, a.slower, a.no_difference, a.mean_blocks,
        a.p90_blocks, f.faster, f.slower, f.no_difference, f.mean_blocks,
        f.p90_blocks);
    const double mc = 3 * std::sqrt(0.25 / 10000);  // 3 Monte Carlo SEs
    // Never more decisions of any kind than without it (up to MC noise),
    // so never more wrong ones.
    EXPECT_LE(f.faster, a.faster + mc) << c.name;
    EXPECT_LE(f.slower, a.slower + mc) << c.name;
    EXPECT_LE(f.no_difference, a.no_difference + mc) << c.name;
    EXPECT_LE(f.mean_blocks, a.mean_blocks + 0.1) << c.name;
    if (c.effect == std::log(1.10) && c.sd == 0.05) {
      EXPECT_GE(f.faster, 0.9) << c.name;  // twice min_effect: still decided
    }
  }
  // The hopeless case: a true change on the zone's edge with noise that 40
  // blocks cannot resolve. Without futility nearly every cell runs to the
  // cap; with it, most stop far earlier.
  SequentialDesign d = Adaptive();
  d.futility_below = kDefaultFutility;
  const SequentialOperatingCharacteristics hopeless = SimulateDesign(
      Boundary(d), std::log(1.05), 0.15, BlockNoise::kNormal, 4000, 29);
  const SequentialOperatingCharacteristics capped =
      SimulateDesign(Boundary(Adaptive()), std::log(1.05), 0.15,
                     BlockNoise::kNormal, 4000, 29);
  std::printf(
      "edge +5%% sd 0.15: blocks mean %.1f with futility, %.1f without\n",
      hopeless.mean_blocks, capped.mean_blocks);
  EXPECT_LE(hopeless.mean_blocks, 0.7 * capped.mean_blocks);
}

TEST(Simulation, FutilityMarksTheLookAndItsConditionalPower) {
  SequentialDesign d = Adaptive();
  d.futility_below = kDefaultFutility;
  const SequentialBoundary b = Boundary(d);
  Blocks blocks(31);
  // Noise that 40 blocks cannot beat, an estimate on the edge: futile at
  // the first bounded look.
  std::vector<double> noisy;
  for (int i = 0; i < 12; ++i) noisy.push_back(blocks.Normal(0.05, 0.3));
  const SequentialLook l = *Look(b, noisy, false);
  EXPECT_TRUE(l.futile);
  EXPECT_EQ(l.decision, SequentialLook::kInconclusive);
  EXPECT_LT(l.conditional_power, kDefaultFutility);
  // Quiet blocks about a clear effect: open or decided, never futile.
  std::vector<double> quiet;
  for (int i = 0; i < 9; ++i) quiet.push_back(blocks.Normal(0.08, 0.05));
  const SequentialLook q = *Look(b, quiet, false);
  EXPECT_FALSE(q.futile);
  // The last look is inconclusive by the cap, not by futility.
  std::vector<double> full = noisy;
  while (full.size() < 40) full.push_back(blocks.Normal(0.05, 0.3));
  EXPECT_FALSE(Look(b, full, true)->futile);
  // Off by default.
  EXPECT_FALSE(Look(Boundary(Adaptive()), noisy, false)->futile);
}

TEST(Planner, NormalApproximationAgreesWithSimulation) {
  const SequentialBoundary b = Boundary(Adaptive());
  // Fixed 95% design, +10%, sd 0.05, power 0.9.
  const int fixed = FixedBlocksNeeded(0.05, 0.05, 0.05, std::log(1.10), 0.9);
  const int seq = SequentialBlocksNeeded(b, 0.05, std::log(1.10), 0.9);
  std::printf("blocks for +10%%, sd 0.05, power 0.9: fixed %d, sequential %d\n",
              fixed, seq);
  EXPECT_GE(fixed, 6);
  EXPECT_GE(seq, fixed);
  const SequentialOperatingCharacteristics oc =
      SimulateDesign(b, std::log(1.10), 0.05, BlockNoise::kNormal, 4000, 1);
  std::printf("  simulated: median %d, p90 %d\n", oc.median_blocks,
              oc.p90_blocks);
  EXPECT_NEAR(seq, oc.p90_blocks, 0.4 * oc.p90_blocks);
  // At sd 0.10 it takes more blocks, and the simulation agrees.
  const int noisy = SequentialBlocksNeeded(b, 0.10, std::log(1.10), 0.9);
  const SequentialOperatingCharacteristics oc10 =
      SimulateDesign(b, std::log(1.10), 0.10, BlockNoise::kNormal, 2000, 2);
  std::printf("blocks for +10%%, sd 0.10: sequential %d, simulated p90 %d\n",
              noisy, oc10.p90_blocks);
  EXPECT_GT(noisy, seq);
  EXPECT_GE(oc10.faster, 0.9);
  EXPECT_NEAR(noisy, oc10.p90_blocks, 0.4 * oc10.p90_blocks);
  EXPECT_GE(SequentialBlocksNeeded(b, 0.07, std::log(1.10), 0.9), seq);
  // More noise, more blocks; an effect on the threshold is out of reach.
  EXPECT_GT(FixedBlocksNeeded(0.05, 0.05, 0.10, std::log(1.10), 0.9), fixed);
  EXPECT_EQ(FixedBlocksNeeded(0.05, 0.05, 0.05, std::log(1.05), 0.9), -1);
  EXPECT_EQ(SequentialBlocksNeeded(b, 0.5, std::log(1.10), 0.9), -1);
}

// ---------------------------------------------------------------------------
// kMeanT: the mean of d with Student-t repeated intervals.

SequentialDesign MeanT(int max_blocks = 40, double alpha = 0.05) {
  SequentialDesign d = Adaptive(alpha);
  d.max_blocks = max_blocks;
  d.method = SequentialMethod::kMeanT;
  return d;
}

SequentialDesign SignedRank(int max_blocks = 40, double alpha = 0.05) {
  SequentialDesign d = MeanT(max_blocks, alpha);
  d.method = SequentialMethod::kSignedRank;
  return d;
}

TEST(MeanT, NamesAndRejectsTooFewBlocks) {
  EXPECT_STREQ(SequentialMethodName(SequentialMethod::kSignedRank),
               "signed-rank");
  EXPECT_STREQ(SequentialMethodName(SequentialMethod::kMeanT), "mean-t");
  EXPECT_EQ(SequentialDesign().method, SequentialMethod::kSignedRank);
  SequentialDesign d = MeanT();
  d.min_blocks = 2;
  const absl::StatusOr<SequentialBoundary> b = CalibrateBoundary(d);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(b.status().message()).find("min_blocks"),
            std::string::npos)
      << b.status();
  d.min_blocks = d.max_blocks = 2;  // a single look at 2 blocks too
  EXPECT_FALSE(CalibrateBoundary(d).ok());
  d = MeanT();
  d.min_blocks = 3;  // 3 is the least
  EXPECT_TRUE(CalibrateBoundary(d).ok());
  // The signed-rank design still looks from 1 block.
  d = Adaptive();
  d.min_blocks = 2;
  EXPECT_TRUE(CalibrateBoundary(d).ok());
}

TEST(MeanT, CalibratedBoundaries) {
  struct Case {
    int max_blocks;
    double alpha;
  };
  for (const Case& c :
       {Case{40, 0.05}, Case{20, 0.025}, Case{40, 0.10}, Case{20, 0.05}}) {
    const auto start = std::chrono::steady_clock::now();
    const SequentialBoundary b = Boundary(MeanT(c.max_blocks, c.alpha));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    std::printf(
        "mean-t 4..%d alpha %.3f: c = %.4f, simultaneous level %.4f, "
        "calibrated in %.3f s (with its 2 alpha boundary)\n  t critical "
        "(width against the fixed-n t interval):",
        c.max_blocks, c.alpha, b.critical_z, b.simultaneous_level, seconds);
    EXPECT_EQ(b.simulations, 100000);
    EXPECT_TRUE(b.k.empty());
    EXPECT_GE(b.simultaneous_level, 1 - c.alpha);
    EXPECT_LE(b.simultaneous_level, 1 - c.alpha + 0.005);
    ASSERT_EQ(b.t_critical.size(), c.max_blocks + 1u);
    ASSERT_EQ(b.equivalence_t_critical.size(), c.max_blocks + 1u);
    for (int n = 4; n <= c.max_blocks; ++n) {
      const double fixed = StudentTQuantile(1 - c.alpha / 2, n - 1);
      if (n % 4 == 0) {
        std::printf(" %d: %.3f (%.2fx)", n, b.t_critical[n],
                    b.t_critical[n] / fixed);
      }
      EXPECT_GT(b.t_critical[n], fixed) << n;
      EXPECT_LT(b.equivalence_t_critical[n], b.t_critical[n]) << n;
      if (n > 4) {
        EXPECT_LT(b.t_critical[n], b.t_critical[n - 1]) << n;
      }
      // Pocock: the same nominal level at every look.
      EXPECT_NEAR(b.look_level[n], 1 - 2 * NormalCdf(-b.critical_z), 1e-12);
      EXPECT_NEAR(b.t_critical[n],
                  StudentTQuantile(NormalCdf(b.critical_z), n - 1), 1e-6);
    }
    std::printf("\n");
    // Seeded: pinned to the bisection's tolerance.
    if (c.max_blocks == 40 && c.alpha == 0.05) {
      EXPECT_NEAR(b.critical_z, 2.7493, 1e-4);
    }
    if (c.max_blocks == 20 && c.alpha == 0.025) {
      EXPECT_NEAR(b.critical_z, 2.9000, 1e-4);
    }
  }
  // The signed-rank boundary of the same design is untouched, and separate.
  EXPECT_NEAR(Boundary(Adaptive()).critical_z, 2.5471, 1e-4);
  // O'Brien-Fleming shape: wide early, near the fixed-n interval late.
  SequentialDesign obf = MeanT();
  obf.shape = 0;
  const SequentialBoundary o = Boundary(obf);
  const SequentialBoundary p = Boundary(MeanT());
  EXPECT_GT(o.t_critical[6], p.t_critical[6]);
  EXPECT_LT(o.t_critical[40], p.t_critical[40]);
  EXPECT_GE(o.simultaneous_level, 0.95);
}

// A single look is the fixed-n t interval at 1 - alpha.
TEST(MeanT, SingleLookIsTheFixedTInterval) {
  SequentialDesign d = MeanT();
  d.min_blocks = d.max_blocks = 6;
  const SequentialBoundary b = Boundary(d);
  EXPECT_EQ(b.simulations, 0);
  EXPECT_DOUBLE_EQ(b.look_level[6], 0.95);
  EXPECT_DOUBLE_EQ(b.t_critical[6], 2.570581835636314);  // R: qt(0.975, 5)
  const std::vector<double> x = {0.12, 0.08, 0.15, 0.02, 0.11, 0.09};
  double mean = 0;
  for (double v : x) mean += v / 6;
  double ss = 0;
  for (double v : x) ss += (v - mean) * (v - mean);
  const double h =
      StudentTQuantile(0.975, 5) * std::sqrt(ss / 5) / std::sqrt(6);
  const absl::StatusOr<SequentialLook> look = Look(b, x, true);
  ASSERT_TRUE(look.ok()) << look.status();
  EXPECT_NEAR(look->estimate, mean, 1e-15);
  EXPECT_NEAR(look->lo, mean - h, 1e-14);
  EXPECT_NEAR(look->hi, mean + h, 1e-14);
  // By hand: mean 0.095, s 0.0441588, half-width 2.570582 * 0.0441588 /
  // sqrt(6) = 0.0463418.
  EXPECT_NEAR(look->lo, 0.0486582, 1e-7);
  EXPECT_NEAR(look->hi, 0.1413418, 1e-7);
  EXPECT_DOUBLE_EQ(look->level, 0.95);
  // lo > 0 and the mean is at least log(1.05) = 0.0488: faster.
  EXPECT_EQ(look->decision, SequentialLook::kFaster);
  // The equivalence interval at 1 - 2 alpha: qt(0.95, 5).
  EXPECT_NEAR(look->equivalence_hi - look->equivalence_lo,
              2 * StudentTQuantile(0.95, 5) * std::sqrt(ss / 5) / std::sqrt(6),
              1e-14);
}

TEST(MeanT, MethodsAreParsedByTheirNames) {
  for (SequentialMethod m :
       {SequentialMethod::kMeanT, SequentialMethod::kSignedRank}) {
    EXPECT_EQ(*ParseSequentialMethod(SequentialMethodName(m)), m);
  }
  const absl::StatusOr<SequentialMethod> bad = ParseSequentialMethod("t");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "must be mean-t or signed-rank, not \"t\"");
}

TEST(MeanT, ZeroSpreadDecidesNothing) {
  const SequentialBoundary b = Boundary(MeanT());
  for (double v : {0.0, 0.1, -0.3}) {
    const std::vector<double> same(5, v);
    const absl::StatusOr<SequentialLook> look = Look(b, same, false);
    ASSERT_TRUE(look.ok());
    EXPECT_EQ(look->decision, SequentialLook::kOpen) << v;
    EXPECT_TRUE(std::isinf(look->lo) && std::isinf(look->hi)) << v;
    EXPECT_TRUE(std::isinf(look->equivalence_lo)) << v;
    EXPECT_DOUBLE_EQ(look->estimate, v);
    EXPECT_FALSE(look->futile);
    // No spread tells nothing about how many blocks would decide.
    EXPECT_EQ(look->more_blocks_estimate, -1) << v;
    EXPECT_EQ(Look(b, same, true)->decision, SequentialLook::kInconclusive);
    SequentialComparison c(&b);
    for (double x : same) c.AddBlock(x);
    EXPECT_EQ(c.Look(false)->decision, SequentialLook::kOpen) << v;
  }
  SequentialDesign futile = MeanT();
  futile.futility_below = kDefaultFutility;
  EXPECT_FALSE(Look(Boundary(futile), {0, 0, 0, 0, 0}, false)->futile);
}

TEST(MeanT, AnOpenLookEstimatesTheBlocksStillNeeded) {
  const SequentialBoundary b = Boundary(MeanT());
  // -8 % a block, sd ~0.1: open after 4 blocks; 4 x (half-width / distance to
  // the slower bound)^2 blocks in all would call it.
  const std::vector<double> d = {-0.20, 0.02, -0.15, -0.01};
  const absl::StatusOr<SequentialLook> look = Look(b, d, false);
  ASSERT_TRUE(look.ok());
  ASSERT_EQ(look->decision, SequentialLook::kOpen);
  const double half = (look->hi - look->lo) / 2;
  const double needed = std::log(0.95) - look->estimate;
  ASSERT_GT(needed, 0);  // the estimate is beyond -5 %
  const double total = std::ceil(4 * (half / needed) * (half / needed));
  EXPECT_EQ(look->more_blocks_estimate, static_cast<int>(total) - 4);
  EXPECT_GT(look->more_blocks_estimate, 0);
}

TEST(MeanT, RejectsLooksOutsideTheDesign) {
  const SequentialBoundary b = Boundary(MeanT());
  EXPECT_FALSE(Look(b, {0.1, 0.2, 0.3}, false).ok());
  EXPECT_FALSE(Look(b, std::vector<double>(41, 0.1), false).ok());
  EXPECT_FALSE(Look(b, {0.1, 0.2, NAN, 0.3}, false).ok());
  SequentialComparison c(&b);
  for (double x : {0.1, 0.2, double{INFINITY}, 0.3}) c.AddBlock(x);
  EXPECT_FALSE(c.Look(false).ok());
}

TEST(MeanT, ComparisonMatchesLookAtEveryBlock) {
  SequentialDesign design = MeanT();
  design.futility_below = kDefaultFutility;
  const SequentialBoundary b = Boundary(design);
  Blocks blocks(3);
  int decided = 0, futile = 0;
  for (int rep = 0; rep < 40; ++rep) {
    SequentialComparison c(&b);
    std::vector<double> d;
    const double effect = (rep % 4 - 1.5) * 0.04;
    for (int n = 1; n <= 40; ++n) {
      // Rounded to create ties and zeros.
      const double x = std::round(blocks.T3(effect, 0.08) * 100) / 100;
      d.push_back(x);
      c.AddBlock(x);
      if (n < 4) {
        EXPECT_FALSE(c.Look(false).ok());
        continue;
      }
      const absl::StatusOr<SequentialLook> a = c.Look(n == 40);
      const absl::StatusOr<SequentialLook> e = Look(b, d, n == 40);
      ASSERT_TRUE(a.ok() && e.ok());
      EXPECT_EQ(a->lo, e->lo);
      EXPECT_EQ(a->hi, e->hi);
      EXPECT_EQ(a->equivalence_lo, e->equivalence_lo);
      EXPECT_EQ(a->equivalence_hi, e->equivalence_hi);
      EXPECT_EQ(a->estimate, e->estimate);
      EXPECT_EQ(a->decision, e->decision);
      EXPECT_EQ(a->more_blocks_estimate, e->more_blocks_estimate);
      EXPECT_EQ(a->conditional_power, e->conditional_power);
      EXPECT_EQ(a->futile, e->futile);
      EXPECT_EQ(a->level, e->level);
      decided += e->decision != SequentialLook::kOpen && !e->futile;
      futile += e->futile;
    }
  }
  EXPECT_GT(decided, 0);
  EXPECT_GT(futile, 0);
}

// A/A under looks after every block, for the design and for the
// cell of two comparisons (alpha split) capped at 20 blocks; normal and
// symmetric heavy-tailed noise. The t interval is calibrated for normal d
// and conservative for symmetric heavy tails; the bound asserted is the one
// that guarantees the error rates: P(some look's interval excludes 0) <=
// alpha, up to 3 Monte Carlo standard errors.
TEST(MeanTSimulation, AaCellsKeepErrorControlUnderLookingAfterEveryBlock) {
  constexpr int kCells = 10000;
  struct Case {
    Shape shape;
    const char* name;
  };
  uint64_t seed = 100;
  for (const SequentialDesign& design : {MeanT(40, 0.05), MeanT(20, 0.025)}) {
    const SequentialBoundary b = Boundary(design);
    const double alpha = design.alpha;
    const double tolerance = 3 * std::sqrt(alpha * (1 - alpha) / kCells);
    for (const Case& c :
         {Case{Shape::kNormal, "normal"}, Case{Shape::kT3, "t3"},
          Case{Shape::kLaplace, "laplace"}}) {
      for (double sd : {0.04, 0.10}) {
        const AaResult r = SimulateCells(b, c.shape, 0.0, sd, kCells, ++seed);
        std::printf(
            "mean-t 4..%d alpha %.3f A/A %s sd %.2f: faster/slower %.4f, no "
            "difference %.4f, some look excludes 0: %.4f\n",
            design.max_blocks, alpha, c.name, sd, r.wrong_decision,
            r.no_difference, r.any_look_misses);
        EXPECT_LE(r.wrong_decision, 0.05) << c.name << " " << sd;
        EXPECT_LE(r.any_look_misses, alpha + tolerance) << c.name << " " << sd;
        if (c.shape == Shape::kNormal) {
          // Not grossly conservative where it is calibrated.
          EXPECT_GE(r.any_look_misses, alpha - tolerance) << sd;
        }
      }
    }
  }
}

// Twice the minimum effect (+-10%), each method on the same cells.
TEST(MeanTSimulation, TwiceTheMinimumEffectIsDecidedTheRightWay) {
  const SequentialBoundary t = Boundary(MeanT());
  const SequentialBoundary r = Boundary(SignedRank());
  struct Case {
    BlockNoise noise;
    const char* name;
  };
  for (double effect : {std::log(1.10), std::log(0.90)}) {
    for (double sd : {0.05, 0.10}) {
      for (const Case& c : {Case{BlockNoise::kNormal, "normal"},
                            Case{BlockNoise::kStudentT3, "t3"}}) {
        const SequentialOperatingCharacteristics mt =
            SimulateDesign(t, effect, sd, c.noise, 10000, 5);
        const SequentialOperatingCharacteristics sr =
            SimulateDesign(r, effect, sd, c.noise, 10000, 5);
        const double right = effect > 0 ? mt.faster : mt.slower;
        const double wrong = effect > 0 ? mt.slower : mt.faster;
        std::printf(
            "%+.0f%% %s sd %.2f: mean-t right %.4f wrong %.4f, blocks mean "
            "%.1f median %d p90 %d; signed-rank right %.4f, blocks mean %.1f "
            "median %d p90 %d\n",
            100 * std::expm1(effect), c.name, sd, right, wrong, mt.mean_blocks,
            mt.median_blocks, mt.p90_blocks, effect > 0 ? sr.faster : sr.slower,
            sr.mean_blocks, sr.median_blocks, sr.p90_blocks);
        EXPECT_GE(right, 0.9) << c.name << " " << sd << " " << effect;
        EXPECT_LE(wrong, 0.05) << c.name << " " << sd << " " << effect;
      }
    }
  }
}

// The floor this method removes: a signed-rank (or any sign-symmetry)
// interval cannot exclude 0 before 2 / 2^n < the look's level, so even a
// +40% change with little noise waits ~10 blocks; the t interval decides it
// at the first looks.
TEST(MeanTSimulation, LargeEffectIsDecidedAtTheFirstLooks) {
  const SequentialBoundary t = Boundary(MeanT(20, 0.025));
  const SequentialBoundary r = Boundary(SignedRank(20, 0.025));
  const SequentialOperatingCharacteristics mt =
      SimulateDesign(t, std::log(1.40), 0.05, BlockNoise::kNormal, 10000, 8);
  const SequentialOperatingCharacteristics sr =
      SimulateDesign(r, std::log(1.40), 0.05, BlockNoise::kNormal, 10000, 8);
  std::printf(
      "+40%% normal sd 0.05, 4..20 alpha 0.025: mean-t faster %.4f, blocks "
      "mean %.1f median %d p90 %d; signed-rank faster %.4f, blocks mean %.1f "
      "median %d p90 %d\n",
      mt.faster, mt.mean_blocks, mt.median_blocks, mt.p90_blocks, sr.faster,
      sr.mean_blocks, sr.median_blocks, sr.p90_blocks);
  EXPECT_GE(mt.faster, 0.99);
  EXPECT_LT(mt.mean_blocks, 6);
  EXPECT_GE(sr.mean_blocks, 9);
  // Structural, not simulated: no signed-rank interval is bounded before
  // block 9 here (8 positive signs give |Z| = 2.52 < c).
  EXPECT_EQ(r.k[8], 0);
}

// TOST under kMeanT: with the true change on the zone's edge, "no
// difference" at most alpha of the time.
TEST(MeanTSimulation, NoDifferenceOnTheEdgeIsRare) {
  const SequentialBoundary b = Boundary(MeanT());
  for (double effect : {std::log(1.05), std::log(0.95)}) {
    for (double sd : {0.02, 0.05}) {
      const SequentialOperatingCharacteristics oc =
          SimulateDesign(b, effect, sd, BlockNoise::kNormal, 10000, 17);
      std::printf("mean-t edge %+.3f sd %.2f: no difference %.4f\n", effect, sd,
                  oc.no_difference);
      EXPECT_LE(oc.no_difference, 0.05 + 3 * 0.0022) << effect << " " << sd;
    }
  }
  // A/A: "no difference" is reached, and sooner than with signed ranks.
  for (double sd : {0.02, 0.04}) {
    const SequentialOperatingCharacteristics mt =
        SimulateDesign(b, 0.0, sd, BlockNoise::kNormal, 4000, 9);
    const SequentialOperatingCharacteristics sr = SimulateDesign(
        Boundary(SignedRank()), 0.0, sd, BlockNoise::kNormal, 4000, 9);
    std::printf(
        "A/A sd %.2f: no difference mean-t %.4f at mean %.1f blocks, "
        "signed-rank %.4f at %.1f\n",
        sd, mt.no_difference, mt.mean_blocks, sr.no_difference, sr.mean_blocks);
    EXPECT_GE(mt.no_difference, 0.95);
  }
}

TEST(MeanTSimulation, FutilityAndPlanner) {
  SequentialDesign d = MeanT();
  d.futility_below = kDefaultFutility;
  const SequentialOperatingCharacteristics hopeless = SimulateDesign(
      Boundary(d), std::log(1.05), 0.15, BlockNoise::kNormal, 4000, 29);
  const SequentialOperatingCharacteristics capped = SimulateDesign(
      Boundary(MeanT()), std::log(1.05), 0.15, BlockNoise::kNormal, 4000, 29);
  std::printf(
      "mean-t edge +5%% sd 0.15: blocks mean %.1f with futility, %.1f "
      "without\n",
      hopeless.mean_blocks, capped.mean_blocks);
  EXPECT_LE(hopeless.mean_blocks, 0.7 * capped.mean_blocks);
  // The planner's normal approximation against the simulation.
  const SequentialBoundary b = Boundary(MeanT());
  for (double sd : {0.05, 0.10}) {
    const int planned = SequentialBlocksNeeded(b, sd, std::log(1.10), 0.9);
    const SequentialOperatingCharacteristics oc =
        SimulateDesign(b, std::log(1.10), sd, BlockNoise::kNormal, 4000, 2);
    std::printf("mean-t +10%% sd %.2f: planned %d, simulated p90 %d\n", sd,
                planned, oc.p90_blocks);
    EXPECT_NEAR(planned, oc.p90_blocks, 0.4 * oc.p90_blocks + 1) << sd;
  }
  EXPECT_EQ(SequentialBlocksNeeded(b, 0.5, std::log(1.10), 0.9), -1);
}

// The design perf_matrix ships (mean-t, futility 10 %) on decision_cost.sh's
// cell: 4..20 blocks, alpha 0.05 split over two comparisons, a -9.5 % branch
// and an identical one, at the block sd seen there (0.07-0.085). Futility
// is judged on predictive power: on conditional power it fired on three
// blocks' estimate and spread and lost a sixth of the real slowdowns.
TEST(MeanTSimulation, FutilityKeepsThePowerOfTheShippedDesign) {
  SequentialDesign d = MeanT();
  d.max_blocks = 20;
  d.alpha = 0.025;
  d.futility_below = kDefaultFutility;
  const SequentialBoundary b = Boundary(d);
  SequentialDesign no_futility = d;
  no_futility.futility_below = 0;
  const SequentialBoundary capped = Boundary(no_futility);
  for (double sd : {0.072, 0.085}) {
    const SequentialOperatingCharacteristics slow =
        SimulateDesign(b, std::log(0.905), sd, BlockNoise::kNormal, 10000, 31);
    const SequentialOperatingCharacteristics slow_capped = SimulateDesign(
        capped, std::log(0.905), sd, BlockNoise::kNormal, 10000, 31);
    const SequentialOperatingCharacteristics same =
        SimulateDesign(b, 0, sd, BlockNoise::kNormal, 10000, 37);
    std::printf(
        "mean-t 4..20 alpha 0.025 futility 10%% sd %.3f: -9.5%% slower %.4f "
        "(without futility %.4f) at mean %.1f blocks; A/A faster/slower "
        "%.4f, no difference %.4f, mean %.1f blocks\n",
        sd, slow.slower, slow_capped.slower, slow.mean_blocks,
        same.faster + same.slower, same.no_difference, same.mean_blocks);
    EXPECT_GE(slow.slower, 0.9) << sd;
    EXPECT_GE(slow.slower, slow_capped.slower - 0.05) << sd;
    EXPECT_EQ(slow.faster, 0) << sd;
    EXPECT_LE(same.faster + same.slower, 0.05) << sd;
    EXPECT_LE(same.mean_blocks, 10) << sd;
  }
}

}  // namespace
}  // namespace perfcell::stats
