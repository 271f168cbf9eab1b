// Distribution functions the tests and power calculations need: the standard
// normal CDF and quantile, and Student's t CDF.
//
//   NormalQuantile(0.975);     // 1.959964
//   StudentTCdf(2.262157, 9);  // 0.975
#ifndef PERFCELL_ANALYSIS_STATS_DISTRIBUTIONS_H_
#define PERFCELL_ANALYSIS_STATS_DISTRIBUTIONS_H_

namespace perfcell::stats {

// P(Z <= z) for a standard normal Z.
double NormalCdf(double z);

// The z with NormalCdf(z) == p, for 0 < p < 1 (to about 1e-12). -inf for
// p <= 0, +inf for p >= 1.
double NormalQuantile(double p);

// P(T <= t) for Student's t with `df` > 0 degrees of freedom.
double StudentTCdf(double t, double df);

// The regularized incomplete beta function I_x(a, b), 0 <= x <= 1, a, b > 0.
double RegularizedIncompleteBeta(double x, double a, double b);

}  // namespace perfcell::stats

#endif  // PERFCELL_ANALYSIS_STATS_DISTRIBUTIONS_H_
