#include "analysis/format.h"

#include <cmath>

#include "absl/strings/str_format.h"

namespace perfcell::analysis {

std::string FormatChange(double ratio) {
  if (std::isnan(ratio)) return "n/a";
  const double change = (ratio - 1) * 100;
  // Avoid "-0.0%" for changes that round to zero.
  if (std::fabs(change) < 0.05) return "+0.0%";
  return absl::StrFormat("%+.1f%%", change);
}

std::string FormatPercent(double fraction) {
  if (std::isnan(fraction)) return "n/a";
  return absl::StrFormat("%.1f%%", fraction * 100);
}

std::string FormatThroughput(double bytes_per_second) {
  if (std::isnan(bytes_per_second)) return "n/a";
  const double mib = bytes_per_second / (1 << 20);
  if (mib >= 100) return absl::StrFormat("%.0f MiB/s", mib);
  if (mib >= 10) return absl::StrFormat("%.1f MiB/s", mib);
  return absl::StrFormat("%.2f MiB/s", mib);
}

std::string FormatPValue(double p) {
  if (std::isnan(p)) return "n/a";
  if (p < 0.0001) return "<0.0001";
  return absl::StrFormat("%.4f", p);
}

std::string FormatNumber(double value, int digits) {
  if (std::isnan(value)) return "";
  return absl::StrFormat("%.*f", digits, value);
}

}  // namespace perfcell::analysis
