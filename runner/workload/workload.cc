#include "runner/workload/workload.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "contract/latency_histogram.h"
#include "runner/workload/api_profile.h"
#include "runner/workload/http_client.h"
#include "runner/workload/load_plan.h"
#include "runner/workload/load_runner.h"
#include "runner/workload/multipart_body.h"
#include "runner/workload/picoshare_api.h"
#include "tools/cc/sha256.h"
#include "tools/cc/status_macros.h"

namespace perfcell {
namespace {

constexpr absl::string_view kFileField = "file";

// LOAD: the bound on each request when the run has none.
constexpr absl::Duration kLoadFallbackTimeout = absl::Seconds(300);

// LOAD: whether a stage lost more requests than it may (workload.h).
bool TooManyFailures(const RequestCounts& c) {
  const uint64_t failures = c.sent() - c.ok();
  if (failures == 0) return false;
  return c.ok() == 0 ||
         static_cast<double>(failures) >
             kMaxLoadFailureShare * static_cast<double>(c.sent());
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
  absl::Status Load(const std::vector<StagePlan>& plan,
                    const OperationMix& mix);
  PicoShareApi& api() { return api_; }

 private:
  // What was done before a cold read.
  struct ColdPreparation {
    bool restarted = false;
    double restart_seconds = 0;
  };
  // Untimed, before each cold read: restarts the server where the profile
  // allows (and logs in again), then drops the page cache.
  absl::StatusOr<ColdPreparation> PrepareColdRead();

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
    ColdPreparation prepared;
    if (cold) {
      absl::StatusOr<ColdPreparation> done = PrepareColdRead();
      if (!done.ok()) {
        return absl::Status(done.status().code(),
                            absl::StrCat("iteration ", i, " (cold download): ",
                                         done.status().message()));
      }
      prepared = *done;
    }
    Sha256 sha;
    const Timed timed = TimeExchange([&] {
      return api_.Download(up.entry_id, w.bytes_per_request(),
                           verify ? &sha : nullptr);
    });
    Iteration it = Start(i, timed);
    if (cold) {
      it.set_caches_dropped(true);
      it.set_server_restarted(prepared.restarted);
      it.set_restart_seconds(prepared.restart_seconds);
    }
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

absl::StatusOr<Driver::ColdPreparation> Driver::PrepareColdRead() {
  ColdPreparation prepared;
  if (profile_.restart_keeps_data) {
    const auto start = std::chrono::steady_clock::now();
    if (absl::Status restarted = run_.restart_server(); !restarted.ok()) {
      return absl::Status(
          restarted.code(),
          absl::StrCat("restarting the server: ", restarted.message()));
    }
    // The old connection died with the server: open the new one now (and
    // renew the session), not inside the timed request.
    if (absl::Status login = api_.Login(run_.shared_secret); !login.ok()) {
      return absl::Status(
          login.code(),
          absl::StrCat("logging in after the restart: ", login.message()));
    }
    prepared.restarted = true;
    prepared.restart_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
  }
  if (absl::Status dropped = run_.drop_caches(); !dropped.ok()) {
    return dropped;
  }
  return prepared;
}

absl::Status Driver::Load(const std::vector<StagePlan>& plan,
                          const OperationMix& mix) {
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
  // a stage of n clients uses the first n (each keeps its connection). They
  // log in only when they upload: downloads need no cookie.
  uint32_t most = 0;
  for (const StagePlan& stage : plan) most = std::max(most, stage.clients());
  const absl::Duration timeout = run_.request_timeout > absl::ZeroDuration()
                                     ? run_.request_timeout
                                     : kLoadFallbackTimeout;
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (uint32_t c = 0; c < most; ++c) {
    ASSIGN_OR_RETURN(std::unique_ptr<HttpClient> client,
                     HttpClient::Create(run_.base_url, timeout));
    if (mix.Has(LoadOperation::kUpload)) {
      PicoShareApi api(client.get());
      RETURN_IF_ERROR(api.Login(run_.shared_secret));
    }
    clients.push_back(std::move(client));
  }

  const LoadTarget target{up.entry_id, w.bytes_per_request(), w.seed()};
  std::vector<std::string> made = {up.entry_id};
  for (uint32_t i = 0; i < plan.size(); ++i) {
    const StagePlan& stage = plan[i];
    StageOutcome outcome =
        RunLoadStage(stage, mix, StageSeed(w.seed(), i), target, clients);
    made.insert(made.end(), outcome.uploaded_ids.begin(),
                outcome.uploaded_ids.end());
    const RequestCounts total = outcome.Total();
    Iteration it;
    it.set_index(i);
    it.set_warmup(i < w.warmup_iterations());
    it.set_branch(run_.branch);
    it.set_start_unix_nanos(outcome.start_unix_nanos);
    it.set_bytes(outcome.ok_bytes());
    it.set_seconds(outcome.seconds);
    const uint64_t failures = total.sent() - total.ok();
    const bool too_many = TooManyFailures(total);
    it.set_http_status(too_many ? outcome.last_failure_http_status : 200);
    it.set_ok(true);
    *it.mutable_requests() = total;
    absl::Status error;
    if (too_many) {
      Fail(it,
           absl::Status(outcome.first_failure.code(),
                        absl::StrCat(failures, " of ", total.sent(),
                                     " requests failed, more than the ",
                                     kMaxLoadFailureShare * 100,
                                     " % a stage may lose; first: ",
                                     outcome.first_failure.message())),
           &error);
    } else if (failures == 0 && !outcome.first_failure.ok()) {
      Fail(it, outcome.first_failure, &error);  // the stage could not run
    }
    const std::string name = absl::StrCat("stage ", i, ": ", stage.label);
    for (int op = 0; op < kLoadOperations; ++op) {
      const LoadOperation operation = static_cast<LoadOperation>(op);
      if (!mix.Has(operation)) continue;
      LatencyHistogram h = outcome.ops[op].latency.ToProto(name);
      if (mix.labelled()) {
        h.set_operation(std::string(LoadOperationName(operation)));
      }
      *h.mutable_requests() = outcome.ops[op].counts;
      result_->histograms.push_back(std::move(h));
    }
    if (error.ok()) TakeMetrics(it, &error);
    RETURN_IF_ERROR(Finish(std::move(it),
                           absl::StrCat("load stage, ", stage.label), error));
  }

  absl::Status reset = ResetServer(profile_, api_, made);
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
  OperationMix mix;
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
      if (profile.restart_keeps_data && !run.restart_server) {
        return absl::FailedPreconditionError(absl::StrCat(
            "DOWNLOAD_COLD with the ", profile.name,
            " profile restarts the server before each read, and this "
            "backend gave no way to (WorkloadRun::restart_server)"));
      }
      break;
    case Workload::LOAD: {
      ASSIGN_OR_RETURN(load_plan, PlanLoadStages(run.workload, run.load_stage));
      ASSIGN_OR_RETURN(mix, OperationMix::FromWorkload(run.workload));
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
      return driver.Load(load_plan, mix);
  }
}

}  // namespace perfcell
