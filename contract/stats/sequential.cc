#include "contract/stats/sequential.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <tuple>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "contract/stats/descriptive.h"
#include "contract/stats/distributions.h"
#include "contract/stats/signed_rank.h"

namespace perfcell::stats {
namespace {

constexpr int kSimulations = 100000;
constexpr uint64_t kCalibrationSeed = 0x5e9e47a1c0ffee01ULL;
// One-sided 99% normal quantile: the Monte Carlo margin on alpha.
constexpr double kMonteCarloZ = 2.326;
// Below this n the single-look interval uses the exact null distribution
// (as HodgesLehmannOneSample).
constexpr int kExactLimit = 50;
constexpr int kMoreBlocksCap = 10000;
constexpr double kInf = std::numeric_limits<double>::infinity();

// splitmix64 (Steele, Lea & Flood 2014): tiny, fast, the same stream on every
// platform (std:: distributions are not).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform on (0, 1).
  double Uniform() { return ((Next() >> 11) + 0.5) * 0x1.0p-53; }
  double Normal() {
    // Box-Muller; one of the pair is enough here.
    const double u = Uniform();
    const double v = Uniform();
    return std::sqrt(-2 * std::log(u)) * std::cos(2 * M_PI * v);
  }
  // Box-Muller, both of the pair.
  void NormalPair(double& a, double& b) {
    const double r = std::sqrt(-2 * std::log(Uniform()));
    const double v = 2 * M_PI * Uniform();
    a = r * std::cos(v);
    b = r * std::sin(v);
  }

 private:
  uint64_t state_;
};

double NullMean(int n) { return n * (n + 1) / 4.0; }
double NullSd(int n) { return std::sqrt(n * (n + 1.0) * (2 * n + 1) / 24); }
int WalshCount(int n) { return n * (n + 1) / 2; }

// Boundary multiplier of look n: (n / max)^(shape - 1/2).
double ShapeFactor(const SequentialDesign& design, int n) {
  return std::pow(static_cast<double>(n) / design.max_blocks,
                  design.shape - 0.5);
}

// Coverage of [W_(k), W_(M-k+1)] alone.
double LookLevel(int n, int k) {
  if (k <= 0) return 1;
  if (n < kExactLimit) return 1 - 2 * SignedRankCdf(n, k - 1);
  return std::max(0.0, 1 - 2 * NormalCdf((k - 0.5 - NullMean(n)) / NullSd(n)));
}

int ClampK(int n, int k) { return std::clamp(k, 0, (WalshCount(n) + 1) / 2); }

// k of the rule "reject when |Z_n| > z": V_n <= k - 1 rejects. The small
// tolerance keeps an exact tie with the boundary on the accepting side, as
// the calibration counts it.
int KFromZ(int n, double z) {
  const double x = NullMean(n) - z * NullSd(n);
  return ClampK(n, static_cast<int>(std::ceil(x - 1e-7)));
}

absl::Status Validate(const SequentialDesign& d) {
  if (d.min_blocks < 1 || d.min_blocks > d.max_blocks ||
      d.max_blocks > kMaxSequentialBlocks) {
    return absl::InvalidArgumentError(absl::StrCat(
        "sequential design needs 1 <= min_blocks <= max_blocks <= ",
        kMaxSequentialBlocks, "; got ", d.min_blocks, "..", d.max_blocks));
  }
  if (!(d.alpha > 0 && d.alpha < 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("sequential design needs 0 < alpha < 1; got ", d.alpha));
  }
  if (!(d.min_effect > 0 && d.min_effect < 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "sequential design needs 0 < min_effect < 1; got ", d.min_effect));
  }
  if (!(d.futility_below >= 0 && d.futility_below < 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("sequential design needs 0 <= futility_below < 1; got ",
                     d.futility_below));
  }
  if (!(d.shape >= 0 && d.shape <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("sequential design needs 0 <= shape <= 1; got ", d.shape));
  }
  if (d.method == SequentialMethod::kMeanT && d.min_blocks < 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        "sequential design with method mean-t needs min_blocks >= 3 (a t "
        "interval with at least 2 degrees of freedom); got min_blocks ",
        d.min_blocks));
  }
  if (d.method != SequentialMethod::kSignedRank &&
      d.method != SequentialMethod::kMeanT) {
    return absl::InvalidArgumentError("sequential design: unknown method");
  }
  return absl::OkStatus();
}

SequentialBoundary SingleLook(const SequentialDesign& design) {
  const int n = design.max_blocks;
  SequentialBoundary b;
  b.design = design;
  b.k.assign(n + 1, 0);
  b.look_level.assign(n + 1, 0);
  int k;
  if (n < kExactLimit) {
    k = SignedRankQuantile(n, design.alpha / 2);
  } else {
    k = static_cast<int>(std::floor(
        NullMean(n) - NormalQuantile(1 - design.alpha / 2) * NullSd(n)));
  }
  b.reached = k >= 1;
  k = ClampK(n, std::max(k, 1));
  b.k[n] = k;
  b.look_level[n] = LookLevel(n, k);
  b.simultaneous_level = b.look_level[n];
  b.critical_z = (NullMean(n) - (k - 0.5)) / NullSd(n);
  return b;
}

// The Monte Carlo: per simulated null sequence, the largest |Z_n| / shape_n
// over the looks. Magnitudes are 63 random bits (ties have probability
// ~1e-16), signs one bit; V_n is updated in O(n) per block: the new element
// lifts the rank of every larger one by one.
std::vector<double> SimulatedMaxima(const SequentialDesign& design,
                                    int simulations) {
  const int max = design.max_blocks;
  std::vector<double> mean(max + 1), scale(max + 1);
  for (int n = 1; n <= max; ++n) {
    mean[n] = NullMean(n);
    scale[n] = NullSd(n) * ShapeFactor(design, n);
  }
  Rng rng(kCalibrationSeed);
  std::vector<uint64_t> magnitude(max);
  std::vector<int> positive(max);
  std::vector<double> maxima(simulations);
  for (int s = 0; s < simulations; ++s) {
    int64_t v = 0;
    double worst = 0;
    for (int n = 1; n <= max; ++n) {
      const uint64_t r = rng.Next();
      const uint64_t m = r >> 1;
      const int pos = static_cast<int>(r & 1);
      int below = 0;
      int positive_above = 0;
      for (int j = 0; j < n - 1; ++j) {
        const int above = magnitude[j] > m;
        below += 1 - above;
        positive_above += above & positive[j];
      }
      magnitude[n - 1] = m;
      positive[n - 1] = pos;
      v += positive_above + (pos ? below + 1 : 0);
      if (n >= design.min_blocks) {
        worst = std::max(worst, std::fabs(v - mean[n]) / scale[n]);
      }
    }
    maxima[s] = worst;
  }
  return maxima;
}

// The number of simulated sequences that may cross the boundary: alpha N
// minus kMonteCarloZ binomial standard errors, so that the true crossing
// probability is <= alpha with ~99% confidence over the Monte Carlo.
int AllowedCrossings(double alpha, int simulations) {
  const double n = simulations;
  const double a = alpha;
  return std::max(0, static_cast<int>(std::floor(
                         a * n - kMonteCarloZ * std::sqrt(a * (1 - a) * n))));
}

// kMeanT: the t critical value of look n for boundary constant c,
// F_{t,n-1}^-1(Phi(c shape_n)), computed from the lower tail (precise far
// out).
double TCritical(const SequentialDesign& design, int n, double c) {
  return -StudentTQuantile(NormalCdf(-c * ShapeFactor(design, n)), n - 1);
}

SequentialBoundary SingleLookMeanT(const SequentialDesign& design) {
  const int n = design.max_blocks;
  SequentialBoundary b;
  b.design = design;
  b.t_critical.assign(n + 1, 0);
  b.look_level.assign(n + 1, 0);
  b.t_critical[n] = StudentTQuantile(1 - design.alpha / 2, n - 1);
  b.look_level[n] = 1 - design.alpha;
  b.simultaneous_level = 1 - design.alpha;
  b.critical_z = NormalQuantile(1 - design.alpha / 2);
  return b;
}

// kMeanT calibration. Each simulated sequence is standard normal d (the t
// statistics of d - delta do not depend on delta or the scale), with
// T_n = mean_n sqrt(n) / s_n at every look. Since Phi^-1(F_{t,n-1}(.)) is
// increasing, a sequence crosses the boundary with constant c iff
// |T_n| > TCritical(n, c) at some look, so c is found by bisection on
// per-look critical values (a t quantile per look and step) instead of a
// t CDF per look and sequence (~3 us each in Boost: 0.3 s per 100,000).
// Only the |T_n| above the critical values of a low floor c0 are kept: no
// other can cross at any c >= c0, and the answer is >= c0 when at least
// allowed + 1 sequences cross c0 (checked; else c0 = 0 keeps everything).
struct MeanTCalibration {
  double c = 0;
  int crossing = 0;  // simulated sequences crossing at c
};

MeanTCalibration CalibrateMeanTConstant(const SequentialDesign& design,
                                        int simulations) {
  const int allowed = AllowedCrossings(design.alpha, simulations);
  const int max = design.max_blocks;
  for (double floor_c : {NormalQuantile(1 - 0.75 * design.alpha), -kInf}) {
    // The sparse rows: crossings at floor_c, per sequence.
    std::vector<double> floor_t(max + 1, 0);
    for (int n = design.min_blocks; n <= max; ++n) {
      floor_t[n] = floor_c > -kInf ? TCritical(design, n, floor_c) : -1;
    }
    std::vector<int> row_start = {0};
    std::vector<uint8_t> row_look;
    std::vector<double> row_t;
    Rng rng(kCalibrationSeed);
    for (int s = 0; s < simulations; ++s) {
      double mean = 0, sum_squares = 0, spare = 0;
      for (int n = 1; n <= max; ++n) {
        double x;
        if (n % 2 == 1) {
          rng.NormalPair(x, spare);
        } else {
          x = spare;
        }
        const double delta = x - mean;
        mean += delta / n;
        sum_squares += delta * (x - mean);
        if (n < design.min_blocks) continue;
        const double t = std::fabs(mean) * std::sqrt(n * (n - 1) / sum_squares);
        if (t > floor_t[n]) {
          row_look.push_back(static_cast<uint8_t>(n));
          row_t.push_back(t);
        }
      }
      if (static_cast<int>(row_t.size()) > row_start.back()) {
        row_start.push_back(static_cast<int>(row_t.size()));
      }
    }
    const int rows = static_cast<int>(row_start.size()) - 1;
    if (rows <= allowed && floor_c > -kInf) continue;  // floor too high
    // Bisection: sequences crossing at c_hi are `above`; `open` rows cross
    // at c_lo but not at c_hi. Invariant: more than `allowed` cross at c_lo,
    // at most `allowed` at c_hi.
    std::vector<int> open(rows);
    for (int r = 0; r < rows; ++r) open[r] = r;
    double c_lo = std::max(floor_c, 0.0);
    double c_hi = kInf;
    int above = 0;
    std::vector<double> critical(max + 1);
    std::vector<int> crossing_rows, staying_rows;
    while (!(c_hi - c_lo <= 1e-9)) {
      const double mid = std::isinf(c_hi) ? c_lo + 1 : (c_lo + c_hi) / 2;
      for (int n = design.min_blocks; n <= max; ++n) {
        critical[n] = TCritical(design, n, mid);
      }
      crossing_rows.clear();
      staying_rows.clear();
      for (int r : open) {
        bool crosses = false;
        for (int i = row_start[r]; i < row_start[r + 1] && !crosses; ++i) {
          crosses = row_t[i] > critical[row_look[i]];
        }
        (crosses ? crossing_rows : staying_rows).push_back(r);
      }
      if (above + static_cast<int>(crossing_rows.size()) <= allowed) {
        c_hi = mid;
        above += static_cast<int>(crossing_rows.size());
        open.swap(staying_rows);
      } else {
        c_lo = mid;
        open.swap(crossing_rows);
      }
    }
    return {c_hi, above};
  }
  return {};  // not reached: the -inf floor keeps every sequence
}

SequentialBoundary CalibrateMeanT(const SequentialDesign& design) {
  if (design.min_blocks == design.max_blocks) return SingleLookMeanT(design);
  const MeanTCalibration cal = CalibrateMeanTConstant(design, kSimulations);
  SequentialBoundary b;
  b.design = design;
  b.critical_z = cal.c;
  b.simulations = kSimulations;
  b.simultaneous_level = 1 - cal.crossing / static_cast<double>(kSimulations);
  b.t_critical.assign(design.max_blocks + 1, 0);
  b.look_level.assign(design.max_blocks + 1, 0);
  for (int look = design.min_blocks; look <= design.max_blocks; ++look) {
    b.t_critical[look] = TCritical(design, look, cal.c);
    b.look_level[look] = 1 - 2 * NormalCdf(-cal.c * ShapeFactor(design, look));
  }
  return b;
}

SequentialBoundary Calibrate(const SequentialDesign& design) {
  if (design.method == SequentialMethod::kMeanT) return CalibrateMeanT(design);
  if (design.min_blocks == design.max_blocks) return SingleLook(design);
  std::vector<double> maxima = SimulatedMaxima(design, kSimulations);
  const double n = kSimulations;
  const int allowed = AllowedCrossings(design.alpha, kSimulations);
  // c = the (allowed + 1)-th largest maximum: at most `allowed` sequences
  // exceed it strictly (ties with c are accepted).
  std::nth_element(maxima.begin(), maxima.begin() + allowed, maxima.end(),
                   std::greater<double>());
  const double c = maxima[allowed];
  int crossing = 0;
  for (double m : maxima) crossing += m > c;
  SequentialBoundary b;
  b.design = design;
  b.critical_z = c;
  b.simulations = kSimulations;
  b.simultaneous_level = 1 - crossing / n;
  b.k.assign(design.max_blocks + 1, 0);
  b.look_level.assign(design.max_blocks + 1, 0);
  for (int look = design.min_blocks; look <= design.max_blocks; ++look) {
    b.k[look] = KFromZ(look, c * ShapeFactor(design, look));
    b.look_level[look] = LookLevel(look, b.k[look]);
  }
  return b;
}

double MedianOfSorted(const std::vector<double>& w) {
  const size_t m = w.size();
  return m % 2 == 1 ? w[m / 2] : (w[m / 2 - 1] + w[m / 2]) / 2;
}

// Further blocks until a decision, see SequentialLook::more_blocks_estimate.
// `first_bounded` is the first look with a bounded interval.
int MoreBlocks(const SequentialLook& look, double lower, double upper,
               double critical, double spread, int first_bounded) {
  const double est = look.estimate;
  double needed;  // half-width that would decide at this estimate
  if (est > upper) {
    needed = est - upper;
  } else if (est < lower) {
    needed = lower - est;
  } else {
    needed = std::min(upper - est, est - lower);
  }
  if (!(needed > 1e-3)) return -1;
  double now = (look.hi - look.lo) / 2;
  if (!std::isfinite(now)) {
    // No interval yet: the normal approximation of its half-width.
    now = critical * spread * std::sqrt(M_PI / (3.0 * look.blocks));
  }
  const int floor = std::max(1, first_bounded - look.blocks);
  if (!(now > 0)) return floor;
  const double total = std::ceil(look.blocks * (now / needed) * (now / needed));
  if (total > kMoreBlocksCap) return -1;
  return std::max(floor, static_cast<int>(total) - look.blocks);
}

// The robust spread of d: 1.4826 * median absolute deviation.
double Spread(std::vector<double> d) {
  std::sort(d.begin(), d.end());
  const double med = MedianOfSorted(d);
  for (double& v : d) v = std::fabs(v - med);
  std::sort(d.begin(), d.end());
  return 1.4826 * MedianOfSorted(d);
}

// The normal critical value a look's k achieves (its discreteness included).
double AchievedZ(int n, int k) { return (NullMean(n) - (k - 0.5)) / NullSd(n); }

struct ConditionalPowers {
  double change = 1;         // faster or slower at max_blocks
  double no_difference = 1;  // no difference at max_blocks
};

// Conditional power at look n (see SequentialLook::conditional_power): the
// estimate behaves like a mean of d with sd `scale` per block (kMeanT: the
// sample sd; kSignedRank: the Hodges-Lehmann estimate, sd noise sqrt(pi / 3),
// efficiency 3/pi), so given the estimate now, the estimate at max_blocks K
// is normal about it with sd scale sqrt(K - n) / K, and the look at K decides
// when it lies beyond the verdict rule's bounds at K's half-widths (critical
// values z and z_equivalence times scale / sqrt(K)). Only the last look is
// counted, which understates the chance a little (an earlier look may decide
// too).
//
// Predictive power (kMeanT): the true effect is not taken to be today's
// estimate but uncertain about it (normal, sd scale / sqrt(n), flat prior);
// the estimate at K is then normal about today's with sd
// scale sqrt((K - n) / (K n)), sqrt(K / n) times wider than conditional
// power's (Spiegelhalter, Freedman & Blackburn, Controlled Clin. Trials 7
// (1986) 8-17). The t method looks from block 3 or 4 on, where conditional
// power on so few blocks stopped a real -10% change at sd(d) 0.085 as futile
// one time in six (4..20 blocks, alpha 0.025: slower 84% against 97% without
// futility); predictive power keeps it at 94% (sequential_test).
ConditionalPowers ConditionalPowerAt(const SequentialDesign& design,
                                     double estimate, double scale, double z,
                                     double z_equivalence, int n,
                                     bool predictive = false) {
  const int max = design.max_blocks;
  ConditionalPowers p;
  const double lower = std::log(1 - design.min_effect);
  const double upper = std::log(1 + design.min_effect);
  const double h = z * scale / std::sqrt(max);
  const double he = z_equivalence * scale / std::sqrt(max);
  const double tau =
      predictive ? scale * std::sqrt(static_cast<double>(max - n) / (max * n))
                 : scale * std::sqrt(static_cast<double>(max - n)) / max;
  p.change = 1 - NormalCdf((std::max(upper, h) - estimate) / tau) +
             NormalCdf((std::min(lower, -h) - estimate) / tau);
  p.no_difference = lower + he < upper - he
                        ? NormalCdf((upper - he - estimate) / tau) -
                              NormalCdf((lower + he - estimate) / tau)
                        : 0;
  return p;
}

ConditionalPowers ConditionalPower(const SequentialBoundary& boundary,
                                   double estimate, double noise_sd, int n) {
  const int max = boundary.design.max_blocks;
  if (n >= max || !(noise_sd > 0)) return ConditionalPowers{};
  if (boundary.k[max] < 1) return {0, 0};  // the last look bounds nothing
  const int ke = static_cast<int>(boundary.equivalence_k.size()) > max
                     ? boundary.equivalence_k[max]
                     : boundary.k[max];
  return ConditionalPowerAt(
      boundary.design, estimate, noise_sd * std::sqrt(M_PI / 3.0),
      AchievedZ(max, boundary.k[max]), AchievedZ(max, ke), n);
}

// kMeanT's critical values at look n: the 1 - alpha interval's and the
// equivalence (1 - 2 alpha) interval's.
double TCriticalAt(const SequentialBoundary& boundary, int n) {
  return boundary.t_critical[n];
}
double EquivalenceTCriticalAt(const SequentialBoundary& boundary, int n) {
  return static_cast<int>(boundary.equivalence_t_critical.size()) > n
             ? boundary.equivalence_t_critical[n]
             : boundary.t_critical[n];
}

bool Calibrated(const SequentialBoundary& boundary) {
  const size_t size = boundary.design.max_blocks + 1;
  return boundary.design.method == SequentialMethod::kMeanT
             ? boundary.t_critical.size() == size
             : boundary.k.size() == size;
}

absl::Status CheckFinite(const std::vector<double>& d) {
  for (double v : d) {
    if (!std::isfinite(v)) {
      return absl::InvalidArgumentError(
          absl::StrCat("sequential look: non-finite block difference ", v));
    }
  }
  return absl::OkStatus();
}

// The checks every look makes, in this order: the look is one of the
// design's, the boundary is calibrated, every d is finite.
absl::Status CheckLook(const SequentialBoundary& boundary,
                       const std::vector<double>& d) {
  const SequentialDesign& design = boundary.design;
  const int n = static_cast<int>(d.size());
  if (n < design.min_blocks || n > design.max_blocks) {
    return absl::InvalidArgumentError(absl::StrCat(
        "sequential look after ", n, " blocks; the design looks at ",
        design.min_blocks, "..", design.max_blocks));
  }
  if (!Calibrated(boundary)) {
    return absl::InvalidArgumentError("sequential boundary not calibrated");
  }
  return CheckFinite(d);
}

// The verdict rules of the header comment, on look's estimate and intervals.
// Sets kOpen or kInconclusive when none applies.
void ApplyDecisionRules(const SequentialDesign& design, bool last_look,
                        SequentialLook& look) {
  const double lower = std::log(1 - design.min_effect);
  const double upper = std::log(1 + design.min_effect);
  if (look.lo > 0 && look.estimate >= upper) {
    look.decision = SequentialLook::kFaster;
  } else if (look.hi < 0 && look.estimate <= lower) {
    look.decision = SequentialLook::kSlower;
  } else if (look.equivalence_lo > lower && look.equivalence_hi < upper) {
    look.decision = SequentialLook::kNoDifference;
  } else {
    look.decision = last_look || look.blocks == design.max_blocks
                        ? SequentialLook::kInconclusive
                        : SequentialLook::kOpen;
  }
}

bool Undecided(const SequentialLook& look) {
  return look.decision == SequentialLook::kOpen ||
         look.decision == SequentialLook::kInconclusive;
}

// Records the conditional powers of an open look and stops it as futile
// when the design says so.
void ApplyFutility(const SequentialDesign& design, const ConditionalPowers& p,
                   SequentialLook& look) {
  look.conditional_power = p.change;
  look.conditional_power_no_difference = p.no_difference;
  if (p.change < design.futility_below &&
      p.no_difference < kNoDifferenceWorthWaitingFor) {
    look.futile = true;
    look.decision = SequentialLook::kInconclusive;
  }
}

absl::StatusOr<SequentialLook> LookSorted(const SequentialBoundary& boundary,
                                          const std::vector<double>& d,
                                          const std::vector<double>& walsh,
                                          bool last_look) {
  if (absl::Status s = CheckLook(boundary, d); !s.ok()) return s;
  const SequentialDesign& design = boundary.design;
  const int n = static_cast<int>(d.size());
  SequentialLook look;
  look.blocks = n;
  look.estimate = MedianOfSorted(walsh);
  const int k = boundary.k[n];
  const int m = static_cast<int>(walsh.size());
  look.lo = k >= 1 ? walsh[k - 1] : -kInf;
  look.hi = k >= 1 ? walsh[m - k] : kInf;
  look.level = boundary.look_level[n];
  // The equivalence interval (level 1 - 2 alpha; inside [lo, hi]).
  const int ke = static_cast<int>(boundary.equivalence_k.size()) > n
                     ? boundary.equivalence_k[n]
                     : k;
  look.equivalence_lo = ke >= 1 ? walsh[ke - 1] : -kInf;
  look.equivalence_hi = ke >= 1 ? walsh[m - ke] : kInf;
  ApplyDecisionRules(design, last_look, look);
  if (Undecided(look)) {
    const double lower = std::log(1 - design.min_effect);
    const double upper = std::log(1 + design.min_effect);
    const double critical = boundary.simulations > 0
                                ? boundary.critical_z * ShapeFactor(design, n)
                                : boundary.critical_z;
    int first_bounded = n;
    while (first_bounded < design.max_blocks && boundary.k[first_bounded] < 1) {
      ++first_bounded;
    }
    look.more_blocks_estimate = MoreBlocks(
        look, lower, upper, critical,
        std::isfinite(look.hi - look.lo) ? 0 : Spread(d), first_bounded);
    if (look.decision == SequentialLook::kOpen && k >= 1) {
      ApplyFutility(design,
                    ConditionalPower(boundary, look.estimate, StdDev(d), n),
                    look);
    }
  }
  return look;
}

// kMeanT's look from the Welford moments of d (mean and the sum of squared
// deviations), after CheckLook. A zero spread (all d equal) bounds nothing:
// the interval is unbounded, so the look decides nothing.
SequentialLook LookMeanT(const SequentialBoundary& boundary, int n, double mean,
                         double sum_squares, bool last_look) {
  const SequentialDesign& design = boundary.design;
  SequentialLook look;
  look.blocks = n;
  look.estimate = mean;
  look.level = boundary.look_level[n];
  const double s = std::sqrt(sum_squares / (n - 1));
  const double q = TCriticalAt(boundary, n);
  const double qe = EquivalenceTCriticalAt(boundary, n);
  const bool bounded = s > 0 && std::isfinite(s);
  if (bounded) {
    const double se = s / std::sqrt(n);
    look.lo = mean - q * se;
    look.hi = mean + q * se;
    look.equivalence_lo = mean - qe * se;
    look.equivalence_hi = mean + qe * se;
  } else {
    look.lo = look.equivalence_lo = -kInf;
    look.hi = look.equivalence_hi = kInf;
  }
  ApplyDecisionRules(design, last_look, look);
  if (Undecided(look)) {
    // Every look's interval is bounded once the spread is not zero; with
    // no spread, no number of blocks can be told.
    look.more_blocks_estimate =
        bounded ? MoreBlocks(look, std::log(1 - design.min_effect),
                             std::log(1 + design.min_effect), q,
                             /*spread=*/0, n)
                : -1;
    if (look.decision == SequentialLook::kOpen && bounded &&
        n < design.max_blocks) {
      const int max = design.max_blocks;
      ApplyFutility(
          design,
          ConditionalPowerAt(design, mean, s, TCriticalAt(boundary, max),
                             EquivalenceTCriticalAt(boundary, max), n,
                             /*predictive=*/true),
          look);
    }
  }
  return look;
}

// Welford's running mean and sum of squared deviations, one d at a time (the
// same bits in Look and SequentialComparison).
void AddToMoments(double x, int n, double& mean, double& sum_squares) {
  const double delta = x - mean;
  mean += delta / n;
  sum_squares += delta * (x - mean);
}

absl::StatusOr<SequentialLook> LookMeanTChecked(
    const SequentialBoundary& boundary, const std::vector<double>& d,
    double mean, double sum_squares, bool last_look) {
  if (absl::Status s = CheckLook(boundary, d); !s.ok()) return s;
  if (!std::isfinite(mean) || !std::isfinite(sum_squares)) {
    return absl::InvalidArgumentError(
        "sequential look: block differences too large for a mean and sd");
  }
  return LookMeanT(boundary, static_cast<int>(d.size()), mean, sum_squares,
                   last_look);
}

double Noise(Rng& rng, BlockNoise noise, double sd) {
  switch (noise) {
    case BlockNoise::kNormal:
      return sd * rng.Normal();
    case BlockNoise::kLaplace: {
      // Scale sd / sqrt(2); inverse CDF.
      const double u = rng.Uniform() - 0.5;
      const double b = sd / std::sqrt(2.0);
      return u < 0 ? b * std::log(1 + 2 * u) : -b * std::log(1 - 2 * u);
    }
    case BlockNoise::kStudentT3: {
      // Z / sqrt(chi2_3 / 3) has variance 3: scale by 1 / sqrt(3).
      const double z = rng.Normal();
      double chi2 = 0;
      for (int i = 0; i < 3; ++i) {
        const double g = rng.Normal();
        chi2 += g * g;
      }
      return sd / std::sqrt(3.0) * z / std::sqrt(chi2 / 3);
    }
  }
  return 0;
}

// P(right decision) at half-width h and estimate sd tau, normal model:
// "faster" needs est - h > 0 and est >= upper (the verdict rule of fixed and
// adaptive designs alike), "no difference" both ends inside.
double DecisionPower(double effect, double lower, double upper, double h,
                     double tau) {
  if (effect > upper) return NormalCdf((effect - std::max(h, upper)) / tau);
  if (effect < lower) return NormalCdf((std::min(-h, lower) - effect) / tau);
  const double p = NormalCdf((upper - h - effect) / tau) -
                   NormalCdf((lower + h - effect) / tau);
  return std::max(0.0, p);
}

}  // namespace

absl::StatusOr<SequentialBoundary> CalibrateBoundary(
    const SequentialDesign& design) {
  if (absl::Status s = Validate(design); !s.ok()) return s;
  using Key = std::tuple<int, int, double, double, int>;
  static std::mutex* mu = new std::mutex;
  static auto* cache = new std::map<Key, SequentialBoundary>;
  auto cached = [&](const SequentialDesign& d) {
    const Key key{d.min_blocks, d.max_blocks, d.alpha, d.shape,
                  static_cast<int>(d.method)};
    std::lock_guard<std::mutex> lock(*mu);
    auto it = cache->find(key);
    if (it == cache->end()) it = cache->emplace(key, Calibrate(d)).first;
    return it->second;
  };
  SequentialBoundary b = cached(design);
  // Not part of the boundary:
  b.design.min_effect = design.min_effect;
  b.design.futility_below = design.futility_below;
  // "No difference" is two one-sided claims at alpha each (TOST): the
  // interval at level 1 - 2 alpha.
  SequentialDesign equivalence = design;
  equivalence.alpha = std::min(2 * design.alpha, 0.5);
  const SequentialBoundary e = cached(equivalence);
  b.equivalence_k = e.k;
  b.equivalence_t_critical = e.t_critical;
  b.equivalence_look_level = e.look_level;
  return b;
}

absl::StatusOr<SequentialMethod> ParseSequentialMethod(absl::string_view name) {
  for (SequentialMethod m :
       {SequentialMethod::kMeanT, SequentialMethod::kSignedRank}) {
    if (name == SequentialMethodName(m)) return m;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("must be mean-t or signed-rank, not \"", name, "\""));
}

const char* SequentialMethodName(SequentialMethod method) {
  switch (method) {
    case SequentialMethod::kSignedRank:
      return "signed-rank";
    case SequentialMethod::kMeanT:
      return "mean-t";
  }
  return "?";
}

const char* DecisionName(SequentialLook::Decision decision) {
  switch (decision) {
    case SequentialLook::kOpen:
      return "open";
    case SequentialLook::kFaster:
      return "faster";
    case SequentialLook::kSlower:
      return "slower";
    case SequentialLook::kNoDifference:
      return "no difference";
    case SequentialLook::kInconclusive:
      return "inconclusive";
  }
  return "?";
}

std::string FutilityChances(const SequentialLook& look, int max_blocks) {
  return absl::StrFormat(
      "%.0f %% chance of faster/slower and %.0f %% of no difference by block "
      "%d",
      100 * look.conditional_power, 100 * look.conditional_power_no_difference,
      max_blocks);
}

absl::StatusOr<SequentialLook> Look(const SequentialBoundary& boundary,
                                    const std::vector<double>& d,
                                    bool last_look) {
  if (boundary.design.method == SequentialMethod::kMeanT) {
    double mean = 0, sum_squares = 0;
    for (size_t i = 0; i < d.size(); ++i) {
      AddToMoments(d[i], static_cast<int>(i) + 1, mean, sum_squares);
    }
    return LookMeanTChecked(boundary, d, mean, sum_squares, last_look);
  }
  std::vector<double> walsh;
  walsh.reserve(d.size() * (d.size() + 1) / 2);
  for (size_t i = 0; i < d.size(); ++i) {
    for (size_t j = i; j < d.size(); ++j) walsh.push_back((d[i] + d[j]) / 2);
  }
  std::sort(walsh.begin(), walsh.end());
  return LookSorted(boundary, d, walsh, last_look);
}

SequentialComparison::SequentialComparison(const SequentialBoundary* boundary)
    : boundary_(boundary) {}

void SequentialComparison::AddBlock(double d) {
  if (boundary_->design.method == SequentialMethod::kMeanT) {
    d_.push_back(d);
    AddToMoments(d, blocks(), mean_, sum_squares_);
    return;
  }
  std::vector<double> added;
  added.reserve(d_.size() + 1);
  for (double x : d_) added.push_back((x + d) / 2);
  added.push_back(d);
  d_.push_back(d);
  std::sort(added.begin(), added.end());
  std::vector<double> merged(walsh_.size() + added.size());
  std::merge(walsh_.begin(), walsh_.end(), added.begin(), added.end(),
             merged.begin());
  walsh_.swap(merged);
}

absl::StatusOr<SequentialLook> SequentialComparison::Look(
    bool last_look) const {
  if (boundary_->design.method == SequentialMethod::kMeanT) {
    return LookMeanTChecked(*boundary_, d_, mean_, sum_squares_, last_look);
  }
  return LookSorted(*boundary_, d_, walsh_, last_look);
}

SequentialOperatingCharacteristics SimulateDesign(
    const SequentialBoundary& boundary, double effect, double noise_sd,
    BlockNoise noise, int cells, uint64_t seed) {
  SequentialOperatingCharacteristics oc;
  if (cells <= 0) return oc;
  const SequentialDesign& design = boundary.design;
  Rng rng(seed);
  std::vector<int> blocks_run;
  blocks_run.reserve(cells);
  for (int cell = 0; cell < cells; ++cell) {
    SequentialComparison comparison(&boundary);
    SequentialLook::Decision decision = SequentialLook::kInconclusive;
    int n = 0;
    while (n < design.max_blocks) {
      comparison.AddBlock(effect + Noise(rng, noise, noise_sd));
      ++n;
      if (n < design.min_blocks) continue;
      const absl::StatusOr<SequentialLook> look = comparison.Look(false);
      if (look.ok() && look->decision != SequentialLook::kOpen) {
        decision = look->decision;
        break;
      }
    }
    blocks_run.push_back(n);
    switch (decision) {
      case SequentialLook::kFaster:
        oc.faster += 1;
        break;
      case SequentialLook::kSlower:
        oc.slower += 1;
        break;
      case SequentialLook::kNoDifference:
        oc.no_difference += 1;
        break;
      default:
        oc.inconclusive += 1;
    }
    oc.mean_blocks += n;
  }
  oc.faster /= cells;
  oc.slower /= cells;
  oc.no_difference /= cells;
  oc.inconclusive /= cells;
  oc.mean_blocks /= cells;
  std::sort(blocks_run.begin(), blocks_run.end());
  oc.median_blocks = blocks_run[(cells - 1) / 2];
  oc.p90_blocks = blocks_run[static_cast<size_t>(std::ceil(0.9 * cells)) - 1];
  return oc;
}

int BlocksToDecide(double z, double min_effect, double noise_sd, double effect,
                   double power, int floor_blocks) {
  if (!(z > 0) || !(min_effect > 0 && min_effect < 1) || !(noise_sd > 0) ||
      !std::isfinite(effect) || !(power > 0 && power < 1)) {
    return -1;
  }
  const double lower = std::log(1 - min_effect);
  const double upper = std::log(1 + min_effect);
  for (int n = std::max(1, floor_blocks); n <= kMoreBlocksCap; ++n) {
    const double tau = noise_sd * std::sqrt(M_PI / (3.0 * n));
    if (DecisionPower(effect, lower, upper, z * tau, tau) >= power) return n;
  }
  return -1;
}

int FixedBlocksNeeded(double alpha, double min_effect, double noise_sd,
                      double effect, double power) {
  if (!(alpha > 0 && alpha < 1)) return -1;
  return BlocksToDecide(NormalQuantile(1 - alpha / 2), min_effect, noise_sd,
                        effect, power, SignedRankUnitsToReach(alpha));
}

int SequentialBlocksNeeded(const SequentialBoundary& boundary, double noise_sd,
                           double effect, double power) {
  const SequentialDesign& design = boundary.design;
  if (!(noise_sd > 0) || !(power > 0 && power < 1) || !Calibrated(boundary)) {
    return -1;
  }
  const double lower = std::log(1 - design.min_effect);
  const double upper = std::log(1 + design.min_effect);
  // "No difference" is decided on the 1 - 2 alpha interval (TOST).
  const bool inside = effect > lower && effect < upper;
  if (design.method == SequentialMethod::kMeanT) {
    // The mean has sd noise_sd / sqrt(n); the look's t critical value.
    for (int n = design.min_blocks; n <= design.max_blocks; ++n) {
      const double q = inside ? EquivalenceTCriticalAt(boundary, n)
                              : TCriticalAt(boundary, n);
      const double tau = noise_sd / std::sqrt(n);
      if (DecisionPower(effect, lower, upper, q * tau, tau) >= power) return n;
    }
    return -1;
  }
  const std::vector<int>& ks =
      inside && boundary.equivalence_k.size() == boundary.k.size()
          ? boundary.equivalence_k
          : boundary.k;
  for (int n = design.min_blocks; n <= design.max_blocks; ++n) {
    if (ks[n] < 1) continue;
    // The critical value the look's k actually achieves (discreteness).
    const double z = AchievedZ(n, ks[n]);
    const double tau = noise_sd * std::sqrt(M_PI / (3.0 * n));
    if (DecisionPower(effect, lower, upper, z * tau, tau) >= power) return n;
  }
  return -1;
}

}  // namespace perfcell::stats
