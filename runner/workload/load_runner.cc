#include "runner/workload/load_runner.h"

#include <chrono>
#include <random>
#include <thread>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "runner/workload/arrival_schedule.h"
#include "runner/workload/multipart_body.h"
#include "runner/workload/picoshare_api.h"

namespace perfcell {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr absl::string_view kFileField = "file";

SteadyClock::duration ToSteady(absl::Duration d) {
  return std::chrono::duration_cast<SteadyClock::duration>(
      std::chrono::nanoseconds(absl::ToInt64Nanoseconds(d)));
}

double Seconds(SteadyClock::duration d) {
  return std::chrono::duration<double>(d).count();
}

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

void AddCounts(const RequestCounts& from, RequestCounts* to) {
  to->set_scheduled(to->scheduled() + from.scheduled());
  to->set_sent(to->sent() + from.sent());
  to->set_ok(to->ok() + from.ok());
  to->set_late(to->late() + from.late());
  to->set_dropped(to->dropped() + from.dropped());
  to->set_http_4xx(to->http_4xx() + from.http_4xx());
  to->set_http_5xx(to->http_5xx() + from.http_5xx());
  to->set_http_other(to->http_other() + from.http_other());
  to->set_timeout(to->timeout() + from.timeout());
  to->set_transport(to->transport() + from.transport());
  to->set_bad_body(to->bad_body() + from.bad_body());
}

// What one client thread gathers before it hands it over.
struct ClientTally {
  OperationTally ops[kLoadOperations];
  std::vector<std::string> uploaded_ids;
  absl::Status first_failure;
  int last_failure_http_status = 0;
};

Exchange Send(LoadOperation op, const LoadTarget& target, PicoShareApi& api) {
  if (op == LoadOperation::kUpload) {
    MultipartBody body(target.seed, target.bytes, kFileField, /*hash=*/false);
    return api.Upload(body);
  }
  return api.Download(target.entry_id, target.bytes, /*sha256=*/nullptr);
}

void Record(LoadOperation op, const Exchange& exchange, double latency,
            bool late, ClientTally* tally) {
  OperationTally& t = tally->ops[static_cast<int>(op)];
  t.latency.Add(latency);
  RequestCounts& c = t.counts;
  c.set_sent(c.sent() + 1);
  if (late) c.set_late(c.late() + 1);
  if (op == LoadOperation::kUpload && !exchange.entry_id.empty()) {
    tally->uploaded_ids.push_back(exchange.entry_id);
  }
  if (exchange.status.ok()) {
    c.set_ok(c.ok() + 1);
    t.ok_bytes += exchange.bytes;
    return;
  }
  const int http = exchange.http_status;
  if (http == 0) {
    if (absl::IsDeadlineExceeded(exchange.status)) {
      c.set_timeout(c.timeout() + 1);
    } else {
      c.set_transport(c.transport() + 1);
    }
  } else if (http == 200) {
    c.set_bad_body(c.bad_body() + 1);
  } else if (http >= 400 && http < 500) {
    c.set_http_4xx(c.http_4xx() + 1);
  } else if (http >= 500 && http < 600) {
    c.set_http_5xx(c.http_5xx() + 1);
  } else {
    c.set_http_other(c.http_other() + 1);
  }
  if (tally->first_failure.ok()) tally->first_failure = exchange.status;
  tally->last_failure_http_status = http;
}

// Hands a client's tally over to the stage's outcome.
void Absorb(ClientTally& tally, absl::Mutex* mu, StageOutcome* out) {
  absl::MutexLock lock(mu);
  for (int op = 0; op < kLoadOperations; ++op)
    out->ops[op].Merge(tally.ops[op]);
  for (std::string& id : tally.uploaded_ids) {
    out->uploaded_ids.push_back(std::move(id));
  }
  if (!tally.first_failure.ok()) {
    if (out->first_failure.ok()) out->first_failure = tally.first_failure;
    out->last_failure_http_status = tally.last_failure_http_status;
  }
}

void RunClosed(const StagePlan& stage, const OperationMix& mix, uint64_t seed,
               const LoadTarget& target,
               const std::vector<std::unique_ptr<HttpClient>>& clients,
               SteadyClock::time_point start, StageOutcome* out) {
  absl::Mutex mu;
  std::vector<std::thread> threads;
  for (uint32_t k = 0; k < stage.clients(); ++k) {
    const ClientWindow window = ActiveWindow(stage, k);
    if (window.from >= window.until) continue;
    threads.emplace_back([&, k, window, client = clients[k].get()] {
      PicoShareApi api(client);
      std::mt19937_64 rng(SplitMix64(seed ^ SplitMix64(k)));
      ClientTally tally;
      const SteadyClock::time_point until = start + ToSteady(window.until);
      std::this_thread::sleep_until(start + ToSteady(window.from));
      do {
        const LoadOperation op = mix.Draw(rng());
        const SteadyClock::time_point sent = SteadyClock::now();
        const Exchange exchange = Send(op, target, api);
        Record(op, exchange, Seconds(SteadyClock::now() - sent),
               /*late=*/false, &tally);
      } while (SteadyClock::now() < until);
      Absorb(tally, &mu, out);
    });
  }
  for (std::thread& t : threads) t.join();
}

void RunOpen(const StagePlan& stage, const OperationMix& mix, uint64_t seed,
             const LoadTarget& target,
             const std::vector<std::unique_ptr<HttpClient>>& clients,
             SteadyClock::time_point start, StageOutcome* out) {
  absl::StatusOr<ArrivalSchedule> schedule = ArrivalSchedule::Create(
      stage.from_rate, stage.to_rate, absl::ToDoubleSeconds(stage.length));
  if (!schedule.ok()) {  // PlanLoadStages checked it
    out->first_failure = schedule.status();
    return;
  }
  const SteadyClock::time_point end = start + ToSteady(stage.length);
  absl::Mutex mu;  // guards next and rng
  uint64_t next = 0;
  std::mt19937_64 rng(SplitMix64(seed));
  std::vector<std::thread> threads;
  for (uint32_t k = 0; k < stage.clients(); ++k) {
    threads.emplace_back([&, client = clients[k].get()] {
      PicoShareApi api(client);
      ClientTally tally;
      while (true) {
        uint64_t i;
        LoadOperation op;
        SteadyClock::time_point taken;
        {
          absl::MutexLock lock(&mu);
          taken = SteadyClock::now();
          if (next >= schedule->size() || taken >= end) break;
          i = next++;
          op = mix.Draw(rng());
        }
        const SteadyClock::time_point intended =
            start + ToSteady(absl::Seconds(schedule->Offset(i)));
        // Taken after its time: no client was free when it was due.
        const bool late = taken > intended;
        if (!late) std::this_thread::sleep_until(intended);
        const Exchange exchange = Send(op, target, api);
        Record(op, exchange, Seconds(SteadyClock::now() - intended), late,
               &tally);
      }
      Absorb(tally, &mu, out);
    });
  }
  for (std::thread& t : threads) t.join();
  // The requests nobody took: their operations drawn as they would have been.
  for (uint64_t i = next; i < schedule->size(); ++i) {
    RequestCounts& c = out->ops[static_cast<int>(mix.Draw(rng()))].counts;
    c.set_dropped(c.dropped() + 1);
  }
  for (OperationTally& t : out->ops) {
    t.counts.set_scheduled(t.counts.sent() + t.counts.dropped());
  }
}

}  // namespace

void OperationTally::Merge(const OperationTally& other) {
  latency.Merge(other.latency);
  AddCounts(other.counts, &counts);
  ok_bytes += other.ok_bytes;
}

RequestCounts StageOutcome::Total() const {
  RequestCounts total;
  for (const OperationTally& t : ops) AddCounts(t.counts, &total);
  return total;
}

uint64_t StageOutcome::ok_bytes() const {
  uint64_t bytes = 0;
  for (const OperationTally& t : ops) bytes += t.ok_bytes;
  return bytes;
}

uint64_t StageSeed(uint64_t seed, uint64_t stage) {
  return SplitMix64(SplitMix64(seed) ^ stage);
}

StageOutcome RunLoadStage(
    const StagePlan& stage, const OperationMix& mix, uint64_t seed,
    const LoadTarget& target,
    const std::vector<std::unique_ptr<HttpClient>>& clients) {
  StageOutcome out;
  out.start_unix_nanos = absl::ToUnixNanos(absl::Now());
  const SteadyClock::time_point start = SteadyClock::now();
  if (stage.open) {
    RunOpen(stage, mix, seed, target, clients, start, &out);
  } else {
    RunClosed(stage, mix, seed, target, clients, start, &out);
  }
  out.seconds = Seconds(SteadyClock::now() - start);
  return out;
}

}  // namespace perfcell
