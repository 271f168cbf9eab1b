// Calibration switches: makes the server deliberately slower by an amount
// proportional to the work each request does, so a client-side statistic can
// be checked against a known effect.
//
//   slowdown_percent = N:         every request takes (1 + N/100) times as
//                                 long as it would (a client measuring
//                                 throughput T sees T / (1 + N/100));
//   drift_percent_per_minute = D: on top of that, D/100 more for every minute
//                                 since the server started;
//   stall_every_seconds = S,      during the last T seconds of every S
//   stall_seconds = T:            seconds of wall time since start, no
//                                 request is handled and no response byte is
//                                 written.
//
// How the delay is made: a RequestPacer is created when a request's head has
// arrived. Just before the response head is written, and again just before
// the last piece of the body, it measures the request's own elapsed time so
// far minus the delay already added (its "work") and sleeps until the added
// delay is factor × work. Before the last piece the server first waits until
// its socket has handed everything earlier to the client (and keeps the send
// buffer small while pacing), so that work includes the time the client took
// to take the body. The delay thus tracks the work the request really did
// (reading the body, SQLite, the client taking the bytes) whatever the
// machine's speed, and is paid while the client waits, never overlapping it:
// a response completes at ≈ (1 + factor) × its undelayed duration. What the
// client's own receive buffer still holds at the last write is the part not
// scaled. No delay is paid between body pieces (it would overlap the client
// draining its buffer and so be invisible); stalls apply to every write.
//
//   Pacer pacer(options);                  // the clock starts here
//   RequestPacer request(&pacer);          // when the head arrived
//   pacer.WaitOutStall();                  // before handling
//   request.BeforeWrite();                 // before each response write
#ifndef PERFCELL_EXAMPLES_CHUNKSTORE_PACING_H_
#define PERFCELL_EXAMPLES_CHUNKSTORE_PACING_H_

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace chunkstore {

struct PacingOptions {
  double slowdown_percent = 0;          // 0..1000
  double drift_percent_per_minute = 0;  // 0..1000
  // Both zero (off), or 0 < stall_seconds < stall_every_seconds <= 86400.
  double stall_every_seconds = 0;
  double stall_seconds = 0;
};

// InvalidArgument naming the flag and its allowed range when an option is
// out of range (NaN and infinities included).
absl::Status ValidatePacingOptions(const PacingOptions& options);

// The delay factor at `since_start` after the server started:
// slowdown/100 + drift/100 × minutes.
double DelayFactor(const PacingOptions& options, absl::Duration since_start);

// How long from `since_start` until the current stall ends; zero when the
// server is not stalling then.
absl::Duration StallRemaining(const PacingOptions& options,
                              absl::Duration since_start);

// The extra sleep owed so that the delay added reaches factor × `work`.
// Never negative.
absl::Duration DelayOwed(double factor, absl::Duration work,
                         absl::Duration already_delayed);

class Pacer {
 public:
  explicit Pacer(PacingOptions options)
      : options_(options), start_(absl::Now()) {}

  // True when any switch is on.
  bool active() const;
  const PacingOptions& options() const { return options_; }
  absl::Duration SinceStart() const { return absl::Now() - start_; }

  // Sleeps until the current stall, if any, is over.
  void WaitOutStall() const;

 private:
  const PacingOptions options_;
  const absl::Time start_;
};

// The delay bookkeeping of one request.
class RequestPacer {
 public:
  // `pacer` may be null (no pacing). The request's clock starts now.
  explicit RequestPacer(const Pacer* pacer)
      : pacer_(pacer), start_(absl::Now()) {}

  // Waits out a stall; with `pay`, then sleeps what the request owes so far.
  void BeforeWrite(bool pay);

  // Sleep added for the slowdown and drift so far (stalls not included).
  absl::Duration delayed() const { return delayed_; }

 private:
  const Pacer* pacer_;
  const absl::Time start_;
  absl::Duration delayed_ = absl::ZeroDuration();
  absl::Duration stalled_ = absl::ZeroDuration();
};

}  // namespace chunkstore

#endif  // PERFCELL_EXAMPLES_CHUNKSTORE_PACING_H_
