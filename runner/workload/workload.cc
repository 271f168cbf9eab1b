#include "runner/workload/workload.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "runner/workload/api_profile.h"
#include "runner/workload/http_client.h"
#include "runner/workload/latency_histogram.h"
#include "runner/workload/multipart_body.h"
#include "runner/workload/picoshare_api.h"
#include "tools/cc/sha256.h"
#include "tools/cc/status_macros.h"

namespace perfcell {
namespace {

constexpr absl::string_view kFileField = "file";

// LOAD: clients per stage when neither the stage nor the workload says, the
// most a stage may have, and the bound on each request when the run has none.
constexpr uint32_t kDefaultLoadClients = 4;
constexpr uint32_t kMaxLoadClients = 256;
constexpr absl::Duration kLoadFallbackTimeout = absl::Seconds(300);

using SteadyClock = std::chrono::steady_clock;

double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// One stage of a LOAD run, as it will run.
struct StagePlan {
  absl::Duration length;
  uint32_t clients = 0;
};

// What the clients of one stage measured together.
struct StageOutcome {
  int64_t start_unix_nanos = 0;
  double seconds = 0;  // starting the clients to the last one finishing
  LatencyCounts latency;
  uint64_t requests = 0;
  uint64_t failures = 0;
  uint64_t ok_bytes = 0;  // file bytes of the downloads that succeeded
  int last_failure_http_status = 0;
  absl::Status first_failure;
};

std::string Clients(uint32_t n) {
  return absl::StrCat(n, n == 1 ? " client" : " clients");
}

// Checks a LOAD workload and lays out its stages (see workload.h).
absl::StatusOr<std::vector<StagePlan>> PlanLoadStages(const WorkloadRun& run) {
  const Workload& w = run.workload;
  if (w.bytes_per_request() == 0) {
    return absl::InvalidArgumentError(
        "LOAD workload has bytes_per_request 0: nothing to download");
  }
  const uint32_t default_clients =
      w.concurrency() > 0 ? w.concurrency() : kDefaultLoadClients;
  std::vector<StagePlan> plan;
  if (w.stages().empty()) {
    if (w.iterations() + w.warmup_iterations() == 0) {
      return absl::InvalidArgumentError(
          "LOAD workload has no stages and no iterations (iterations + "
          "warmup_iterations == 0)");
    }
    if (run.load_stage <= absl::ZeroDuration() ||
        run.load_stage == absl::InfiniteDuration()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "LOAD stage length ", absl::FormatDuration(run.load_stage),
          " must be positive and finite"));
    }
    plan.assign(w.iterations() + w.warmup_iterations(),
                StagePlan{run.load_stage, default_clients});
  } else {
    if (w.warmup_iterations() >= static_cast<uint32_t>(w.stages_size())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "LOAD workload: warmup_iterations ", w.warmup_iterations(),
          " leaves none of its ", w.stages_size(), " stages measured"));
    }
    for (int i = 0; i < w.stages_size(); ++i) {
      const LoadStage& stage = w.stages(i);
      if (!(stage.seconds() > 0) || !std::isfinite(stage.seconds())) {
        return absl::InvalidArgumentError(
            absl::StrCat("LOAD stage ", i, ": seconds ", stage.seconds(),
                         " must be positive and finite"));
      }
      plan.push_back(StagePlan{
          absl::Seconds(stage.seconds()),
          stage.concurrency() > 0 ? stage.concurrency() : default_clients});
    }
  }
  for (size_t i = 0; i < plan.size(); ++i) {
    if (plan[i].clients > kMaxLoadClients) {
      return absl::InvalidArgumentError(
          absl::StrCat("LOAD stage ", i, ": ", Clients(plan[i].clients),
                       ", more than the ", kMaxLoadClients, " allowed"));
    }
  }
  return plan;
}

// Runs one stage: `plan.clients` threads, each on its own client of
// `clients`, downloading `entry_id` back to back until the stage's time is up
// (at least one request each).
StageOutcome RunLoadStage(
    const StagePlan& plan, const std::string& entry_id, uint64_t expected_bytes,
    const std::vector<std::unique_ptr<HttpClient>>& clients) {
  StageOutcome outcome;
  absl::Mutex mu;
  std::vector<std::thread> threads;
  threads.reserve(plan.clients);

  outcome.start_unix_nanos = absl::ToUnixNanos(absl::Now());
  const SteadyClock::time_point start = SteadyClock::now();
  const SteadyClock::time_point end =
      start + std::chrono::nanoseconds(absl::ToInt64Nanoseconds(plan.length));
  for (uint32_t c = 0; c < plan.clients; ++c) {
    threads.emplace_back([&, client = clients[c].get()] {
      PicoShareApi api(client);
      LatencyCounts latency;
      uint64_t requests = 0, failures = 0, ok_bytes = 0;
      do {
        const SteadyClock::time_point sent = SteadyClock::now();
        const Exchange exchange =
            api.Download(entry_id, expected_bytes, /*sha256=*/nullptr);
        latency.Add(SecondsSince(sent));
        ++requests;
        if (exchange.status.ok()) {
          ok_bytes += exchange.bytes;
        } else {
          ++failures;
          absl::MutexLock lock(&mu);
          if (outcome.first_failure.ok()) {
            outcome.first_failure = exchange.status;
          }
          outcome.last_failure_http_status = exchange.http_status;
        }
      } while (SteadyClock::now() < end);
      absl::MutexLock lock(&mu);
      outcome.latency.Merge(latency);
      outcome.requests += requests;
      outcome.failures += failures;
      outcome.ok_bytes += ok_bytes;
    });
  }
  for (std::thread& t : threads) t.join();
  outcome.seconds = SecondsSince(start);
  return outcome;
}

// One timed exchange: the facts an Iteration records.
struct Timed {
  Exchange exchange;
  int64_t start_unix_nanos = 0;
  double seconds = 0;
};

template <typename Fn>
Timed TimeExchange(Fn&& fn) {
  Timed timed;
  timed.start_unix_nanos = absl::ToUnixNanos(absl::Now());
  const auto start = std::chrono::steady_clock::now();
  timed.exchange = fn();
  timed.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return timed;
}

// Holds what every kind of workload shares: the connection, the profile,
// the way an iteration is recorded and reported.
class Driver {
 public:
  Driver(const WorkloadRun& run, ApiProfile profile,
         std::unique_ptr<HttpClient> client, WorkloadResult* result)
      : run_(run),
        profile_(std::move(profile)),
        client_(std::move(client)),
        api_(client_.get()),
        result_(result) {}

  absl::Status Upload();
  absl::Status Download();
  absl::Status Load(const std::vector<StagePlan>& plan);
  PicoShareApi& api() { return api_; }

 private:
  uint32_t total() const {
    return run_.workload.warmup_iterations() + run_.workload.iterations();
  }

  Iteration Start(uint32_t index, const Timed& timed) const;
  // Fails `it` with `status` unless `it` already failed.
  static void Fail(Iteration& it, const absl::Status& status,
                   absl::Status* first_error);
  // Asks the guest for metrics into `it`; fails it on errors but NotFound.
  void TakeMetrics(Iteration& it, absl::Status* error);
  // Records and reports `it`; returns the error for the caller to stop with.
  absl::Status Finish(Iteration it, const std::string& what,
                      absl::Status error);

  const WorkloadRun& run_;
  const ApiProfile profile_;
  std::unique_ptr<HttpClient> client_;
  PicoShareApi api_;
  WorkloadResult* result_;
};

Iteration Driver::Start(uint32_t index, const Timed& timed) const {
  Iteration it;
  it.set_index(index);
  it.set_warmup(index < run_.workload.warmup_iterations());
  it.set_branch(run_.branch);
  it.set_start_unix_nanos(timed.start_unix_nanos);
  it.set_bytes(timed.exchange.bytes);
  it.set_seconds(timed.seconds);
  it.set_http_status(timed.exchange.http_status);
  if (timed.exchange.server_seconds.has_value()) {
    it.set_server_seconds(*timed.exchange.server_seconds);
  }
  it.set_ok(timed.exchange.status.ok());
  if (!timed.exchange.status.ok()) {
    it.set_error(std::string(timed.exchange.status.message()));
  }
  return it;
}

void Driver::Fail(Iteration& it, const absl::Status& status,
                  absl::Status* first_error) {
  if (status.ok() || !first_error->ok()) return;
  *first_error = status;
  it.set_ok(false);
  it.set_error(std::string(status.message()));
}

void Driver::TakeMetrics(Iteration& it, absl::Status* error) {
  if (!run_.guest_metrics) return;
  absl::StatusOr<GuestMetrics> metrics = run_.guest_metrics();
  if (metrics.ok()) {
    *it.mutable_metrics() = *std::move(metrics);
  } else if (!absl::IsNotFound(metrics.status())) {
    Fail(it,
         absl::Status(metrics.status().code(),
                      absl::StrCat("guest metrics after the iteration: ",
                                   metrics.status().message())),
         error);
  }
}

absl::Status Driver::Finish(Iteration it, const std::string& what,
                            absl::Status error) {
  result_->iterations.push_back(it);
  if (run_.on_iteration) run_.on_iteration(result_->iterations.back());
  if (error.ok()) return error;
  return absl::Status(
      error.code(),
      absl::StrCat("iteration ", it.index(), it.warmup() ? " (warm-up " : " (",
                   what, ") failed: ", error.message()));
}

absl::Status Driver::Upload() {
  const Workload& w = run_.workload;
  for (uint32_t i = 0; i < total(); ++i) {
    const bool verify = (i == 0);
    MultipartBody body(w.seed(), w.bytes_per_request(), kFileField, verify);
    const Timed timed = TimeExchange([&] { return api_.Upload(body); });
    Iteration it = Start(i, timed);
    absl::Status error = timed.exchange.status;

    if (error.ok() && verify) {
      // Untimed: read the entry back, so a server that drops or alters bytes
      // fails the cell instead of looking fast.
      Sha256 sha;
      Exchange back =
          api_.Download(timed.exchange.entry_id, w.bytes_per_request(), &sha);
      if (!back.status.ok()) {
        Fail(it,
             absl::Status(back.status.code(),
                          absl::StrCat("reading the upload back: ",
                                       back.status.message())),
             &error);
      } else if (const std::string got = sha.HexDigest();
                 got != body.FileSha256()) {
        Fail(it,
             absl::DataLossError(
                 absl::StrCat("the server altered the upload: sha256 sent ",
                              body.FileSha256(), ", read back ", got)),
             &error);
      }
    }
    if (error.ok()) TakeMetrics(it, &error);
    if (error.ok()) {
      std::vector<std::string> ids;
      if (!timed.exchange.entry_id.empty()) {
        ids.push_back(timed.exchange.entry_id);
      }
      absl::Status reset = ResetServer(profile_, api_, ids);
      if (!reset.ok()) {
        Fail(it,
             absl::Status(reset.code(),
                          absl::StrCat("reset (", profile_.name,
                                       " profile) after the iteration: ",
                                       reset.message())),
             &error);
      }
    }
    RETURN_IF_ERROR(Finish(std::move(it), "upload", error));
  }
  return absl::OkStatus();
}

absl::Status Driver::Download() {
  const Workload& w = run_.workload;
  MultipartBody body(w.seed(), w.bytes_per_request(), kFileField,
                     /*hash=*/true);
  const Exchange up = api_.Upload(body);
  if (!up.status.ok()) {
    return absl::Status(
        up.status.code(),
        absl::StrCat("the upload a download cell reads failed: ",
                     up.status.message()));
  }
  const std::string sent_sha = body.FileSha256();

  const bool cold = w.kind() == Workload::DOWNLOAD_COLD;
  for (uint32_t i = 0; i < total(); ++i) {
    const bool verify = (i == 0);
    if (cold) {
      if (absl::Status dropped = run_.drop_caches(); !dropped.ok()) {
        return absl::Status(dropped.code(),
                            absl::StrCat("iteration ", i, " (cold download): ",
                                         dropped.message()));
      }
    }
    Sha256 sha;
    const Timed timed = TimeExchange([&] {
      return api_.Download(up.entry_id, w.bytes_per_request(),
                           verify ? &sha : nullptr);
    });
    Iteration it = Start(i, timed);
    absl::Status error = timed.exchange.status;
    if (error.ok() && verify) {
      if (const std::string got = sha.HexDigest(); got != sent_sha) {
        Fail(it,
             absl::DataLossError(
                 absl::StrCat("the server altered the download: sha256 sent ",
                              sent_sha, ", received ", got)),
             &error);
      }
    }
    if (error.ok()) TakeMetrics(it, &error);
    RETURN_IF_ERROR(Finish(std::move(it), "download", error));
  }

  absl::Status reset = ResetServer(profile_, api_, {up.entry_id});
  if (!reset.ok()) {
    return absl::Status(
        reset.code(),
        absl::StrCat("reset (", profile_.name,
                     " profile) after the downloads: ", reset.message()));
  }
  return absl::OkStatus();
}

absl::Status Driver::Load(const std::vector<StagePlan>& plan) {
  const Workload& w = run_.workload;
  MultipartBody body(w.seed(), w.bytes_per_request(), kFileField,
                     /*hash=*/true);
  const Exchange up = api_.Upload(body);
  if (!up.status.ok()) {
    return absl::Status(
        up.status.code(),
        absl::StrCat("the upload a load cell downloads failed: ",
                     up.status.message()));
  }
  Sha256 sha;
  const Exchange back = api_.Download(up.entry_id, w.bytes_per_request(), &sha);
  if (!back.status.ok()) {
    return absl::Status(
        back.status.code(),
        absl::StrCat("reading back the file a load cell downloads: ",
                     back.status.message()));
  }
  if (const std::string got = sha.HexDigest(); got != body.FileSha256()) {
    return absl::DataLossError(absl::StrCat(
        "the server altered the file a load cell downloads: sha256 sent ",
        body.FileSha256(), ", read back ", got));
  }

  // One client per thread of the largest stage, made before any stage runs;
  // a stage of n clients uses the first n (each keeps its connection).
  uint32_t most = 0;
  for (const StagePlan& stage : plan) most = std::max(most, stage.clients);
  const absl::Duration timeout = run_.request_timeout > absl::ZeroDuration()
                                     ? run_.request_timeout
                                     : kLoadFallbackTimeout;
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (uint32_t c = 0; c < most; ++c) {
    ASSIGN_OR_RETURN(std::unique_ptr<HttpClient> client,
                     HttpClient::Create(run_.base_url, timeout));
    clients.push_back(std::move(client));
  }

  for (uint32_t i = 0; i < plan.size(); ++i) {
    const StagePlan& stage = plan[i];
    const StageOutcome outcome =
        RunLoadStage(stage, up.entry_id, w.bytes_per_request(), clients);
    Iteration it;
    it.set_index(i);
    it.set_warmup(i < w.warmup_iterations());
    it.set_branch(run_.branch);
    it.set_start_unix_nanos(outcome.start_unix_nanos);
    it.set_bytes(outcome.ok_bytes);
    it.set_seconds(outcome.seconds);
    it.set_http_status(outcome.failures > 0 ? outcome.last_failure_http_status
                                            : 200);
    it.set_ok(true);
    absl::Status error;
    if (outcome.failures > 0) {
      Fail(it,
           absl::Status(outcome.first_failure.code(),
                        absl::StrCat(outcome.failures, " of ", outcome.requests,
                                     " requests failed; first: ",
                                     outcome.first_failure.message())),
           &error);
    }
    result_->histograms.push_back(outcome.latency.ToProto(
        absl::StrCat("stage ", i, ": ", Clients(stage.clients))));
    if (error.ok()) TakeMetrics(it, &error);
    RETURN_IF_ERROR(Finish(std::move(it),
                           absl::StrCat("load stage, ", Clients(stage.clients)),
                           error));
  }

  absl::Status reset = ResetServer(profile_, api_, {up.entry_id});
  if (!reset.ok()) {
    return absl::Status(reset.code(), absl::StrCat("reset (", profile_.name,
                                                   " profile) after the load: ",
                                                   reset.message()));
  }
  return absl::OkStatus();
}

absl::Status CheckWorkload(const Workload& w) {
  if (w.iterations() + w.warmup_iterations() == 0) {
    return absl::InvalidArgumentError(
        "workload has no iterations (iterations + warmup_iterations == 0)");
  }
  return absl::OkStatus();
}

}  // namespace

WorkloadRun WorkloadRunFromSpec(const CellSpec& spec, std::string base_url,
                                std::string shared_secret, std::string branch) {
  WorkloadRun run;
  run.base_url = std::move(base_url);
  run.api_profile = spec.api_profile();
  run.shared_secret = std::move(shared_secret);
  run.branch = std::move(branch);
  run.workload = spec.workload();
  run.request_timeout = absl::Seconds(spec.timeouts().request_seconds());
  return run;
}

absl::Status RunWorkload(const WorkloadRun& run, WorkloadResult* result) {
  ASSIGN_OR_RETURN(ApiProfile profile, ApiProfileByName(run.api_profile));
  std::vector<StagePlan> load_plan;
  switch (run.workload.kind()) {
    case Workload::UPLOAD:
    case Workload::DOWNLOAD:
      RETURN_IF_ERROR(CheckWorkload(run.workload));
      break;
    case Workload::DOWNLOAD_COLD:
      RETURN_IF_ERROR(CheckWorkload(run.workload));
      if (!run.drop_caches) {
        return absl::FailedPreconditionError(
            "DOWNLOAD_COLD needs a way to drop the server's page cache "
            "(WorkloadRun::drop_caches); this backend gave none");
      }
      break;
    case Workload::LOAD: {
      ASSIGN_OR_RETURN(load_plan, PlanLoadStages(run));
      break;
    }
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "workload kind ", Workload::Kind_Name(run.workload.kind()),
          " is not one of UPLOAD, DOWNLOAD, DOWNLOAD_COLD, LOAD"));
  }

  ASSIGN_OR_RETURN(std::unique_ptr<HttpClient> client,
                   HttpClient::Create(run.base_url, run.request_timeout));
  Driver driver(run, profile, std::move(client), result);
  RETURN_IF_ERROR(driver.api().Login(run.shared_secret));
  switch (run.workload.kind()) {
    case Workload::UPLOAD:
      return driver.Upload();
    case Workload::DOWNLOAD:
    case Workload::DOWNLOAD_COLD:
      return driver.Download();
    default:
      return driver.Load(load_plan);
  }
}

}  // namespace perfcell
