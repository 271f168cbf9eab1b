// The HTTP/1.1 server loop: listens on 0.0.0.0, runs one thread per
// connection (keep-alive, Content-Length and chunked bodies,
// "Expect: 100-continue"), hands each request to an Api, and logs one line
// per request to stderr.
//
//   Server server(&api, {.port = 0});
//   RETURN_IF_ERROR(server.Listen());
//   std::thread t([&] { server.Run(); });
//   ... server.port() ...
//   server.Stop();  // from any thread; Run() returns once requests finish
//   t.join();
#ifndef PERFCELL_EXAMPLES_CHUNKSTORE_SERVER_H_
#define PERFCELL_EXAMPLES_CHUNKSTORE_SERVER_H_

#include <atomic>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "examples/chunkstore/connection.h"
#include "examples/chunkstore/handlers.h"
#include "examples/chunkstore/pacing.h"

namespace chunkstore {

struct ServerOptions {
  int port = 0;  // 0 picks a free port
  // How long an idle keep-alive connection is kept open.
  absl::Duration idle_timeout = absl::Seconds(60);
  // How long a write inside a request may block.
  absl::Duration io_timeout = absl::Seconds(120);
  // From its first byte, a request head must be complete within this
  // (else 408 and the connection closes), however slowly it trickles.
  absl::Duration head_timeout = absl::Seconds(10);
  // A request body must deliver its next byte within this (else 408).
  absl::Duration body_progress_timeout = absl::Seconds(30);
  // Connections served at once. One more arriving at the limit evicts the
  // connection that has waited longest for a request head (slow or idle);
  // when every connection is busy in a request it is answered 503 at once.
  int max_connections = 256;
  bool log_requests = true;
  // Calibration delays and stalls (see pacing.h); the clock starts when the
  // Server is constructed.
  PacingOptions pacing;
};

class Server {
 public:
  Server(Api* api, ServerOptions options);
  ~Server();

  // Binds and listens. After this, port() is the bound port.
  absl::Status Listen();
  int port() const { return port_; }

  // Accepts connections until Stop(), then waits for the requests in flight
  // to finish and returns.
  void Run();

  // Asks Run() to return: stops accepting, lets each connection finish its
  // current request. Thread-safe; returns at once.
  void Stop() { stopping_ = true; }

  // How many requests have been answered (or abandoned) so far.
  int64_t requests_handled() const { return requests_handled_.load(); }

 private:
  // A connection's entry in the registry the accept loop evicts from.
  struct Slot {
    Connection* conn;
    bool waiting_for_head;
    absl::Time since;
    bool evicted = false;
  };

  void ServeConnection(int fd);
  // Marks connection `id` as waiting for a head (or not). False when it has
  // been evicted and must close.
  bool SetWaiting(int64_t id, bool waiting);
  // At the connection limit: aborts the connection that has waited longest
  // for a request head. False when there is none.
  bool EvictOne() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Api* api_;
  const ServerOptions options_;
  const Pacer pacer_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> requests_handled_{0};
  absl::Mutex mu_;
  int active_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<int64_t, Slot> slots_ ABSL_GUARDED_BY(mu_);
};

}  // namespace chunkstore

#endif  // PERFCELL_EXAMPLES_CHUNKSTORE_SERVER_H_
