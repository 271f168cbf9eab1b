// Descriptive statistics of a sample: median, mean, sample standard deviation,
// coefficient of variation and quantiles.
//
//   std::vector<double> x = {2, 4, 4, 4, 5, 5, 7, 9};
//   Mean(x);    // 5.0
//   StdDev(x);  // 2.138 (n - 1 in the denominator)
//   Median(x);  // 4.5
//
// Small-n behaviour: every function returns NaN for an empty sample; StdDev and
// CoefficientOfVariation also return NaN for a single value (there is no spread
// to estimate from one observation). None of them allocates more than a copy of
// the input.
#ifndef PERFCELL_CONTRACT_STATS_DESCRIPTIVE_H_
#define PERFCELL_CONTRACT_STATS_DESCRIPTIVE_H_

#include <vector>

namespace perfcell::stats {

// Arithmetic mean. NaN when `x` is empty.
double Mean(const std::vector<double>& x);

// Sample standard deviation with n - 1 in the denominator (Bessel's
// correction). NaN when `x` has fewer than two values.
double StdDev(const std::vector<double>& x);

// StdDev(x) / |Mean(x)|. NaN when fewer than two values or the mean is 0.
double CoefficientOfVariation(const std::vector<double>& x);

// The middle value; the mean of the two middle values for an even count.
// NaN when `x` is empty.
double Median(std::vector<double> x);

// The p-quantile (0 <= p <= 1) by linear interpolation between order
// statistics, R's default `quantile(type = 7)`: h = (n - 1) p, result
// x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]) of the sorted
// sample. Quantile(x, 0.5) == Median(x). NaN when `x` is empty.
double Quantile(std::vector<double> x, double p);

// Smallest and largest values. NaN when `x` is empty.
double Min(const std::vector<double>& x);
double Max(const std::vector<double>& x);

// Mid-ranks (1-based) of `x`: tied values share the mean of the ranks they
// span, e.g. {10, 20, 20, 30} -> {1, 2.5, 2.5, 4}.
std::vector<double> MidRanks(const std::vector<double>& x);

}  // namespace perfcell::stats

#endif  // PERFCELL_CONTRACT_STATS_DESCRIPTIVE_H_
