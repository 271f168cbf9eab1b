// Per-cell statistics of one series: what a maintainer reads first.
//
// Only iterations that succeeded and are not warm-up enter the estimate;
// warm-up and failed iterations are counted and reported separately.
#ifndef PERFCELL_ANALYSIS_GROUP_STATS_H_
#define PERFCELL_ANALYSIS_GROUP_STATS_H_

#include <vector>

#include "analysis/dataset.h"
#include "contract/stats/bootstrap.h"
#include "contract/stats/spearman.h"

namespace perfcell::analysis {

struct GroupStats {
  int n = 0;         // measured iterations that succeeded
  int n_warmup = 0;  // warm-up iterations that succeeded
  int n_failed = 0;  // failed iterations (warm-up or not)
  double median, mean, stddev, cv, min, max;  // throughput, bytes/s
  stats::Interval median_ci;
  // Median of the warm-up iterations and its ratio to the measured median.
  double warmup_median;
  double warmup_ratio;
  // Trend of throughput over start time inside the cell, and the change
  // from the first half of the iterations to the second (ratio of medians).
  stats::SpearmanResult drift;
  double drift_ratio;
  std::vector<double> measured;  // throughputs entering the estimate
};

GroupStats ComputeGroupStats(const Group& group,
                             const stats::BootstrapOptions& bootstrap);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_GROUP_STATS_H_
