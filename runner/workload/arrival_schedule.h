// The intended start times of an open-model (arrival-rate) load stage: a
// rate that is constant or goes linearly from one value to another over the
// stage, as k6's constant- and ramping-arrival-rate executors do.
//
//   ASSIGN_OR_RETURN(ArrivalSchedule s, ArrivalSchedule::Create(0, 100, 10));
//   s.size();      // 500: the integral of the rate over the stage
//   s.Offset(0);   // 0 s
//   s.Offset(50);  // 3.16 s: sqrt(2 * 10 * 50 / 100)
//
// Request i starts when the expected number of arrivals since the stage
// began, N(t) = r0 t + (r1 - r0) t^2 / (2 T), reaches i; requests i with
// N(t) = i for some t < T are in the stage (N(T) rounded down, and one more
// when N(T) has a fraction: request 0 starts at 0). No randomness: the load
// is the same in every run, so two branches meet the same arrivals.
#ifndef PERFCELL_RUNNER_WORKLOAD_ARRIVAL_SCHEDULE_H_
#define PERFCELL_RUNNER_WORKLOAD_ARRIVAL_SCHEDULE_H_

#include <cstdint>

#include "absl/status/statusor.h"

namespace perfcell {

class ArrivalSchedule {
 public:
  // The most requests one stage may schedule.
  static constexpr uint64_t kMaxRequests = 100'000'000;

  // A stage of `seconds` whose rate goes from `start_rate` to `end_rate`
  // requests per second (equal: constant). InvalidArgument when seconds is
  // not positive and finite, a rate is negative or not finite, or the stage
  // would schedule more than kMaxRequests.
  static absl::StatusOr<ArrivalSchedule> Create(double start_rate,
                                                double end_rate,
                                                double seconds);

  // Requests in the stage.
  uint64_t size() const { return size_; }
  // Seconds from the stage's start to request i's intended start (i <
  // size()); non-decreasing in i and below seconds().
  double Offset(uint64_t i) const;
  double seconds() const { return seconds_; }

 private:
  ArrivalSchedule(double start_rate, double end_rate, double seconds,
                  uint64_t size)
      : start_rate_(start_rate),
        end_rate_(end_rate),
        seconds_(seconds),
        size_(size) {}

  double start_rate_;
  double end_rate_;
  double seconds_;
  uint64_t size_;
};

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_WORKLOAD_ARRIVAL_SCHEDULE_H_
