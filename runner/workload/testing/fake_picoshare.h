// An in-process stand-in for a PicoShare server (and the chunkstore's "api
// profile" with its debug clear route), for tests of the workload client.
// It keeps entries in memory, records what it saw, and can misbehave on
// purpose:
//
//   FakePicoShareOptions options;
//   options.fail_upload = 2;  // the 2nd entry upload answers 500
//   ASSIGN_OR_RETURN(auto fake, FakePicoShare::Start(options));
//   RunSomething(fake->url());
//   fake->uploads().size();  // 2
//
// Routes: POST /api/auth, POST /api/entry (multipart, field "file"),
// GET /-<id>, DELETE /api/entry/<id>, POST /api/debug/db/clear (unless
// disabled), GET /api/health. Chunked request bodies are refused with 411.
#ifndef PERFCELL_RUNNER_WORKLOAD_TESTING_FAKE_PICOSHARE_H_
#define PERFCELL_RUNNER_WORKLOAD_TESTING_FAKE_PICOSHARE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "runner/workload/testing/loopback_server.h"

namespace perfcell {

struct FakePicoShareOptions {
  std::string shared_secret = "s3cret";
  // Serve POST /api/debug/db/clear (the chunkstore profile); a real
  // PicoShare release answers 404 there.
  bool debug_clear_route = true;
  // Server-Timing "app;dur=<ms>" on upload answers; negative: no header.
  double server_timing_ms = 12.5;

  // Faults, each naming the n-th entry upload (1-based; 0 = never).
  int fail_upload = 0;       // answers 500 and stores nothing
  int stall_upload = 0;      // reads the body, then never answers
  int close_mid_upload = 0;  // reads half the body, then drops the connection
  // Every download serves the entry with its middle byte flipped.
  bool flip_download_byte = false;

  // Download faults, each naming GET /-<id> attempts (1-based, counting every
  // download request in arrival order; 0 / empty = never).
  std::set<int> fail_downloads;  // answer 500 ("internal error: ...")
  int stall_download = 0;        // never answers (until the server stops)
  // Concurrency without timing: from download attempt `rendezvous_from` on,
  // each download is held until `rendezvous` downloads are held at once;
  // from then on every download is answered at once. A client that never has
  // that many requests in flight waits until its own timeout.
  int rendezvous = 0;
  int rendezvous_from = 1;
};

class FakePicoShare {
 public:
  // What one entry upload delivered.
  struct Upload {
    uint64_t file_bytes = 0;
    std::string file_sha256;    // of the "file" part's content
    size_t entries_before = 0;  // entries stored when it arrived
  };

  static absl::StatusOr<std::unique_ptr<FakePicoShare>> Start(
      FakePicoShareOptions options);

  std::string url() const { return server_->url(); }

  std::vector<Upload> uploads() const;   // completed uploads, in order
  int clears() const;                    // successful debug clears
  int deletes() const;                   // successful entry deletes
  int downloads() const;                 // entry GETs answered 200
  int download_attempts() const;         // entry GETs received, any answer
  int max_concurrent_downloads() const;  // most entry GETs in flight at once
  int refused_logins() const;            // 401s on /api/auth
  size_t entries() const;                // entries stored now

 private:
  explicit FakePicoShare(FakePicoShareOptions options);
  // Answers `exchange`, or leaves it unanswered (stall, close): then the
  // connection drops.
  void Route(HttpExchange& exchange);
  void PostEntry(HttpExchange& exchange);
  // GET /-<id>, with the download faults and counters.
  void GetEntry(HttpExchange& exchange, const std::string& id)
      ABSL_LOCKS_EXCLUDED(mu_);
  void AnswerDownload(HttpExchange& exchange, int attempt,
                      const std::string& id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Waits, releasing mu_, until `done()` (evaluated under mu_) or the server
  // stops.
  void AwaitOrStop(const std::function<bool()>& done)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool Authorized(const RequestHead& head) const;

  const FakePicoShareOptions options_;

  mutable absl::Mutex mu_;
  int upload_attempts_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<Upload> uploads_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> entries_ ABSL_GUARDED_BY(mu_);
  int next_id_ ABSL_GUARDED_BY(mu_) = 0;
  int clears_ ABSL_GUARDED_BY(mu_) = 0;
  int deletes_ ABSL_GUARDED_BY(mu_) = 0;
  int downloads_ ABSL_GUARDED_BY(mu_) = 0;
  int download_attempts_ ABSL_GUARDED_BY(mu_) = 0;
  int downloads_in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  int max_concurrent_downloads_ ABSL_GUARDED_BY(mu_) = 0;
  int rendezvous_held_ ABSL_GUARDED_BY(mu_) = 0;
  bool rendezvous_open_ ABSL_GUARDED_BY(mu_) = false;
  int refused_logins_ ABSL_GUARDED_BY(mu_) = 0;

  // Declared last, so it is destroyed first: no handler outlives the state.
  std::unique_ptr<LoopbackServer> server_;
};

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_WORKLOAD_TESTING_FAKE_PICOSHARE_H_
