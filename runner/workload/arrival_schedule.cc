#include "runner/workload/arrival_schedule.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace perfcell {

absl::StatusOr<ArrivalSchedule> ArrivalSchedule::Create(double start_rate,
                                                        double end_rate,
                                                        double seconds) {
  if (!(seconds > 0) || !std::isfinite(seconds)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "arrival schedule: seconds ", seconds, " must be positive and finite"));
  }
  for (double rate : {start_rate, end_rate}) {
    if (!(rate >= 0) || !std::isfinite(rate)) {
      return absl::InvalidArgumentError(
          absl::StrCat("arrival schedule: rate ", rate,
                       " requests/s must be at least 0 and finite"));
    }
  }
  // N(T): the area under the rate.
  const double expected = (start_rate + end_rate) / 2 * seconds;
  if (expected > static_cast<double>(kMaxRequests)) {
    return absl::InvalidArgumentError(
        absl::StrCat("arrival schedule: ", expected, " requests in ", seconds,
                     " s, more than the ", kMaxRequests, " a stage may have"));
  }
  // Every i with N(t) = i for some t in [0, T): 0 .. ceil(N(T)) - 1.
  const uint64_t size = static_cast<uint64_t>(std::ceil(expected - 1e-9));
  return ArrivalSchedule(start_rate, end_rate, seconds, size);
}

double ArrivalSchedule::Offset(uint64_t i) const {
  // a t^2 + b t = i with a = (r1 - r0) / 2T, b = r0; the root written as
  // 2i / (b + sqrt(b^2 + 4ai)) holds for a = 0 and b = 0 alike and loses no
  // precision when a is small.
  const double a = (end_rate_ - start_rate_) / (2 * seconds_);
  const double b = start_rate_;
  const double n = static_cast<double>(i);
  if (i == 0) return 0;
  const double disc = std::max(0.0, b * b + 4 * a * n);
  const double t = 2 * n / (b + std::sqrt(disc));
  return std::min(t, std::nextafter(seconds_, 0.0));
}

}  // namespace perfcell
