// Corrections for testing many cells at once.
//
//   HolmAdjust({0.01, 0.02, 0.03, 0.04, 0.05});
//   // {0.05, 0.08, 0.09, 0.09, 0.09}
//   BenjaminiHochbergAdjust({0.01, 0.02, 0.03, 0.04, 0.05});
//   // {0.05, 0.05, 0.05, 0.05, 0.05}
//
// Both return adjusted p-values in the input order (R's p.adjust): compare
// them with the unadjusted alpha. NaN entries (tests that could not be run)
// stay NaN and do not count towards the number of tests.
#ifndef PERFCELL_CONTRACT_STATS_MULTIPLE_TESTING_H_
#define PERFCELL_CONTRACT_STATS_MULTIPLE_TESTING_H_

#include <vector>

namespace perfcell::stats {

// Holm (1979) step-down: controls the family-wise error rate.
std::vector<double> HolmAdjust(const std::vector<double>& p);

// Benjamini & Hochberg (1995) step-up: controls the false discovery rate.
std::vector<double> BenjaminiHochbergAdjust(const std::vector<double>& p);

}  // namespace perfcell::stats

#endif  // PERFCELL_CONTRACT_STATS_MULTIPLE_TESTING_H_
