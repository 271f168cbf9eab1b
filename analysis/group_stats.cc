#include "analysis/group_stats.h"

#include <algorithm>
#include <limits>

#include "contract/stats/descriptive.h"

namespace perfcell::analysis {

GroupStats ComputeGroupStats(const Group& group,
                             const stats::BootstrapOptions& bootstrap) {
  GroupStats s;
  std::vector<const Sample*> ordered;
  std::vector<double> warmup;
  for (const Sample& sample : group.samples) {
    if (!sample.ok) {
      ++s.n_failed;
    } else if (sample.warmup) {
      warmup.push_back(sample.throughput);
    } else {
      ordered.push_back(&sample);
    }
  }
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const Sample* a, const Sample* b) {
                     return a->start_unix_nanos < b->start_unix_nanos;
                   });
  std::vector<double> times;
  for (const Sample* sample : ordered) {
    s.measured.push_back(sample->throughput);
    times.push_back(static_cast<double>(sample->start_unix_nanos));
  }
  s.n = s.measured.size();
  s.n_warmup = warmup.size();
  s.median = stats::Median(s.measured);
  s.mean = stats::Mean(s.measured);
  s.stddev = stats::StdDev(s.measured);
  s.cv = stats::CoefficientOfVariation(s.measured);
  s.min = stats::Min(s.measured);
  s.max = stats::Max(s.measured);
  s.median_ci = stats::BootstrapMedianCi(s.measured, bootstrap);
  s.warmup_median = stats::Median(warmup);
  s.warmup_ratio = s.warmup_median / s.median;
  s.drift = stats::Spearman(times, s.measured);
  const size_t half = s.measured.size() / 2;
  if (half >= 2) {
    std::vector<double> first(s.measured.begin(), s.measured.begin() + half);
    std::vector<double> last(s.measured.end() - half, s.measured.end());
    s.drift_ratio = stats::Median(last) / stats::Median(first);
  } else {
    s.drift_ratio = std::numeric_limits<double>::quiet_NaN();
  }
  return s;
}

}  // namespace perfcell::analysis
