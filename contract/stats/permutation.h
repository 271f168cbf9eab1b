// Two-sample permutation test of the difference in means.
//
//   PermutationResult r = PermutationTest({1, 2, 3}, {4, 5, 6}, /*seed=*/1);
//   r.p_value;  // 0.1: only 2 of the 20 relabellings are as extreme
//
// Small-n behaviour: like every rank or permutation test, the smallest
// two-sided p-value is 2 / C(m + n, m) (0.10 for 3 + 3 runs). Relabellings are
// enumerated exactly while there are at most `max_exact` of them; beyond that
// `resamples` random relabellings from a seeded generator are drawn and
// p = (hits + 1) / (resamples + 1), so the same inputs and seed always give
// the same p. An empty side gives p = 1.
#ifndef PERFCELL_CONTRACT_STATS_PERMUTATION_H_
#define PERFCELL_CONTRACT_STATS_PERMUTATION_H_

#include <cstdint>
#include <vector>

namespace perfcell::stats {

struct PermutationOptions {
  uint64_t seed = 1;
  int64_t max_exact = 200000;
  int resamples = 20000;
};

struct PermutationResult {
  double statistic = 0;  // mean(x) - mean(y)
  double p_value = 1;    // two-sided
  bool exact = false;
  int64_t relabellings = 0;  // enumerated or drawn
};

PermutationResult PermutationTest(const std::vector<double>& x,
                                  const std::vector<double>& y,
                                  const PermutationOptions& options = {});

}  // namespace perfcell::stats

#endif  // PERFCELL_CONTRACT_STATS_PERMUTATION_H_
