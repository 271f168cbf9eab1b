// How a LOAD workload's stages will run: checks a perfcell.Workload and lays
// out its stages (closed or open model, constant or ramping), which clients
// of a ramping stage are active when, and the operations requests draw from.
//
//   ASSIGN_OR_RETURN(std::vector<StagePlan> plan,
//                    PlanLoadStages(workload, absl::Seconds(10)));
//   plan[1].label;  // "4 to 16 clients"
//   ClientWindow w = ActiveWindow(plan[1], /*client=*/7);
//   // client 7 starts requests from w.from until w.until (stage-relative)
//   ASSIGN_OR_RETURN(OperationMix mix, OperationMix::FromWorkload(workload));
//   LoadOperation op = mix.Draw(rng());  // kDownload 90 % of the time ...
//
// Stages (see LoadStage in proto/cell.proto):
//   - closed model (arrival_rate 0 everywhere): each stage holds
//     `concurrency` clients (0: the Workload's concurrency, else 4), or with
//     `ramp` goes linearly from the previous stage's clients (0 before the
//     first) to `concurrency` (0 means 0 there), as k6's stages do. The number
//     of active clients at a moment is the ramp's value rounded to the
//     nearest integer, so the average over a ramp is its midpoint.
//   - open model (the Workload's or any stage's arrival_rate above 0): each
//     stage starts requests at `arrival_rate` per second (0: the Workload's),
//     or with `ramp` from the previous stage's rate (the Workload's before
//     the first) to `arrival_rate`; a pool of up to `concurrency` clients
//     (the stage's, else the Workload's, else 4) sends them.
//   - no stages: warmup_iterations + iterations equal stages of
//     `default_stage` each (closed: `concurrency` clients; open: the
//     Workload's rate).
// InvalidArgument, naming the stage, for: bytes_per_request 0, no stages and
// no iterations, warmup_iterations not below the number of stages, a stage
// of 0 or non-finite seconds, a negative or non-finite rate, more than 256
// clients, a stage that would run nothing (0 clients or 0 requests/s all
// through), more than ArrivalSchedule::kMaxRequests requests in a stage.
#ifndef PERFCELL_RUNNER_WORKLOAD_LOAD_PLAN_H_
#define PERFCELL_RUNNER_WORKLOAD_LOAD_PLAN_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "proto/cell.pb.h"

namespace perfcell {

// The most clients a stage may have, and the default when nothing says.
inline constexpr uint32_t kMaxLoadClients = 256;
inline constexpr uint32_t kDefaultLoadClients = 4;

// One stage as it will run.
struct StagePlan {
  absl::Duration length;
  bool open = false;
  // Closed model: active clients at the start and at the end (equal:
  // constant). Open model: both are the pool size.
  uint32_t from_clients = 0;
  uint32_t to_clients = 0;
  // Open model: requests per second at the start and at the end.
  double from_rate = 0;
  double to_rate = 0;
  // What the report shows for the stage's load: "4 clients", "4 to 16
  // clients", "200/s, up to 16 clients", "0 to 200/s, up to 16 clients".
  std::string label;

  // Client threads the stage needs.
  uint32_t clients() const { return std::max(from_clients, to_clients); }
};

absl::StatusOr<std::vector<StagePlan>> PlanLoadStages(
    const Workload& workload, absl::Duration default_stage);

// When a client of a closed-model stage may start requests, as offsets from
// the stage's start: [from, until). Empty (from >= until) when it never is.
struct ClientWindow {
  absl::Duration from;
  absl::Duration until;
};

// The window of client `client` (0-based) in a closed-model stage: the
// whole stage for client < clients of a constant stage; in a ramp, from
// (up) or until (down) the moment the ramp's value passes client + 0.5.
//   stage 0 -> 4 clients over 10 s: client 0 from 1.25 s, client 3 from
//   8.75 s, both until 10 s.
ClientWindow ActiveWindow(const StagePlan& stage, uint32_t client);

enum class LoadOperation { kDownload = 0, kUpload = 1 };
inline constexpr int kLoadOperations = 2;

// "download", "upload".
absl::string_view LoadOperationName(LoadOperation op);

// The operations of a LOAD workload's `mix`, each with its share.
class OperationMix {
 public:
  // From Workload.mix; empty: only downloads. InvalidArgument for an unknown
  // operation (known: download, upload), one named twice, a weight not
  // positive and finite.
  static absl::StatusOr<OperationMix> FromWorkload(const Workload& workload);

  // The operation a request draws with 64 random bits: operation k with
  // probability weight_k / sum of weights.
  LoadOperation Draw(uint64_t random_bits) const;
  // Whether `op` has a weight above 0.
  bool Has(LoadOperation op) const {
    return weights_[static_cast<int>(op)] > 0;
  }
  // Whether the workload named its operations (histograms then carry them).
  bool labelled() const { return labelled_; }

 private:
  double weights_[kLoadOperations] = {1, 0};  // normalised to sum 1
  bool labelled_ = false;
};

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_WORKLOAD_LOAD_PLAN_H_
