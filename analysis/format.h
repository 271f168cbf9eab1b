// Number formatting shared by the report writers, so that every output
// spells a change, a p-value or a throughput the same way.
//
//   FormatChange(0.902);            // "-9.8%"
//   FormatThroughput(83886080);     // "80.0 MiB/s"
//   FormatPValue(0.00001);          // "<0.0001"
#ifndef PERFCELL_ANALYSIS_FORMAT_H_
#define PERFCELL_ANALYSIS_FORMAT_H_

#include <string>

namespace perfcell::analysis {

// A ratio as a signed relative change, one decimal: 1.123 -> "+12.3%".
// "n/a" for NaN.
std::string FormatChange(double ratio);

// A fraction as a percentage: 0.283 -> "28.3%". "n/a" for NaN.
std::string FormatPercent(double fraction);

// Bytes per second in MiB/s with three significant digits or one decimal.
std::string FormatThroughput(double bytes_per_second);

// p-values: "0.0123", "<0.0001", "n/a".
std::string FormatPValue(double p);

// A plain number with `digits` decimals, "" for NaN (for CSV).
std::string FormatNumber(double value, int digits);

}  // namespace perfcell::analysis

#endif  // PERFCELL_ANALYSIS_FORMAT_H_
