// Seeded percentile-bootstrap confidence intervals for a median and for the
// ratio of two medians (branch throughput / baseline throughput).
//
//   BootstrapOptions options;  // 2000 resamples, 95%, seed 1
//   Interval ci = BootstrapRatioOfMediansCi(branch, baseline, options);
//   // e.g. {0.87, 0.93}: the branch is 7-13% slower
//
// Determinism: resampling uses std::mt19937_64 (its output sequence is fixed
// by the C++ standard) and plain modulo indexing, so the same inputs, options
// and seed give the same interval on every platform and run.
//
// Large n: above kLargeSample values a resample's median is drawn from its
// asymptotic rank distribution in the sorted values (rank n/2 + sqrt(n)/2 *
// Z, one normal draw) instead of resampling n values, so a series of 1.3 M
// iterations costs one sort, not resamples x n work; the interval is then
// the order-statistic interval of the median.
//
// Small-n behaviour: fewer than 2 values on a side give NaN bounds (one value
// has no spread to resample). With very few values (< 5) the bootstrap
// distribution of a median takes only a handful of distinct values, and the
// percentile interval is then too narrow; callers should not base verdicts on
// it alone (perfcell also requires a rank test).
#ifndef PERFCELL_CONTRACT_STATS_BOOTSTRAP_H_
#define PERFCELL_CONTRACT_STATS_BOOTSTRAP_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace perfcell::stats {

// Above this many values the resampled median is drawn in O(1).
inline constexpr size_t kLargeSample = 10000;

struct Interval {
  double low;
  double high;
};

// What a call cost, for tests and benchmarks that check the work stays
// bounded: each value drawn from a side's data counts once (n per resample
// up to kLargeSample values, 1 above).
struct BootstrapWork {
  uint64_t values_drawn = 0;
};

struct BootstrapOptions {
  int resamples = 2000;
  double confidence = 0.95;
  uint64_t seed = 1;
  // If set, receives the call's work (added to what it holds).
  BootstrapWork* work = nullptr;
};

// Percentile interval of the median of `x`.
Interval BootstrapMedianCi(const std::vector<double>& x,
                           const BootstrapOptions& options = {});

// Percentile interval of median(numerator) / median(denominator), resampling
// both sides independently. Resamples with a zero denominator median are
// dropped.
Interval BootstrapRatioOfMediansCi(const std::vector<double>& numerator,
                                   const std::vector<double>& denominator,
                                   const BootstrapOptions& options = {});

}  // namespace perfcell::stats

#endif  // PERFCELL_CONTRACT_STATS_BOOTSTRAP_H_
