#include "examples/chunkstore/handlers.h"

#include <dirent.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "examples/chunkstore/expiration.h"
#include "examples/chunkstore/range.h"

namespace chunkstore {
namespace {

constexpr size_t kMaxAuthBody = 64 * 1024;

// Counts upload body bytes and aborts the process past a limit: the fault
// the runner's crash tests ask for with --crash_after_bytes.
class CrashingSource : public ByteSource {
 public:
  CrashingSource(ByteSource* inner, std::atomic<int64_t>* total, int64_t limit)
      : inner_(inner), total_(total), limit_(limit) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    absl::StatusOr<size_t> got = inner_->Read(buf, n);
    if (got.ok() && limit_ > 0 && (*total_ += *got) >= limit_) {
      static constexpr char kMessage[] =
          "chunkstore: --crash_after_bytes reached, aborting\n";
      write(2, kMessage, sizeof(kMessage) - 1);
      std::abort();
    }
    return got;
  }

 private:
  ByteSource* inner_;
  std::atomic<int64_t>* total_;
  int64_t limit_;
};

std::string ServerTiming(absl::Time start) {
  return absl::StrFormat("app;dur=%.1f",
                         absl::ToDoubleMilliseconds(absl::Now() - start));
}

std::string IdJson(const std::string& id) {
  google::protobuf::Struct object;
  (*object.mutable_fields())["id"].set_string_value(id);
  std::string json;
  // Cannot fail for a Struct of strings.
  (void)google::protobuf::util::MessageToJsonString(object, &json);
  return absl::StrCat(json, "\n");
}

// Removes `dir`/multipart-* files (spills of uploads that never finished).
void RemoveSpillFiles(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return;
  while (dirent* e = readdir(d)) {
    if (absl::StartsWith(e->d_name, "multipart-")) {
      unlink(absl::StrCat(dir, "/", e->d_name).c_str());
    }
  }
  closedir(d);
}

void MethodNotAllowed(absl::string_view allow, ResponseWriter* out) {
  out->AddHeader("Allow", allow);
  out->SendError(405, "method not allowed").IgnoreError();
}

}  // namespace

int HttpStatusFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kResourceExhausted:
      return 507;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 408;
    default:
      return 500;
  }
}

std::string ContentDisposition(absl::string_view filename) {
  std::string ascii;
  std::string encoded;
  bool plain = true;
  for (unsigned char c : filename) {
    if (c < 0x20 || c >= 0x7f) {
      plain = false;
      ascii.push_back('_');
    } else {
      if (c == '"' || c == '\\') ascii.push_back('\\');
      ascii.push_back(c);
    }
    if (absl::ascii_isalnum(c) || c == '.' || c == '-' || c == '_') {
      encoded.push_back(c);
    } else {
      absl::StrAppendFormat(&encoded, "%%%02X", c);
    }
  }
  std::string value = absl::StrCat("attachment; filename=\"", ascii, "\"");
  if (!plain) absl::StrAppend(&value, "; filename*=UTF-8''", encoded);
  return value;
}

Api::Api(Store* store, ApiOptions options)
    : store_(store),
      options_(std::move(options)),
      auth_(options_.shared_secret) {}

bool Api::Authenticated(const perfcell::HttpRequest& req) const {
  std::optional<std::string> token = req.Cookie(kSessionCookie);
  return token.has_value() && auth_.IsValidToken(*token);
}

void Api::Handle(const perfcell::HttpRequest& req, BodyReader* body,
                 ResponseWriter* out) {
  const std::string& path = req.path;
  if (path == "/api/health") {
    if (req.method != "GET") return MethodNotAllowed("GET", out);
    out->Send(200, "text/plain; charset=utf-8", "ok\n").IgnoreError();
    return;
  }
  if (path == "/api/auth") {
    if (req.method != "POST") return MethodNotAllowed("POST", out);
    return HandleAuth(body, out);
  }
  if (absl::StartsWith(path, "/api/")) {
    const bool is_clear = path == "/api/debug/db/clear";
    if (is_clear && !options_.debug_endpoints) {
      out->SendError(404, "not found").IgnoreError();
      return;
    }
    if (!Authenticated(req)) {
      out->SendError(401, "unauthorized: POST /api/auth first").IgnoreError();
      return;
    }
    if (path == "/api/entry") {
      if (req.method != "POST") return MethodNotAllowed("POST", out);
      return HandleUpload(req, body, out);
    }
    if (absl::StartsWith(path, "/api/entry/")) {
      if (req.method != "DELETE") return MethodNotAllowed("DELETE", out);
      return HandleDelete(path.substr(strlen("/api/entry/")), out);
    }
    if (is_clear) {
      if (req.method != "POST") return MethodNotAllowed("POST", out);
      return HandleClear(out);
    }
  }
  if (absl::StartsWith(path, "/-") && path.size() > 2) {
    if (req.method != "GET") return MethodNotAllowed("GET", out);
    absl::string_view rest = absl::string_view(path).substr(2);
    return HandleDownload(req, rest.substr(0, rest.find('/')), out);
  }
  out->SendError(404, "not found").IgnoreError();
}

void Api::HandleAuth(BodyReader* body, ResponseWriter* out) {
  std::string json;
  char buf[4096];
  while (true) {
    absl::StatusOr<size_t> n = body->Read(buf, sizeof(buf));
    if (!n.ok()) {
      out->SendError(400, n.status().message()).IgnoreError();
      return;
    }
    if (*n == 0) break;
    json.append(buf, *n);
    if (json.size() > kMaxAuthBody) {
      out->SendError(413, "auth body too large").IgnoreError();
      return;
    }
  }
  absl::StatusOr<std::string> secret = Auth::SecretFromJson(json);
  if (!secret.ok()) {
    out->SendError(400, secret.status().message()).IgnoreError();
    return;
  }
  if (!auth_.IsSharedSecret(*secret)) {
    out->SendError(401, "incorrect shared secret").IgnoreError();
    return;
  }
  out->AddHeader("Set-Cookie", auth_.SetCookieHeader());
  out->WriteHead(200, 0).IgnoreError();
}

void Api::HandleUpload(const perfcell::HttpRequest& req, BodyReader* body,
                       ResponseWriter* out) {
  const absl::Time start = absl::Now();
  absl::StatusOr<absl::Time> expiration =
      ParseExpiration(req.QueryParam("expiration"), start);
  if (!expiration.ok()) {
    out->SendError(400, expiration.status().message()).IgnoreError();
    return;
  }
  CrashingSource counted(body, &upload_bytes_total_,
                         options_.crash_after_bytes);
  absl::StatusOr<UploadResult> result =
      StoreUpload(&counted, req.Header("content-type").value_or(""),
                  *expiration, store_, options_.upload);
  out->AddHeader("Server-Timing", ServerTiming(start));
  if (!result.ok()) {
    out->SendError(HttpStatusFor(result.status()), result.status().message())
        .IgnoreError();
    return;
  }
  out->Send(200, "application/json", IdJson(result->id)).IgnoreError();
}

void Api::HandleDelete(absl::string_view id, ResponseWriter* out) {
  absl::Status status = store_->DeleteEntry(std::string(id));
  if (!status.ok()) {
    out->SendError(HttpStatusFor(status), status.message()).IgnoreError();
    return;
  }
  out->WriteHead(200, 0).IgnoreError();
}

void Api::HandleClear(ResponseWriter* out) {
  absl::Status status = store_->Clear();
  RemoveSpillFiles(options_.upload.temp_dir);
  if (!status.ok()) {
    out->SendError(HttpStatusFor(status), status.message()).IgnoreError();
    return;
  }
  out->WriteHead(200, 0).IgnoreError();
}

bool DownloadFails(int64_t n, double percent) {
  // In hundredths of a percent, so the spread is exact in integers.
  const int64_t basis_points = std::llround(percent * 100);
  return n > 0 && (n * basis_points) / 10000 > ((n - 1) * basis_points) / 10000;
}

void Api::HandleDownload(const perfcell::HttpRequest& req, absl::string_view id,
                         ResponseWriter* out) {
  if (options_.fail_percent > 0 &&
      DownloadFails(++downloads_seen_, options_.fail_percent)) {
    out->SendError(500, "internal error: a --fail_percent test failure")
        .IgnoreError();
    return;
  }
  const absl::Time start = absl::Now();
  absl::StatusOr<EntryInfo> entry = store_->GetEntry(std::string(id));
  if (!entry.ok() || entry->expiration_time < start) {
    absl::Status status =
        entry.ok() ? absl::NotFoundError("entry expired") : entry.status();
    out->SendError(HttpStatusFor(status), status.message()).IgnoreError();
    return;
  }
  absl::StatusOr<std::optional<ByteRange>> range =
      ParseRange(req.Header("range"), entry->size);
  if (!range.ok()) {
    out->AddHeader("Content-Range", absl::StrCat("bytes */", entry->size));
    out->SendError(416, range.status().message()).IgnoreError();
    return;
  }
  ByteRange bytes{0, entry->size - 1};
  if (range->has_value()) bytes = **range;

  absl::Status recorded = store_->RecordDownload(entry->id, start, req.peer_ip);
  if (absl::IsResourceExhausted(recorded)) {
    // A full disk costs the download its `downloads` row, not the download:
    // the file is stored, and reading it needs no space.
    std::fprintf(stderr, "chunkstore: download of %s not recorded: %s\n",
                 entry->id.c_str(), recorded.ToString().c_str());
  } else if (!recorded.ok()) {
    out->SendError(HttpStatusFor(recorded), recorded.message()).IgnoreError();
    return;
  }
  // Read the first batch before the head, so a database error is still a
  // 500 rather than a cut-off body.
  const int64_t batch = std::max<int64_t>(1, options_.download_batch_chunks);
  const int64_t chunk_size = std::max<int64_t>(1, entry->chunk_size);
  int64_t next_chunk = bytes.first / chunk_size;
  const int64_t last_chunk = bytes.last / chunk_size;
  std::string data;
  if (entry->size > 0) {
    absl::Status status =
        store_->ReadChunks(entry->id, next_chunk,
                           std::min(batch, last_chunk - next_chunk + 1), &data);
    if (!status.ok()) {
      out->SendError(HttpStatusFor(status), status.message()).IgnoreError();
      return;
    }
  }
  out->AddHeader("Content-Type", entry->content_type);
  out->AddHeader("Content-Disposition", ContentDisposition(entry->filename));
  out->AddHeader("Accept-Ranges", "bytes");
  out->AddHeader("Server-Timing", ServerTiming(start));
  const bool partial = range->has_value();
  if (partial) {
    out->AddHeader("Content-Range", absl::StrCat("bytes ", bytes.first, "-",
                                                 bytes.last, "/", entry->size));
  }
  if (!out->WriteHead(partial ? 206 : 200, entry->size > 0 ? bytes.length() : 0)
           .ok() ||
      entry->size == 0) {
    return;
  }
  while (true) {
    // `data` holds chunks [next_chunk, next_chunk + k); send its overlap
    // with the requested bytes.
    const int64_t data_start = next_chunk * chunk_size;
    const int64_t from = std::max(bytes.first, data_start) - data_start;
    const int64_t to =
        std::min<int64_t>(bytes.last + 1, data_start + data.size()) -
        data_start;
    if (!out->WriteBody(absl::string_view(data).substr(from, to - from)).ok()) {
      return;
    }
    next_chunk += (data.size() + chunk_size - 1) / chunk_size;
    if (next_chunk > last_chunk) return;
    absl::Status status =
        store_->ReadChunks(entry->id, next_chunk,
                           std::min(batch, last_chunk - next_chunk + 1), &data);
    if (!status.ok()) {
      // The head is gone; closing early tells the client it is incomplete.
      std::fprintf(stderr, "chunkstore: download of %s cut short: %s\n",
                   entry->id.c_str(), status.ToString().c_str());
      return;
    }
  }
}

}  // namespace chunkstore
