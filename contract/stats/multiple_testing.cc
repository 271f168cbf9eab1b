#include "contract/stats/multiple_testing.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace perfcell::stats {
namespace {

// Indices of the non-NaN entries of p, sorted by ascending p.
std::vector<size_t> SortedValid(const std::vector<double>& p) {
  std::vector<size_t> order;
  for (size_t i = 0; i < p.size(); ++i) {
    if (!std::isnan(p[i])) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&p](size_t a, size_t b) { return p[a] < p[b]; });
  return order;
}

}  // namespace

std::vector<double> HolmAdjust(const std::vector<double>& p) {
  std::vector<double> adjusted = p;
  const std::vector<size_t> order = SortedValid(p);
  const size_t m = order.size();
  double running_max = 0;
  for (size_t rank = 0; rank < m; ++rank) {
    const size_t i = order[rank];
    running_max = std::max(running_max, std::min(1.0, (m - rank) * p[i]));
    adjusted[i] = running_max;
  }
  return adjusted;
}

std::vector<double> BenjaminiHochbergAdjust(const std::vector<double>& p) {
  std::vector<double> adjusted = p;
  const std::vector<size_t> order = SortedValid(p);
  const size_t m = order.size();
  double running_min = 1;
  for (size_t rank = m; rank-- > 0;) {
    const size_t i = order[rank];
    running_min = std::min(running_min, p[i] * m / (rank + 1));
    adjusted[i] = running_min;
  }
  return adjusted;
}

}  // namespace perfcell::stats
