#include "runner/workload/workload.h"

#include <chrono>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "runner/workload/api_profile.h"
#include "runner/workload/http_client.h"
#include "runner/workload/multipart_body.h"
#include "runner/workload/picoshare_api.h"
#include "tools/cc/sha256.h"
#include "tools/cc/status_macros.h"

namespace perfcell {
namespace {

constexpr absl::string_view kFileField = "file";

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

  for (uint32_t i = 0; i < total(); ++i) {
    const bool verify = (i == 0);
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
  switch (run.workload.kind()) {
    case Workload::UPLOAD:
    case Workload::DOWNLOAD:
      RETURN_IF_ERROR(CheckWorkload(run.workload));
      break;
    case Workload::LOAD:
      return absl::UnimplementedError(
          "LOAD workloads (concurrent clients) are not implemented yet in "
          "runner/workload; use UPLOAD or DOWNLOAD");
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "workload kind ", Workload::Kind_Name(run.workload.kind()),
          " is not one of UPLOAD, DOWNLOAD, LOAD"));
  }

  ASSIGN_OR_RETURN(std::unique_ptr<HttpClient> client,
                   HttpClient::Create(run.base_url, run.request_timeout));
  Driver driver(run, profile, std::move(client), result);
  RETURN_IF_ERROR(driver.api().Login(run.shared_secret));
  if (run.workload.kind() == Workload::UPLOAD) return driver.Upload();
  return driver.Download();
}

}  // namespace perfcell
