#include "runner/workload/load_plan.h"

#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "runner/workload/arrival_schedule.h"

namespace perfcell {
namespace {

std::string Clients(uint32_t n) {
  return absl::StrCat(n, n == 1 ? " client" : " clients");
}

std::string Rate(double r) { return absl::StrFormat("%g", r); }

std::string Label(const StagePlan& s) {
  if (!s.open) {
    if (s.from_clients == s.to_clients) return Clients(s.to_clients);
    return absl::StrCat(s.from_clients, " to ", Clients(s.to_clients));
  }
  const std::string rate =
      s.from_rate == s.to_rate
          ? absl::StrCat(Rate(s.to_rate), "/s")
          : absl::StrCat(Rate(s.from_rate), " to ", Rate(s.to_rate), "/s");
  return absl::StrCat(rate, ", up to ", Clients(s.to_clients));
}

absl::Status StageError(int i, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("LOAD stage ", i, ": ", what));
}

bool IsOpen(const Workload& w) {
  if (w.arrival_rate() > 0) return true;
  for (const LoadStage& s : w.stages()) {
    if (s.arrival_rate() > 0) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<std::vector<StagePlan>> PlanLoadStages(
    const Workload& w, absl::Duration default_stage) {
  if (w.bytes_per_request() == 0) {
    return absl::InvalidArgumentError(
        "LOAD workload has bytes_per_request 0: nothing to transfer");
  }
  if (!(w.arrival_rate() >= 0) || !std::isfinite(w.arrival_rate())) {
    return absl::InvalidArgumentError(
        absl::StrCat("LOAD workload: arrival_rate ", w.arrival_rate(),
                     " must be at least 0 and finite"));
  }
  const bool open = IsOpen(w);
  const uint32_t default_clients =
      w.concurrency() > 0 ? w.concurrency() : kDefaultLoadClients;

  // The stages as LoadStage messages, the implicit ones made explicit.
  std::vector<LoadStage> stages(w.stages().begin(), w.stages().end());
  if (stages.empty()) {
    if (w.iterations() + w.warmup_iterations() == 0) {
      return absl::InvalidArgumentError(
          "LOAD workload has no stages and no iterations (iterations + "
          "warmup_iterations == 0)");
    }
    if (default_stage <= absl::ZeroDuration() ||
        default_stage == absl::InfiniteDuration()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "LOAD stage length ", absl::FormatDuration(default_stage),
          " must be positive and finite"));
    }
    LoadStage stage;
    stage.set_seconds(absl::ToDoubleSeconds(default_stage));
    stages.assign(w.iterations() + w.warmup_iterations(), stage);
  } else if (w.warmup_iterations() >= stages.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "LOAD workload: warmup_iterations ", w.warmup_iterations(),
        " leaves none of its ", stages.size(), " stages measured"));
  }

  std::vector<StagePlan> plan;
  uint32_t previous_clients = 0;
  double previous_rate = w.arrival_rate();
  for (int i = 0; i < static_cast<int>(stages.size()); ++i) {
    const LoadStage& stage = stages[i];
    if (!(stage.seconds() > 0) || !std::isfinite(stage.seconds())) {
      return StageError(i, absl::StrCat("seconds ", stage.seconds(),
                                        " must be positive and finite"));
    }
    StagePlan p;
    p.length = absl::Seconds(stage.seconds());
    p.open = open;
    if (open) {
      if (!(stage.arrival_rate() >= 0) ||
          !std::isfinite(stage.arrival_rate())) {
        return StageError(i, absl::StrCat("arrival_rate ", stage.arrival_rate(),
                                          " must be at least 0 and finite"));
      }
      p.to_rate = stage.ramp() || stage.arrival_rate() > 0
                      ? stage.arrival_rate()
                      : w.arrival_rate();
      p.from_rate = stage.ramp() ? previous_rate : p.to_rate;
      p.from_clients = p.to_clients =
          stage.concurrency() > 0 ? stage.concurrency() : default_clients;
      absl::StatusOr<ArrivalSchedule> schedule =
          ArrivalSchedule::Create(p.from_rate, p.to_rate, stage.seconds());
      if (!schedule.ok()) return StageError(i, schedule.status().message());
      if (schedule->size() == 0) {
        return StageError(
            i, absl::StrCat("0 requests in ", stage.seconds(), " s at ",
                            Label(p), ": nothing would run"));
      }
      previous_rate = p.to_rate;
    } else {
      p.to_clients = stage.ramp() || stage.concurrency() > 0
                         ? stage.concurrency()
                         : default_clients;
      p.from_clients = stage.ramp() ? previous_clients : p.to_clients;
      if (p.clients() == 0) {
        return StageError(i, "0 clients all through: nothing would run");
      }
      previous_clients = p.to_clients;
    }
    if (p.clients() > kMaxLoadClients) {
      return StageError(i,
                        absl::StrCat(Clients(p.clients()), ", more than the ",
                                     kMaxLoadClients, " allowed"));
    }
    p.label = Label(p);
    plan.push_back(std::move(p));
  }
  return plan;
}

ClientWindow ActiveWindow(const StagePlan& stage, uint32_t client) {
  const absl::Duration all = stage.length;
  const double a = stage.from_clients, b = stage.to_clients;
  const double k = client + 0.5;  // active while the ramp is above this
  if (stage.from_clients == stage.to_clients) {
    return client < stage.to_clients ? ClientWindow{absl::ZeroDuration(), all}
                                     : ClientWindow{all, all};
  }
  if (a < b) {  // up: from the moment the ramp reaches k
    if (k >= b) return {all, all};
    const double f = k <= a ? 0 : (k - a) / (b - a);
    return {f * all, all};
  }
  // down: until the moment the ramp falls to k
  if (k >= a) return {all, all};
  const double f = k <= b ? 1 : (a - k) / (a - b);
  return {absl::ZeroDuration(), f * all};
}

absl::string_view LoadOperationName(LoadOperation op) {
  return op == LoadOperation::kUpload ? "upload" : "download";
}

absl::StatusOr<OperationMix> OperationMix::FromWorkload(const Workload& w) {
  OperationMix mix;
  if (w.mix().empty()) return mix;
  double weights[kLoadOperations] = {0, 0};
  bool named[kLoadOperations] = {false, false};
  double sum = 0;
  for (const OperationWeight& o : w.mix()) {
    int op;
    if (o.operation() == "download") {
      op = static_cast<int>(LoadOperation::kDownload);
    } else if (o.operation() == "upload") {
      op = static_cast<int>(LoadOperation::kUpload);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("LOAD mix: unknown operation \"", o.operation(),
                       "\" (known: download, upload)"));
    }
    if (named[op]) {
      return absl::InvalidArgumentError(
          absl::StrCat("LOAD mix names \"", o.operation(), "\" twice"));
    }
    if (!(o.weight() > 0) || !std::isfinite(o.weight())) {
      return absl::InvalidArgumentError(
          absl::StrCat("LOAD mix: weight ", o.weight(), " of \"", o.operation(),
                       "\" must be positive and finite"));
    }
    named[op] = true;
    weights[op] = o.weight();
    sum += o.weight();
  }
  for (int op = 0; op < kLoadOperations; ++op) {
    mix.weights_[op] = weights[op] / sum;
  }
  mix.labelled_ = true;
  return mix;
}

LoadOperation OperationMix::Draw(uint64_t random_bits) const {
  // 53 random bits as a double in [0, 1).
  const double u = static_cast<double>(random_bits >> 11) * 0x1.0p-53;
  double edge = 0;
  for (int op = 0; op < kLoadOperations - 1; ++op) {
    edge += weights_[op];
    if (weights_[op] > 0 && u < edge) return static_cast<LoadOperation>(op);
  }
  for (int op = kLoadOperations - 1; op > 0; --op) {
    if (weights_[op] > 0) return static_cast<LoadOperation>(op);
  }
  return LoadOperation::kDownload;
}

}  // namespace perfcell
