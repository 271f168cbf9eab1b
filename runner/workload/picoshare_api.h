// The PicoShare HTTP API as the workload uses it, over one HttpClient (one
// connection, one cookie jar). Both perfcell's chunkstore and a real
// PicoShare release speak it; the debug clear route is chunkstore-only.
//
//   PicoShareApi api(client.get());
//   RETURN_IF_ERROR(api.Login("s3cret"));
//   MultipartBody body(seed, 8 << 20, "file", /*hash=*/true);
//   Exchange up = api.Upload(body);       // up.entry_id, up.server_seconds
//   Exchange down = api.Download(up.entry_id, 8 << 20, /*sha256=*/nullptr);
//
// Upload and Download report what a timed iteration records (HTTP status,
// bytes, server timing, what went wrong) rather than only a status, so a
// failed request still leaves its facts behind.
#ifndef PERFCELL_RUNNER_WORKLOAD_PICOSHARE_API_H_
#define PERFCELL_RUNNER_WORKLOAD_PICOSHARE_API_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "runner/workload/http_client.h"
#include "runner/workload/multipart_body.h"
#include "tools/cc/sha256.h"

namespace perfcell {

// The outcome of one upload or download.
struct Exchange {
  absl::Status status;   // OK, or why the exchange failed
  int http_status = 0;   // 0 when no answer came (timeout, connection lost)
  uint64_t bytes = 0;    // file bytes sent (upload) or received (download)
  std::string entry_id;  // uploads: the id the server gave
  std::optional<double> server_seconds;  // from Server-Timing "app;dur"
};

class PicoShareApi {
 public:
  // Expiration far in the future, so no entry expires during a run.
  static constexpr absl::string_view kExpiration = "2999-12-31T00:00:00Z";

  explicit PicoShareApi(HttpClient* client) : client_(client) {}

  // POST /api/auth; the session cookie stays in the client. PermissionDenied
  // on 401 ("wrong shared secret"), Unavailable/DeadlineExceeded when the
  // server can't be reached, Internal for any other answer.
  absl::Status Login(absl::string_view shared_secret);

  // GET /api/health; OK on 200.
  absl::Status Health();

  // POST /api/entry with `body` streamed (Content-Length, no chunking).
  // Fails unless the answer is 200 with an entry id and the whole body went.
  Exchange Upload(MultipartBody& body);

  // GET /-<id>, bytes counted and dropped (and hashed into `sha256` when not
  // null). Fails unless the answer is 200 with exactly `expected_bytes`.
  Exchange Download(absl::string_view entry_id, uint64_t expected_bytes,
                    Sha256* sha256);

  // DELETE /api/entry/<id>; OK on 200.
  absl::Status DeleteEntry(absl::string_view entry_id);

  // POST /api/debug/db/clear; OK on 200 (the store is empty again).
  // A 404 says the server has no such route (a release PicoShare).
  absl::Status ClearDatabase();

 private:
  // OK when `response` has status 200, else an error naming `what`.
  absl::Status Expect200(absl::string_view what,
                         const absl::StatusOr<HttpResponse>& response);

  HttpClient* client_;
};

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_WORKLOAD_PICOSHARE_API_H_
