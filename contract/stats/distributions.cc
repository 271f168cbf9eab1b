#include "contract/stats/distributions.h"

#include <cmath>
#include <limits>

#include "boost/math/distributions/normal.hpp"
#include "boost/math/distributions/students_t.hpp"

namespace perfcell::stats {
namespace {

namespace bm = boost::math;

// Errors become values (NaN, ±inf), never exceptions: the statistics code
// has none across its boundaries.
using NoThrow = bm::policies::policy<
    bm::policies::domain_error<bm::policies::ignore_error>,
    bm::policies::pole_error<bm::policies::ignore_error>,
    bm::policies::overflow_error<bm::policies::ignore_error>,
    bm::policies::underflow_error<bm::policies::ignore_error>,
    bm::policies::denorm_error<bm::policies::ignore_error>,
    bm::policies::evaluation_error<bm::policies::ignore_error>,
    bm::policies::rounding_error<bm::policies::ignore_error>,
    bm::policies::indeterminate_result_error<bm::policies::ignore_error>>;

using Normal = bm::normal_distribution<double, NoThrow>;
using StudentT = bm::students_t_distribution<double, NoThrow>;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

double NormalCdf(double z) {
  if (std::isnan(z)) return kNaN;
  if (std::isinf(z)) return z > 0 ? 1 : 0;
  return bm::cdf(Normal(), z);
}

double NormalQuantile(double p) {
  if (std::isnan(p)) return kNaN;
  if (p <= 0) return -kInf;
  if (p >= 1) return kInf;
  return bm::quantile(Normal(), p);
}

double StudentTCdf(double t, double df) {
  if (std::isnan(t) || !(df > 0)) return kNaN;
  if (std::isinf(t)) return t > 0 ? 1 : 0;
  return bm::cdf(StudentT(df), t);
}

double StudentTQuantile(double p, double df) {
  if (std::isnan(p) || !(df > 0)) return kNaN;
  if (p <= 0) return -kInf;
  if (p >= 1) return kInf;
  return bm::quantile(StudentT(df), p);
}

}  // namespace perfcell::stats
