#include "contract/design.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "contract/stats/descriptive.h"

namespace perfcell {

bool IsAdaptive(const Design& design) {
  return design.mode() == Design::INTERLEAVED &&
         design.stop() == Design::ADAPTIVE;
}

Design::RunStatistic RunStatisticOf(const Design& design) {
  return design.run_statistic() == Design::GEOMETRIC_MEAN
             ? Design::GEOMETRIC_MEAN
             : Design::MEDIAN;
}

const char* RunStatisticName(Design::RunStatistic statistic) {
  return statistic == Design::GEOMETRIC_MEAN ? "geometric mean" : "median";
}

double RunValue(Design::RunStatistic statistic,
                std::vector<double> throughputs) {
  if (throughputs.empty()) return NAN;
  if (statistic != Design::GEOMETRIC_MEAN) {
    return stats::Median(std::move(throughputs));
  }
  double sum = 0;
  for (double x : throughputs) {
    if (!(x > 0)) return NAN;
    sum += std::log(x);
  }
  return std::exp(sum / throughputs.size());
}

double RunValue(const Design& design, std::vector<double> throughputs) {
  return RunValue(RunStatisticOf(design), std::move(throughputs));
}

stats::SequentialMethod SequentialMethodOf(const Design& design) {
  return design.method() == Design::MEAN_T
             ? stats::SequentialMethod::kMeanT
             : stats::SequentialMethod::kSignedRank;
}

stats::SequentialDesign SequentialDesignFor(const Design& design,
                                            int comparisons) {
  stats::SequentialDesign s;
  s.min_blocks = static_cast<int>(design.min_blocks());
  s.max_blocks = static_cast<int>(design.max_blocks());
  s.alpha = design.alpha() / std::max(comparisons, 1);
  s.min_effect = design.min_effect();
  s.futility_below = design.futility();
  s.method = SequentialMethodOf(design);
  return s;
}

}  // namespace perfcell
