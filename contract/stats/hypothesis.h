// Shared vocabulary of the hypothesis tests in this folder.
#ifndef PERFCELL_CONTRACT_STATS_HYPOTHESIS_H_
#define PERFCELL_CONTRACT_STATS_HYPOTHESIS_H_

namespace perfcell::stats {

// The alternative hypothesis: "x differs from y", "x is larger", "x is
// smaller" (for correlations: rho != 0, rho > 0, rho < 0).
enum class Alternative { kTwoSided, kGreater, kLess };

}  // namespace perfcell::stats

#endif  // PERFCELL_CONTRACT_STATS_HYPOTHESIS_H_
