// Distribution functions the tests and power calculations need: the standard
// normal CDF and quantile, Student's t CDF and quantile. A thin wrapper over
// Boost.Math (header-only, Debian's libboost-dev) whose error policy returns
// values instead of throwing: NaN for NaN input, infinities at the ends.
//
//   NormalQuantile(0.975);        // 1.959964
//   StudentTCdf(2.262157, 9);     // 0.975
//   StudentTQuantile(0.975, 9);   // 2.262157
#ifndef PERFCELL_CONTRACT_STATS_DISTRIBUTIONS_H_
#define PERFCELL_CONTRACT_STATS_DISTRIBUTIONS_H_

namespace perfcell::stats {

// P(Z <= z) for a standard normal Z.
double NormalCdf(double z);

// The z with NormalCdf(z) == p, for 0 < p < 1. -inf for p <= 0, +inf for
// p >= 1.
double NormalQuantile(double p);

// P(T <= t) for Student's t with `df` > 0 degrees of freedom (NaN for
// df <= 0).
double StudentTCdf(double t, double df);

// The t with StudentTCdf(t, df) == p, for 0 < p < 1 and df > 0. -inf for
// p <= 0, +inf for p >= 1, NaN for df <= 0.
double StudentTQuantile(double p, double df);

}  // namespace perfcell::stats

#endif  // PERFCELL_CONTRACT_STATS_DISTRIBUTIONS_H_
