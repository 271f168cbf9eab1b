// Runs one LOAD stage (load_plan.h) against a server: closed model (clients
// sending back to back, ramping on and off) or open model (requests on an
// arrival schedule, sent by a pool of clients), and tallies latency and the
// fate of every request per operation.
//
//   LoadTarget target{entry_id, bytes, seed};
//   StageOutcome out = RunLoadStage(plan[i], mix, StageSeed(seed, i),
//                                   target, clients);
//   out.ops[0].latency;  // downloads' latencies
//   out.ops[0].counts;   // RequestCounts of the downloads
//
// Closed model: client k (each on its own HttpClient of `clients`) starts
// requests back to back from the start of its ActiveWindow until its end,
// at least one when the window is not empty; latency runs from sending a
// request to its whole answer. Each client draws its operations from its
// own RNG seeded with (seed, k).
//
// Open model: requests start on the stage's ArrivalSchedule. A client that
// is free takes the next request in order (its operation drawn from one RNG
// seeded with `seed`, in request order), waits for its intended start if
// that is still ahead, and sends it. When every client is busy, requests
// queue: the next free client sends the oldest one at once and counts it
// `late`. Latency runs from the intended start to the whole answer, so a
// server that stalls is charged for every request it kept waiting, not only
// for those in flight (coordinated omission corrected, as wrk2 does).
// Requests still queued when the stage's time is up are never sent: they
// count as `dropped` (and not in the histogram). Requests in flight at the
// end finish or time out.
//
// Every request is recorded, failed ones too: an answer other than 200 by
// status class, a timeout, a transport error, a 200 with a wrong body.
#ifndef PERFCELL_RUNNER_WORKLOAD_LOAD_RUNNER_H_
#define PERFCELL_RUNNER_WORKLOAD_LOAD_RUNNER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "contract/latency_histogram.h"
#include "proto/cell.pb.h"
#include "runner/workload/http_client.h"
#include "runner/workload/load_plan.h"

namespace perfcell {

// What the requests of a stage work on.
struct LoadTarget {
  std::string entry_id;  // downloads read this entry, `bytes` long
  uint64_t bytes = 0;    // file bytes of a download or an upload
  uint64_t seed = 0;     // uploads send the bytes of this seed
};

// One operation's requests in a stage.
struct OperationTally {
  LatencyCounts latency;  // every request sent, failed ones included
  RequestCounts counts;
  uint64_t ok_bytes = 0;  // file bytes of the requests that succeeded

  void Merge(const OperationTally& other);
};

struct StageOutcome {
  int64_t start_unix_nanos = 0;
  double seconds = 0;  // the stage's start to the last request finishing
  OperationTally ops[kLoadOperations];    // indexed by LoadOperation
  absl::Status first_failure;             // OK when every request succeeded
  int last_failure_http_status = 0;       // 0: no answer
  std::vector<std::string> uploaded_ids;  // entries uploads made

  RequestCounts Total() const;
  uint64_t ok_bytes() const;
};

// A seed for stage `stage` of a run seeded with `seed`.
uint64_t StageSeed(uint64_t seed, uint64_t stage);

// Runs `stage` with the first stage.clients() of `clients` (which must be
// logged in when `mix` has uploads).
StageOutcome RunLoadStage(
    const StagePlan& stage, const OperationMix& mix, uint64_t seed,
    const LoadTarget& target,
    const std::vector<std::unique_ptr<HttpClient>>& clients);

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_WORKLOAD_LOAD_RUNNER_H_
