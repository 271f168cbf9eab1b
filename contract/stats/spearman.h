// Spearman's rank correlation with a p-value, e.g. throughput against the
// start time of each iteration to find drift.
//
//   SpearmanResult r = Spearman(start_times, throughputs);
//   if (r.p_value < 0.01 && r.rho < 0) { /* slowing down over the run */ }
//
// Small-n behaviour: fewer than 3 pairs give rho = NaN and p = 1. Up to 9
// pairs without ties the p-value is exact (all n! orderings enumerated);
// otherwise it uses the t approximation t = rho sqrt((n - 2) / (1 - rho^2))
// with n - 2 degrees of freedom (R's cor.test with exact = FALSE). A constant
// series (every rank tied) has no correlation to speak of: rho = NaN, p = 1.
#ifndef PERFCELL_CONTRACT_STATS_SPEARMAN_H_
#define PERFCELL_CONTRACT_STATS_SPEARMAN_H_

#include <vector>

#include "contract/stats/hypothesis.h"

namespace perfcell::stats {

struct SpearmanResult {
  double rho;
  double p_value;
  bool exact;
  int n;
};

// x and y must have the same length (extra values of the longer are ignored).
SpearmanResult Spearman(const std::vector<double>& x,
                        const std::vector<double>& y,
                        Alternative alternative = Alternative::kTwoSided);

}  // namespace perfcell::stats

#endif  // PERFCELL_CONTRACT_STATS_SPEARMAN_H_
