#include "examples/chunkstore/pacing.h"

#include <sys/prctl.h>

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace chunkstore {
namespace {

// The last part of a calibration delay is spun, not slept (Pacer::SleepFor).
constexpr absl::Duration kSpinLast = absl::Milliseconds(2);

absl::Status CheckRange(absl::string_view flag, double value, double max) {
  if (!std::isfinite(value) || value < 0 || value > max) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, " must be a number from 0 to ", max, ", got ", value));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidatePacingOptions(const PacingOptions& options) {
  if (absl::Status s =
          CheckRange("slowdown_percent", options.slowdown_percent, 1000);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckRange("drift_percent_per_minute",
                                  options.drift_percent_per_minute, 1000);
      !s.ok()) {
    return s;
  }
  const double every = options.stall_every_seconds;
  const double stall = options.stall_seconds;
  if (every == 0 && stall == 0) return absl::OkStatus();
  if (!std::isfinite(every) || every <= 0 || every > 86400) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--stall_every_seconds must be a number above 0 and at most 86400 "
        "when --stall_seconds is set, got ",
        every));
  }
  if (!std::isfinite(stall) || stall <= 0 || stall >= every) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--stall_seconds must be a number above 0 and below "
        "--stall_every_seconds (",
        every, ") when --stall_every_seconds is set, got ", stall));
  }
  return absl::OkStatus();
}

double DelayFactor(const PacingOptions& options, absl::Duration since_start) {
  return options.slowdown_percent / 100 +
         options.drift_percent_per_minute / 100 *
             absl::ToDoubleMinutes(since_start);
}

absl::Duration StallRemaining(const PacingOptions& options,
                              absl::Duration since_start) {
  if (!(options.stall_every_seconds > 0) || !(options.stall_seconds > 0) ||
      since_start < absl::ZeroDuration()) {
    return absl::ZeroDuration();
  }
  // Each period is `every - stall` of service, then the stall.
  const absl::Duration every = absl::Seconds(options.stall_every_seconds);
  const absl::Duration phase = since_start % every;
  const absl::Duration stall_start =
      every - absl::Seconds(options.stall_seconds);
  if (phase < stall_start) return absl::ZeroDuration();
  return every - phase;
}

absl::Duration DelayOwed(double factor, absl::Duration work,
                         absl::Duration already_delayed) {
  if (factor <= 0 || work <= absl::ZeroDuration()) return absl::ZeroDuration();
  const absl::Duration owed = work * factor - already_delayed;
  return owed > absl::ZeroDuration() ? owed : absl::ZeroDuration();
}

bool Pacer::active() const {
  return options_.slowdown_percent > 0 ||
         options_.drift_percent_per_minute > 0 ||
         (options_.stall_every_seconds > 0 && options_.stall_seconds > 0);
}

void Pacer::WaitOutStall() const {
  while (true) {
    absl::Duration remaining = StallRemaining(options_, SinceStart());
    if (remaining <= absl::ZeroDuration()) return;
    absl::SleepFor(remaining);
  }
}

absl::Duration Pacer::SleepFor(absl::Duration wanted) const {
  const absl::Time start = absl::Now();
  const absl::Time deadline = start + wanted;
  // A sleeping thread comes back when the scheduler gets to it: on a busy
  // machine 0.1..3 ms late, a third of a 5 ms download's 10 %. So sleep
  // only up to kSpinLast before the deadline, then spin: a running thread
  // is where real work would be.
  if (wanted > kSpinLast) {
    const int slack = prctl(PR_GET_TIMERSLACK);
    prctl(PR_SET_TIMERSLACK, 1000);
    absl::SleepFor(wanted - kSpinLast);
    if (slack > 0) prctl(PR_SET_TIMERSLACK, slack);
  }
  while (absl::Now() < deadline) {
  }
  return absl::Now() - start;
}

void RequestPacer::BeforeWrite(bool pay, absl::Time work_ended) {
  if (pacer_ == nullptr || !pacer_->active()) return;
  // Stall time is not work: it is left out of what the delay scales.
  const absl::Time called = absl::Now();
  const absl::Duration stalled_before = stalled_;
  pacer_->WaitOutStall();
  stalled_ += absl::Now() - called;
  if (!pay) return;
  // From the end of the work to this call the client was already waiting:
  // that counts as delay paid.
  const absl::Time end = std::min(work_ended, called);
  const absl::Duration work = end - start_ - delayed_ - stalled_before;
  delayed_ += called - end;
  const absl::Duration owed = DelayOwed(
      DelayFactor(pacer_->options(), pacer_->SinceStart()), work, delayed_);
  if (owed > absl::ZeroDuration()) delayed_ += pacer_->SleepFor(owed);
}

}  // namespace chunkstore
