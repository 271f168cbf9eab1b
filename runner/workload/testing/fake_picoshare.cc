#include "runner/workload/testing/fake_picoshare.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "re2/re2.h"
#include "tools/cc/sha256.h"

namespace perfcell {
namespace {

std::string Text(int status, absl::string_view body) {
  return HttpResponseText(status, {"Content-Type: text/plain"}, body);
}

// Returns the content of the first part of a multipart body, or an error.
absl::StatusOr<std::string> FilePart(const std::string& content_type,
                                     const std::string& body) {
  std::string boundary;
  static const LazyRE2 kBoundary = {
      R"re(multipart/form-data;\s*boundary=(\S+))re"};
  if (!RE2::FullMatch(content_type, *kBoundary, &boundary)) {
    return absl::InvalidArgumentError("not multipart/form-data");
  }
  const std::string first = absl::StrCat("--", boundary, "\r\n");
  const std::string last = absl::StrCat("\r\n--", boundary, "--\r\n");
  const size_t headers_end = body.find("\r\n\r\n");
  if (!absl::StartsWith(body, first) || headers_end == std::string::npos ||
      !absl::EndsWith(body, last) || body.find("name=\"file\"") > headers_end) {
    return absl::InvalidArgumentError("no \"file\" part");
  }
  const size_t start = headers_end + 4;
  if (start + last.size() > body.size()) {
    return absl::InvalidArgumentError("truncated part");
  }
  return body.substr(start, body.size() - last.size() - start);
}

}  // namespace

absl::StatusOr<std::unique_ptr<FakePicoShare>> FakePicoShare::Start(
    FakePicoShareOptions options) {
  auto fake =
      std::unique_ptr<FakePicoShare>(new FakePicoShare(std::move(options)));
  absl::StatusOr<std::unique_ptr<LoopbackServer>> server =
      LoopbackServer::Start(
          [f = fake.get()](HttpConnection& c) { f->Serve(c); });
  if (!server.ok()) return server.status();
  fake->server_ = std::move(*server);
  return fake;
}

FakePicoShare::FakePicoShare(FakePicoShareOptions options)
    : options_(std::move(options)) {}

void FakePicoShare::Serve(HttpConnection& connection) {
  while (true) {
    absl::StatusOr<RequestHead> head = connection.ReadHead();
    if (!head.ok()) return;
    if (head->chunked) {
      connection.Write(Text(411, "chunked bodies are not accepted\n"))
          .IgnoreError();
      return;
    }
    const std::string response = Route(*head, connection);
    if (response.empty()) return;  // stalled or dropped on purpose
    if (!connection.Write(response).ok()) return;
  }
}

bool FakePicoShare::Authorized(const RequestHead& head) const {
  return absl::StrContains(
      head.Header("cookie"),
      absl::StrCat("sharedSecret=token-", options_.shared_secret));
}

std::string FakePicoShare::Route(const RequestHead& head,
                                 HttpConnection& connection) {
  std::string id;
  static const LazyRE2 kDownload = {R"re(/-(\w+))re"};
  static const LazyRE2 kEntry = {R"re(/api/entry/(\w+))re"};
  if (head.method == "POST" && absl::StartsWith(head.target, "/api/entry")) {
    return PostEntry(head, connection);
  }

  absl::StatusOr<std::string> body = connection.ReadBody(head.content_length);
  if (!body.ok()) return "";

  if (head.method == "GET" && head.target == "/api/health") {
    return Text(200, "ok\n");
  }
  if (head.method == "POST" && head.target == "/api/auth") {
    static const LazyRE2 kSecret = {R"re("sharedSecretKey"\s*:\s*"([^"]*)")re"};
    std::string secret;
    if (!RE2::PartialMatch(*body, *kSecret, &secret) ||
        secret != options_.shared_secret) {
      absl::MutexLock lock(&mu_);
      ++refused_logins_;
      return Text(401, "Unauthorized\n");
    }
    return HttpResponseText(
        200,
        {absl::StrCat("Set-Cookie: sharedSecret=token-", secret,
                      "; Path=/; Max-Age=2592000; HttpOnly; SameSite=Strict")},
        "");
  }
  if (head.method == "GET" && RE2::FullMatch(head.target, *kDownload, &id)) {
    return GetEntry(id);
  }
  if (head.method == "DELETE" && RE2::FullMatch(head.target, *kEntry, &id)) {
    if (!Authorized(head)) return Text(401, "Unauthorized\n");
    absl::MutexLock lock(&mu_);
    if (entries_.erase(id) == 0) return Text(404, "not found\n");
    ++deletes_;
    return Text(200, "");
  }
  if (head.method == "POST" && head.target == "/api/debug/db/clear" &&
      options_.debug_clear_route) {
    if (!Authorized(head)) return Text(401, "Unauthorized\n");
    absl::MutexLock lock(&mu_);
    entries_.clear();
    ++clears_;
    return Text(200, "");
  }
  return Text(404, "404 page not found\n");
}

std::string FakePicoShare::PostEntry(const RequestHead& head,
                                     HttpConnection& connection) {
  int attempt;
  {
    absl::MutexLock lock(&mu_);
    attempt = ++upload_attempts_;
  }
  if (attempt == options_.close_mid_upload) {
    connection.ReadBody(head.content_length / 2).IgnoreError();
    connection.Close();
    return "";
  }
  absl::StatusOr<std::string> body = connection.ReadBody(head.content_length);
  if (!body.ok()) return "";
  if (attempt == options_.stall_upload) {
    server_->stopping().WaitForNotification();
    return "";
  }
  if (attempt == options_.fail_upload) {
    return Text(500, "internal error: disk on fire\n");
  }
  if (!Authorized(head)) return Text(401, "Unauthorized\n");
  absl::StatusOr<std::string> file =
      FilePart(head.Header("content-type"), *body);
  if (!file.ok()) return Text(400, absl::StrCat(file.status().message(), "\n"));

  Sha256 sha;
  sha.Update(*file);
  absl::MutexLock lock(&mu_);
  const std::string id = absl::StrFormat("fake%06d", next_id_++);
  uploads_.push_back(Upload{file->size(), sha.HexDigest(), entries_.size()});
  entries_[id] = std::move(*file);
  std::vector<std::string> headers = {"Content-Type: application/json"};
  if (options_.server_timing_ms >= 0) {
    headers.push_back(
        absl::StrCat("Server-Timing: app;dur=", options_.server_timing_ms));
  }
  return HttpResponseText(200, headers,
                          absl::StrCat("{\"id\":\"", id, "\"}\n"));
}

std::string FakePicoShare::GetEntry(const std::string& id) {
  absl::MutexLock lock(&mu_);
  const int attempt = ++download_attempts_;
  ++downloads_in_flight_;
  max_concurrent_downloads_ =
      std::max(max_concurrent_downloads_, downloads_in_flight_);
  std::string response = AnswerDownload(attempt, id);
  --downloads_in_flight_;
  return response;
}

void FakePicoShare::AwaitOrStop(const std::function<bool()>& done) {
  const absl::Notification& stopping = server_->stopping();
  const auto released = [&] { return done() || stopping.HasBeenNotified(); };
  // The stop notification does not wake a Mutex waiter: poll for it.
  while (!released()) {
    mu_.AwaitWithTimeout(absl::Condition(&released), absl::Milliseconds(50));
  }
}

std::string FakePicoShare::AnswerDownload(int attempt, const std::string& id) {
  if (attempt == options_.stall_download) {
    AwaitOrStop([] { return false; });
    return "";
  }
  if (options_.rendezvous > 0 && attempt >= options_.rendezvous_from &&
      !rendezvous_open_) {
    if (++rendezvous_held_ >= options_.rendezvous) rendezvous_open_ = true;
    AwaitOrStop(
        [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return rendezvous_open_; });
    --rendezvous_held_;
  }
  if (options_.fail_downloads.count(attempt) > 0) {
    return Text(500, "internal error: download on fire\n");
  }
  auto it = entries_.find(id);
  if (it == entries_.end()) return Text(404, "not found\n");
  ++downloads_;
  std::string content = it->second;
  if (options_.flip_download_byte && !content.empty()) {
    content[content.size() / 2] ^= 0x01;
  }
  return HttpResponseText(200, {"Content-Type: application/octet-stream"},
                          content);
}

std::vector<FakePicoShare::Upload> FakePicoShare::uploads() const {
  absl::MutexLock lock(&mu_);
  return uploads_;
}
int FakePicoShare::clears() const {
  absl::MutexLock lock(&mu_);
  return clears_;
}
int FakePicoShare::deletes() const {
  absl::MutexLock lock(&mu_);
  return deletes_;
}
int FakePicoShare::downloads() const {
  absl::MutexLock lock(&mu_);
  return downloads_;
}
int FakePicoShare::download_attempts() const {
  absl::MutexLock lock(&mu_);
  return download_attempts_;
}
int FakePicoShare::max_concurrent_downloads() const {
  absl::MutexLock lock(&mu_);
  return max_concurrent_downloads_;
}
int FakePicoShare::refused_logins() const {
  absl::MutexLock lock(&mu_);
  return refused_logins_;
}
size_t FakePicoShare::entries() const {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace perfcell
