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
// arrived. Just before the last write of the response it measures the
// request's own elapsed time ("work") and waits until the added delay is
// factor × work (Pacer::SleepFor: sleeps, then spins the last 2 ms, since a
// sleeping thread wakes 0.1..3 ms late on a busy machine). The delay thus
// tracks the work the request really did (reading the body, SQLite, the
// client taking the bytes) whatever the machine's speed, and is paid while
// the client waits for the rest of the response, never overlapping it: a
// response completes at ≈ (1 + factor) × its undelayed duration. No delay
// is paid between body pieces (the client would drain its buffers meanwhile
// and not notice it); stalls apply to every write.
//
// Downloads. The client's time includes reading the body out of its socket,
// which the kernel buffers (on loopback up to tcp_rmem's 32 MiB: a whole
// download can sit in the client's receive queue when the server's last
// write returns). So the server holds back the last 1 KiB of a body
// (ResponseWriter::kHeldBackTail), waits until the client has read all the
// rest (Connection::WaitUntilPeerRead: nothing unsent on our side, and the
// client socket's receive queue, looked up with sock_diag, empty; the time
// it finished is passed as `work_ended`, the wait after it counting as
// delay), pays the delay, then sends the 1 KiB. The send buffer is left
// alone and nothing else waits, so turning the delay on costs a few polls
// per response, not a share of the throughput. Measured with perfcell's
// workload client (runner/workload:calibration_bench, README.md): N = 3 / 10
// come out ≈ +3 % / +10 % on 4 and 16 MiB downloads and uploads, N = 100 ≈ +100
// %.
//   Rejected: a 64 KiB send buffer plus waiting for the socket to drain
//   before the last 320 KiB chunk (the previous design) made perfcell cells'
//   downloads 35..40 % slower whatever N. Waiting for SIOCOUTQ
//   (unacknowledged bytes) = 0 waits out the client's delayed ACK (40 ms)
//   on keep-alive connections: +300 % at N = 3. Sleeping the whole delay:
//   late wake-ups made N = 10 come out +16..30 % on 4 MiB downloads.
//   Limit: a client on another host is not visible to sock_diag; then only
//   "all sent" is waited for, and what its receive queue (and the network)
//   still holds when the tail goes out is not scaled.
//
//   Pacer pacer(options);                  // the clock starts here
//   RequestPacer request(&pacer);          // when the head arrived
//   pacer.WaitOutStall();                  // before handling
//   request.BeforeWrite(last);             // before each response write
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
  // True when requests are slowed (slowdown or drift on), not just stalled.
  bool delays() const {
    return options_.slowdown_percent > 0 ||
           options_.drift_percent_per_minute > 0;
  }
  const PacingOptions& options() const { return options_; }
  absl::Duration SinceStart() const { return absl::Now() - start_; }

  // Sleeps until the current stall, if any, is over.
  void WaitOutStall() const;

  // Waits `wanted`: sleeps all but its last 2 ms, spins those; returns how
  // long it really waited.
  absl::Duration SleepFor(absl::Duration wanted) const;

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
  // `work_ended`: when the request's work ended, if before now (the time
  // since counts as delay already paid).
  void BeforeWrite(bool pay, absl::Time work_ended = absl::InfiniteFuture());

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
