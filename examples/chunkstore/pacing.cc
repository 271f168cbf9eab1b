#include "examples/chunkstore/pacing.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace chunkstore {
namespace {

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

void RequestPacer::BeforeWrite(bool pay) {
  if (pacer_ == nullptr || !pacer_->active()) return;
  // Stall time is not work: it is left out of what the delay scales.
  const absl::Time stall_begin = absl::Now();
  pacer_->WaitOutStall();
  const absl::Time now = absl::Now();
  stalled_ += now - stall_begin;
  if (!pay) return;
  const absl::Duration work = now - start_ - delayed_ - stalled_;
  const absl::Duration owed = DelayOwed(
      DelayFactor(pacer_->options(), pacer_->SinceStart()), work, delayed_);
  if (owed <= absl::ZeroDuration()) return;
  absl::SleepFor(owed);
  delayed_ += absl::Now() - now;
}

}  // namespace chunkstore
