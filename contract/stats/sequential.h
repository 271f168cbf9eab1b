// Adaptive stopping for interleaved cells: a group-sequential design whose
// intervals stay valid when the cell looks after every block. Two methods
// (SequentialDesign::method): signed-rank repeated intervals about the
// Hodges-Lehmann estimate (the default, described first) and Student-t
// repeated intervals about the mean of d (kMeanT, described after it).
//
// Per block and candidate branch, d = log(candidate run value / baseline
// run value) of throughput (a run's geometric mean or median,
// contract/design.h) (d > 0: the candidate is faster). After each
// block n = min_blocks .. max_blocks the cell calls Look() on the d's so far
// and stops once every comparison is decided:
//
//   faster         lo > 0 and estimate >= log(1 + min_effect)
//   slower         hi < 0 and estimate <= log(1 - min_effect)
//   no difference  log(1 - min_effect) < lo' and hi' < log(1 + min_effect)
//   open           anything else; "inconclusive" at the last look.
//
// Faster/slower is the fixed design's verdict rule (analysis/verdict.h: the
// interval excludes no change and the estimated change is at least
// min_effect), so a fixed and an adaptive cell of the same branches mean the
// same by "slower"; the repeated interval keeps the wrong-direction rate at
// most alpha however often the cell looks. (Requiring the whole interval
// beyond min_effect, the first design, made a true -9% take 40 blocks where
// 20 fixed blocks called it: examples/calibration/decision_cost.sh.)
//
// [lo, hi] is the repeated interval at level 1 - alpha; [lo', hi'] the one
// at 1 - 2 alpha (inside it): "no difference" is the two one-sided claims
// "not faster by min_effect" and "not slower by min_effect", each wrong with
// probability <= alpha, as in the two one-sided tests of equivalence
// (Schuirmann, J. Pharmacokin. Biopharm. 15 (1987) 657-680; Jennison &
// Turnbull 2000, ch. 6, for the group-sequential form). A wrong "faster" or
// "slower" (the wrong direction) still needs the 1 - alpha interval to miss.
//
//   SequentialDesign design;  // 4..40 blocks, alpha 0.05, min_effect 0.05
//   absl::StatusOr<SequentialBoundary> boundary = CalibrateBoundary(design);
//   // boundary->critical_z 2.547; k[8] == 0, k[9] == 1, k[20] == 37 ...
//   std::vector<double> d;  // one per finished block
//   ...
//   absl::StatusOr<SequentialLook> look =
//       Look(*boundary, d, /*last_look=*/d.size() == 40);
//   if (look->decision != SequentialLook::kOpen) StopThisComparison();
//
// Method: repeated confidence intervals (Jennison & Turnbull, JRSS B 51
// (1989) 305-361; "Group Sequential Methods", 2000, ch. 9) from the
// Wilcoxon signed-rank statistic with a Wang-Tsiatis boundary (Wang &
// Tsiatis, Biometrics 43 (1987) 193-199; shape 0.5 = Pocock 1977, shape 0 =
// O'Brien & Fleming 1979). If the d_i are independent and symmetric about
// delta with a continuous distribution, the signs of d_i - delta are fair
// coins independent of the magnitudes, so the whole sequence of signed-rank
// sums V_1, V_2, ..., V_max of (d - delta) has one joint distribution that
// depends on nothing unknown. Z_n = (V_n - n(n+1)/4) / sqrt(n(n+1)(2n+1)/24);
// the design rejects delta at look n when |Z_n| > c (n / max)^(shape - 1/2).
// c is calibrated once per design by a seeded Monte Carlo of that joint
// distribution (100,000 sequences, 64-bit random magnitudes and signs), as the
// (K+1)-th largest of the per-sequence max over looks of |Z_n| / shape_n, with
// K = alpha N minus 2.33 binomial standard errors: P(some look rejects the
// true delta) <= alpha with ~99% confidence over the Monte Carlo (the
// in-sample estimate is `simultaneous_level`; picking c from the same sample
// flatters it by ~0.001, which the margin absorbs). Rejection is strict (ties
// with c accept), and since V_n is an integer the set of delta accepted at look
// n is [W_(k_n), W_(M - k_n + 1)] of the M = n(n+1)/2 sorted Walsh averages,
// k_n = ceil(n(n+1)/4 - c shape_n sd_n). k_n = 0 (early looks, where no
// sign pattern is extreme enough) gives (-inf, +inf). Since every look's
// interval covers delta simultaneously with probability >= 1 - alpha, every
// decision taken at any look (including an early stop for an external
// reason) is wrong with probability <= alpha; this holds for any stopping
// rule within looks min_blocks .. max_blocks, not beyond max_blocks.
// Ties and zeros in d are kept (unlike R, which drops zeros): breaking them
// by a tiny symmetric jitter can only move Walsh averages off delta, so the
// closed interval stays conservative for discrete data.
// A single look (min_blocks == max_blocks) is the fixed design: k from the
// exact null distribution (R's qsignrank), the interval equal to
// HodgesLehmannOneSample's for d without zeros (checked for n = 3..60).
//
// Futility (design.futility_below > 0): at a look with a bounded interval,
// an open comparison ends kInconclusive with `futile` set when its
// conditional power (the chance that the look at max_blocks decides, if the
// estimate and the sample sd of d so far held; see ConditionalPower in the
// .cc) is below the threshold for faster/slower and below 50% for 'no
// difference' (stochastic curtailment: Lan, Simon &
// Halperin 1982; non-binding futility, Jennison & Turnbull 2000, ch. 10).
// It only ever ends a comparison without a decision, so every error bound
// here holds unchanged; the simulations in sequential_test.cc measure what
// it costs in power and saves in blocks.
//
// Why this and not an anytime-valid confidence sequence: the cap is known in
// advance (max_blocks), so a boundary spent over exactly these looks is
// narrower than one valid forever. A normal-mixture CS (Howard et al., Ann.
// Statist. 2021) needs a known sub-Gaussian scale or clipped d and is
// ~1.5x wider than fixed-n; a sign-test CS (Howard & Ramdas, Bernoulli 2022)
// is distribution-free without symmetry but the sign test's efficiency is
// 2/pi against the signed rank's 3/pi on normal data (~1.5x more blocks).
// The cost of symmetry: for A/A it holds exactly (branch order randomized
// within the block makes d and -d equally likely); for real effects it is
// the location-shift model that the fixed-n Hodges-Lehmann CI assumes too.
//
// Measured for the design (looks after every block 4..40, alpha
// 0.05, min_effect 0.05, Pocock; sequential_test.cc prints these):
// - c = 2.547 against 1.96 fixed. Nothing can be decided before block 9
//   (all 8 signs positive give only |Z| = 2.52); k[9] = 1.
// - Simultaneous level: 0.9524 in the calibration sample; an independent
//   1,000,000-sequence check (run once, outside the test) gives P(some look
//   misses) = 0.0486.
// - Width at the same n against the fixed-n exact 95% CI (normal d, mean
//   ratio): 1.46x at n = 12, 1.39x at 20, 1.36x at 30, 1.34x at 40.
// - A/A, 10,000 cells each, stopping as designed: "faster"/"slower" 0.00%
//   (normal sd 0.04), 0.02% (t3 sd 0.04), 1.93% (Laplace sd 0.10); some
//   look's interval excluding 0 when following all 37 looks: 4.97%, 4.74%,
//   4.75% (Monte Carlo SE 0.22%; the exact rate is the same for every shape).
//   A true +3% (inside the zone), Laplace sd 0.05: never "slower"; "faster"
//   10.9% (its estimate reached +5%), "no difference" 73.5%.
// - +10% (2x min_effect), normal sd(d) 0.05: faster 100%, blocks mean 9.3,
//   median 9, p90 10; t3 sd 0.05: 100%, mean 9.4; -10%: slower 100%,
//   mean 9.2. Never the wrong direction. sd 0.10 normal: 99.8%, mean 13.5,
//   p90 20; t3: 100%, mean 11.5.
// - A/A sd 0.02: "no difference" in 100% at a mean of 7.1 blocks; sd 0.04:
//   mean 10.2; sd 0.06: 99.1% at mean 16.9 (on the 1 - alpha interval, as
//   before TOST: 9.1, 12.2, 19.9). True change on the edge of the zone
//   (+-5%), sd 0.02 and 0.05: "no difference" 4.5-5.0% (MC SE 0.2%).
// Shape: Pocock (0.5) minimizes blocks run in these cases; O'Brien-Fleming
// (0) needs ~4-7 more blocks on average but keeps more power at the cap
// (77% vs 66% at sd 0.10). The default is Pocock ("least machine time").
// Multiple candidates in one cell: alpha is per comparison; divide it by the
// number of comparisons (Bonferroni) for a familywise guarantee.
//
// kMeanT: the mean of d with Student-t repeated intervals.
// Why: no test that uses only the symmetry of d about delta (signed rank,
// sign, permutation of signs) can give p below 2 / 2^n after n blocks, so its
// intervals are unbounded until 2 / 2^n drops under the look's level. With
// alpha split over 2 comparisons and looks 4..20, nothing is decided before
// block 9, however large and clean the change: a +40% change at sd(d) 0.05
// takes 9 blocks every time. A t interval has no such floor. The model fits:
// each run statistic is an average over many requests, so block log-ratios
// are close to normal; and when they are not, but symmetric with heavier
// tails, the t interval covers more often than nominal (measured below).
// Method: the same repeated-interval construction (Jennison & Turnbull, JRSS
// B 51 (1989) 305-361; "Group Sequential Methods", 2000, ch. 9, where the
// variance is unknown and estimated at each look). At look n,
// T_n = (mean_n - delta) / (s_n / sqrt(n)) with n - 1 df is mapped to the
// normal scale by its own CDF, Z_n = Phi^-1(F_{t,n-1}(T_n)), and delta is
// rejected when |Z_n| > c (n / max)^(shape - 1/2) -- the same Wang-Tsiatis
// family as above. So the interval at look n is mean_n +- q_n s_n / sqrt(n),
// q_n = F_{t,n-1}^-1(Phi(c shape_n)) (SequentialBoundary::t_critical). The
// joint law of the T_n under normal d depends on nothing unknown; mapping
// each to the normal scale is the standard approximation that lets a
// boundary for known variance carry over (Jennison & Turnbull 2000, ch. 9).
// Here c is not taken from known-variance tables but calibrated by a seeded
// Monte Carlo of 100,000 normal sequences with the same (K+1)-th largest rule
// and binomial margin as the signed-rank c (to 1e-9, by bisection on the
// per-look critical values). The 1 - 2 alpha interval for "no difference" has
// its own c. A single look is the fixed-n t interval at 1 - alpha. The decision
// rules and the planner are the signed-rank ones with the mean for the
// estimate (sd noise / sqrt(n), no 3/pi). Futility uses q_max and the sample
// sd, but predictive power instead of conditional power (the true effect
// uncertain about the estimate, Spiegelhalter, Freedman & Blackburn,
// Controlled Clin. Trials 7 (1986) 8-17): mean-t looks from block 3 or 4
// on, and conditional power on so few blocks stopped one real -9.5% change
// in six as futile (4..20 at 0.025, sd 0.085: slower 84%; predictive: 94%,
// without futility 97%; A/A then stops at a mean of 6.8 blocks). All d equal (s
// = 0) bounds nothing: the look stays open (inconclusive at the last).
// min_blocks >= 3. The price: it assumes symmetric or near-normal d. For A/A
// symmetry holds exactly; a strongly skewed d would make one tail of a t
// interval liberal.
//
// Measured (sequential_test.cc prints these):
// - c = 2.749 for looks 4..40 at alpha 0.05 (2.461 at 2 alpha, for "no
//   difference"); 2.900 for 4..20 at 0.025 (2.626 at 0.05). q_n for 4..40:
//   7.01 at n = 4, 3.40 at 12, 2.91 at 40: 2.20x, 1.54x, 1.44x the fixed-n
//   95% t quantile. Calibration: ~0.1 s per boundary for 4..40 (twice that
//   on first use, with the 2 alpha one), ~0.25 s for 4..100.
// - Simultaneous level: 0.9516 in the calibration sample; an independent
//   1,000,000-sequence check (run once, outside the test), P(some look 4..40
//   misses) = 0.0495 for normal
//   d, 0.0326 for t3 and 0.0320 for Laplace (4..20 at 0.025: 0.0240, 0.0145,
//   0.0125): conservative under symmetric heavy tails.
// - A/A, 10,000 cells each, stopping as designed, "faster"/"slower" for sd
//   0.04 / 0.10: 4..40 normal 0.18% / 4.00%, t3 0.00% / 1.45%, Laplace
//   0.07% / 2.16%; 4..20 at 0.025 normal 0.23% / 2.04%. (Higher than the
//   signed rank's at sd 0.10 because early looks can now decide, where a
//   noisy mean is more often past +-5%; still <= alpha, as the coverage
//   guarantees.)
// - +-10%, 4..40: blocks mean 6.2 / 5.6 (normal / t3, sd 0.05; signed rank
//   9.3 / 9.4), 12.4 / 10.1 at sd 0.10 (signed rank 13.5 / 11.5); right
//   direction >= 99.5%, wrong <= 0.01%. +40%, sd 0.05, 4..20 at 0.025: mean
//   4.1 blocks (signed rank 9.0).
// - A/A sd 0.02: "no difference" at a mean of 5.0 blocks (signed rank 7.1).
//   True change on the zone's edge (+-5%), sd 0.02 and 0.05: "no difference"
//   4.3-4.7%.
#ifndef PERFCELL_CONTRACT_STATS_SEQUENTIAL_H_
#define PERFCELL_CONTRACT_STATS_SEQUENTIAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace perfcell::stats {

// How a look estimates the effect and bounds it (see the header comment).
enum class SequentialMethod {
  kSignedRank,  // Hodges-Lehmann estimate, signed-rank repeated intervals
  kMeanT,       // mean of d, Student-t repeated intervals
};

// Name for reports and progress lines: "signed-rank", "mean-t".
const char* SequentialMethodName(SequentialMethod method);

// The method of that name (as the CLIs' --sequential_method and
// perf_matrix's sequential_method spell it); InvalidArgument
// "must be mean-t or signed-rank, not \"t\"" otherwise.
absl::StatusOr<SequentialMethod> ParseSequentialMethod(absl::string_view name);

struct SequentialDesign {
  int min_blocks = 4;   // first look
  int max_blocks = 40;  // last look; at most kMaxSequentialBlocks
  // Probability that some look's interval misses the true effect, per
  // comparison.
  double alpha = 0.05;
  // Smallest relative change that matters: 0.05 = 5%.
  double min_effect = 0.05;
  // Wang-Tsiatis shape: 0.5 constant |Z| boundary (Pocock), 0 O'Brien-Fleming
  // (wide early, near fixed-n width at the last look).
  double shape = 0.5;
  // Futility: an open comparison ends "inconclusive" at once when, if its
  // estimate and spread so far held, the look at max_blocks would call it
  // faster/slower with a chance below this and "no difference" with a chance
  // below kNoDifferenceWorthWaitingFor; 0 turns it off. It never decides
  // anything, so the error rates above are untouched.
  double futility_below = 0;
  // kMeanT needs min_blocks >= 3 (at 2 blocks the t interval has 1 df:
  // +-12.7 s / sqrt(2) at 95% fixed, far wider under a sequential boundary).
  SequentialMethod method = SequentialMethod::kSignedRank;
};

// The futility threshold perf_matrix uses (Design.futility): 10%.
inline constexpr double kDefaultFutility = 0.10;
// "No difference" is the expensive verdict (the whole interval inside
// +-min_effect): a comparison with no real chance of faster/slower keeps
// running for it only while it is more likely than not by max_blocks.
inline constexpr double kNoDifferenceWorthWaitingFor = 0.5;

inline constexpr int kMaxSequentialBlocks = 100;

struct SequentialBoundary {
  SequentialDesign design;
  // c of the rule |Z_n| > c (n / max_blocks)^(shape - 1/2); for a single
  // look, the normal quantile matching k (informational; kMeanT:
  // z_{1 - alpha/2}).
  double critical_z = 0;
  // kSignedRank only (empty for kMeanT): k[n], n = 0 .. max_blocks: the
  // interval at look n is [W_(k[n]), W_(M - k[n] + 1)]; 0 means unbounded
  // (and outside looks).
  std::vector<int> k;
  // kMeanT only (empty for kSignedRank): t_critical[n], n = 0 .. max_blocks:
  // the interval at look n is mean +- t_critical[n] s / sqrt(n), with
  // t_critical[n] = F_{t,n-1}^-1(Phi(c (n / max_blocks)^(shape - 1/2))); 0
  // outside the looks.
  std::vector<double> t_critical;
  // The coverage of look n's interval alone: kSignedRank 1 - 2 P(V_n <=
  // k[n] - 1) (1 at a look with k[n] == 0, whose interval is unbounded);
  // kMeanT 2 Phi(c shape_n) - 1 (nominal, for normal d). 0 outside the looks.
  std::vector<double> look_level;
  // The same at level 1 - 2 alpha: the interval "no difference" is decided
  // on (two one-sided claims at alpha each, Schuirmann's TOST).
  std::vector<int> equivalence_k;
  std::vector<double> equivalence_t_critical;
  std::vector<double> equivalence_look_level;
  // Monte Carlo estimate of P(every look covers); exact for a single look.
  double simultaneous_level = 0;
  int simulations = 0;  // 0 for a single look (exact)
  // Single look only: false when no interval reaches 1 - alpha (n <= 5 at
  // 0.05); k is then 1, as R and HodgesLehmannOneSample do.
  bool reached = true;
};

// Calibrates the boundary of `design`: Monte Carlo with a fixed seed, so the
// same design always gives the same boundary; cached per design in the
// process (thread-safe). About 0.1 s for 4..40 on first use (kMeanT: 0.2 s).
// InvalidArgument unless 1 <= min_blocks <= max_blocks <= kMaxSequentialBlocks,
// 0 < alpha < 1, 0 < min_effect < 1, 0 <= shape <= 1; for kMeanT also
// min_blocks >= 3.
//
//   CalibrateBoundary(SequentialDesign())->critical_z;  // 2.547
//   SequentialDesign fixed;
//   fixed.min_blocks = fixed.max_blocks = 10;
//   CalibrateBoundary(fixed)->k[10];
//   // 9 (R: qsignrank(0.025, 10)), the fixed-n exact CI [W_9, W_47]
absl::StatusOr<SequentialBoundary> CalibrateBoundary(
    const SequentialDesign& design);

struct SequentialLook {
  enum Decision { kOpen, kFaster, kSlower, kNoDifference, kInconclusive };
  // Log scale. kSignedRank: Hodges-Lehmann (median of the Walsh averages);
  // kMeanT: the mean of d.
  double estimate = 0;
  double lo = 0;  // interval on the log scale; may be -inf
  double hi = 0;  // may be +inf
  Decision decision = kOpen;
  int blocks = 0;
  // For kOpen and kInconclusive: rough number of further blocks until the
  // interval would decide if the estimate held and the interval narrowed as
  // 1/sqrt(n) at this look's critical value; -1 when out of reach (estimate
  // within 0.1% of a threshold or more than 10,000 blocks). 0 when decided.
  int more_blocks_estimate = 0;
  double level = 0;  // boundary.look_level[blocks]
  // The 1 - 2 alpha interval "no difference" is decided on (inside [lo, hi]).
  double equivalence_lo = 0;
  double equivalence_hi = 0;
  // The interval the decision rests on: the equivalence one for
  // kNoDifference, [lo, hi] otherwise.
  double DecisionLo() const {
    return decision == kNoDifference ? equivalence_lo : lo;
  }
  double DecisionHi() const {
    return decision == kNoDifference ? equivalence_hi : hi;
  }
  // kInconclusive before max_blocks because the design's futility rule
  // stopped the comparison: `conditional_power` (kMeanT: the predictive
  // power; the chance that the look at
  // max_blocks calls it faster or slower) was below design.futility_below
  // and `conditional_power_no_difference` below
  // kNoDifferenceWorthWaitingFor. Both are computed for open looks whose
  // interval is bounded (else 0).
  bool futile = false;
  double conditional_power = 0;
  double conditional_power_no_difference = 0;
  // Decided (faster, slower or no difference) or stopped as futile: the
  // comparison needs no further block.
  bool Settled() const {
    return futile || decision == kFaster || decision == kSlower ||
           decision == kNoDifference;
  }
};

// Name of a decision: "open", "faster", "slower", "no difference",
// "inconclusive".
const char* DecisionName(SequentialLook::Decision decision);

// Why a futile look stopped, as the cell's progress and the report say it:
// "3 % chance of faster/slower and 4 % of no difference by block 20".
std::string FutilityChances(const SequentialLook& look, int max_blocks);

// The look after d.size() blocks (d in block order; only the multiset
// matters, for kMeanT up to rounding). kInconclusive instead of kOpen when
// `last_look` or d.size() == max_blocks. InvalidArgument when d.size() is
// outside min..max_blocks or a d is not finite.
//
//   // Single-look design at n = 10 equals wilcox.test(d, conf.int = TRUE):
//   Look(*CalibrateBoundary(fixed),  // as above: 10..10 blocks
//        {0.12, -0.35, 0.48, 0.91, -0.07, 0.66, 0.23, 1.05, -0.18, 0.39},
//        true);
//   // estimate 0.31, [-0.03, 0.66]: lo is below log(1.05) and hi above it,
//   // so kInconclusive at this last look.
absl::StatusOr<SequentialLook> Look(const SequentialBoundary& boundary,
                                    const std::vector<double>& d,
                                    bool last_look);

// The same looks, incrementally: kSignedRank keeps the Walsh averages sorted
// as blocks arrive (O(n^2) per block instead of O(n^2 log n)); kMeanT keeps a
// running mean and sum of squares (Welford; O(1) per block and look, the same
// bits as Look). For simulation and for cells with many comparisons.
// `boundary` must outlive the object.
//
//   SequentialComparison c(&boundary);
//   for (double di : d) {
//     c.AddBlock(di);
//     if (c.blocks() >= boundary.design.min_blocks) Use(*c.Look(false));
//   }
class SequentialComparison {
 public:
  explicit SequentialComparison(const SequentialBoundary* boundary);
  void AddBlock(double d);
  int blocks() const { return static_cast<int>(d_.size()); }
  // As Look(boundary, d so far, last_look).
  absl::StatusOr<SequentialLook> Look(bool last_look) const;

 private:
  const SequentialBoundary* boundary_;
  std::vector<double> d_;
  std::vector<double> walsh_;  // sorted; kSignedRank only
  double mean_ = 0;            // Welford running moments; kMeanT only
  double sum_squares_ = 0;
};

// Noise shapes for planning simulations; `noise_sd` is always the standard
// deviation of d.
enum class BlockNoise { kNormal, kLaplace, kStudentT3 };

struct SequentialOperatingCharacteristics {
  double faster = 0;  // fraction of cells ending in each decision
  double slower = 0;
  double no_difference = 0;
  double inconclusive = 0;
  double mean_blocks = 0;  // blocks run per cell
  int median_blocks = 0;
  int p90_blocks = 0;
};

// Simulates `cells` cells of the design (either method) with d = effect +
// noise (log scale), stopping at the first decided look. Seeded, deterministic.
// For a planner: "with this noise, how many blocks and how often right?".
//
//   SimulateDesign(boundary, std::log(1.10), 0.05, BlockNoise::kNormal,
//                  10000, 5);  // faster 0.9985, median_blocks 12
SequentialOperatingCharacteristics SimulateDesign(
    const SequentialBoundary& boundary, double effect, double noise_sd,
    BlockNoise noise, int cells, uint64_t seed);

// Normal-approximation planner: the smallest n at which the interval with
// critical value z (1.96 for a fixed 95% design) decides the right way with
// probability >= `power` if d ~ N(effect, noise_sd^2): the Hodges-Lehmann
// estimate has sd noise_sd sqrt(pi / (3 n)) (asymptotic relative efficiency
// 3/pi), the half-width is z times that; "faster" needs est - h > log(1 + m),
// "no difference" needs both ends inside. At least `floor_blocks`. -1 when
// not reached by 10,000 (e.g. effect on a threshold) or inputs are invalid.
//
//   BlocksToDecide(1.96, 0.05, 0.05, std::log(1.10), 0.9);  // 13
int BlocksToDecide(double z, double min_effect, double noise_sd, double effect,
                   double power, int floor_blocks = 1);

// Blocks a fixed design at level 1 - alpha needs (BlocksToDecide with
// z_{1-alpha/2}, at least the n where an exact interval exists).
//
//   FixedBlocksNeeded(0.05, 0.05, 0.05, 0.0, 0.9);  // 14
//   FixedBlocksNeeded(0.05, 0.05, 0.02, 0.0, 0.9);  // 6 (the 2^-n floor)
int FixedBlocksNeeded(double alpha, double min_effect, double noise_sd,
                      double effect, double power);

// The first look of the sequential design at which it decides the right way
// with probability >= `power` by the same approximation at that look's
// critical value (and k[n] >= 1); -1 when no look up to max_blocks does.
// kMeanT: the mean has sd noise_sd / sqrt(n), the critical value is q_n.
// An upper-end guide: early stops make the mean smaller (SimulateDesign).
//
//   SequentialBlocksNeeded(*boundary, 0.05, std::log(1.10), 0.9);  // 18
int SequentialBlocksNeeded(const SequentialBoundary& boundary, double noise_sd,
                           double effect, double power);

}  // namespace perfcell::stats

#endif  // PERFCELL_CONTRACT_STATS_SEQUENTIAL_H_
