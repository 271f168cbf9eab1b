// PicoShare's HTTP API on top of a Store: one method per route.
//
//   POST   /api/auth              {"sharedSecretKey": "..."} -> cookie
//   GET    /api/health            200 once the database is open
//   POST   /api/entry?expiration= multipart form with `file` -> {"id":"..."}
//   DELETE /api/entry/{id}
//   POST   /api/debug/db/clear    only with debug_endpoints
//   GET    /-{id}, /-{id}/{name}  the file, Range supported, no cookie
#ifndef PERFCELL_EXAMPLES_CHUNKSTORE_HANDLERS_H_
#define PERFCELL_EXAMPLES_CHUNKSTORE_HANDLERS_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "examples/chunkstore/auth.h"
#include "examples/chunkstore/body_reader.h"
#include "examples/chunkstore/http_response.h"
#include "examples/chunkstore/store.h"
#include "examples/chunkstore/upload.h"
#include "tools/cc/http_request.h"

namespace chunkstore {

struct ApiOptions {
  std::string shared_secret;
  UploadOptions upload;
  // Chunks fetched per SELECT while serving a download.
  int64_t download_batch_chunks = 1;
  // Serve POST /api/debug/db/clear.
  bool debug_endpoints = false;
  // Fault injection: abort() once this many upload body bytes have arrived
  // in total (0 = never).
  int64_t crash_after_bytes = 0;
  // Test: this share of downloads (0 <= percent < 100) answers 500, spread
  // evenly and deterministically: the n-th download (counting from 1) fails
  // when floor(n * percent / 100) goes up, so 5 fails the 20th, 40th, ...
  double fail_percent = 0;
};

class Api {
 public:
  // `store` must outlive the Api.
  Api(Store* store, ApiOptions options);

  // Answers `req`, reading its body from `body` when the route needs it.
  // Always writes a response head to `out` unless the client went away.
  void Handle(const perfcell::HttpRequest& req, BodyReader* body,
              ResponseWriter* out);

 private:
  void HandleAuth(BodyReader* body, ResponseWriter* out);
  void HandleUpload(const perfcell::HttpRequest& req, BodyReader* body,
                    ResponseWriter* out);
  void HandleDelete(absl::string_view id, ResponseWriter* out);
  void HandleClear(ResponseWriter* out);
  void HandleDownload(const perfcell::HttpRequest& req, absl::string_view id,
                      ResponseWriter* out);
  bool Authenticated(const perfcell::HttpRequest& req) const;

  Store* store_;
  const ApiOptions options_;
  const Auth auth_;
  std::atomic<int64_t> upload_bytes_total_{0};
  std::atomic<int64_t> downloads_seen_{0};  // for fail_percent
};

// Whether the n-th download (1-based) fails under fail_percent `percent`.
//   DownloadFails(20, 5);  // true
//   DownloadFails(21, 5);  // false
bool DownloadFails(int64_t n, double percent);

// Maps a failed operation's status to an HTTP status: InvalidArgument and
// DataLoss 400, NotFound 404, ResourceExhausted 507, Unavailable 503,
// DeadlineExceeded (a stalled request body) 408, anything else 500.
int HttpStatusFor(const absl::Status& status);

// A Content-Disposition value naming `filename`, safe for any bytes in it.
//   ContentDisposition("a b.txt");  // attachment; filename="a b.txt"
std::string ContentDisposition(absl::string_view filename);

}  // namespace chunkstore

#endif  // PERFCELL_EXAMPLES_CHUNKSTORE_HANDLERS_H_
