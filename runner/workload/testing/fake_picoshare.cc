#include "runner/workload/testing/fake_picoshare.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "re2/re2.h"
#include "tools/cc/sha256.h"

namespace perfcell {
namespace {

void Text(HttpExchange& exchange, int status, std::string body) {
  exchange.Respond(status, {{"Content-Type", "text/plain"}}, std::move(body));
}

}  // namespace

absl::StatusOr<std::unique_ptr<FakePicoShare>> FakePicoShare::Start(
    FakePicoShareOptions options) {
  auto fake =
      std::unique_ptr<FakePicoShare>(new FakePicoShare(std::move(options)));
  absl::StatusOr<std::unique_ptr<LoopbackServer>> server =
      LoopbackServer::Start([f = fake.get()](HttpExchange& exchange) {
        if (exchange.head().chunked) {
          Text(exchange, 411, "chunked bodies are not accepted\n");
        } else {
          f->Route(exchange);
        }
      });
  if (!server.ok()) return server.status();
  fake->server_ = std::move(*server);
  return fake;
}

FakePicoShare::FakePicoShare(FakePicoShareOptions options)
    : options_(std::move(options)) {}

bool FakePicoShare::Authorized(const RequestHead& head) const {
  return absl::StrContains(
      head.Header("cookie"),
      absl::StrCat("sharedSecret=token-", options_.shared_secret));
}

void FakePicoShare::Route(HttpExchange& exchange) {
  const RequestHead& head = exchange.head();
  std::string id;
  static const LazyRE2 kDownload = {R"re(/-(\w+))re"};
  static const LazyRE2 kEntry = {R"re(/api/entry/(\w+))re"};
  if (head.method == "POST" && absl::StartsWith(head.target, "/api/entry")) {
    PostEntry(exchange);
    return;
  }

  absl::StatusOr<std::string> body = exchange.ReadBody();
  if (!body.ok()) return;

  if (head.method == "GET" && head.target == "/api/health") {
    return Text(exchange, 200, "ok\n");
  }
  if (head.method == "POST" && head.target == "/api/auth") {
    static const LazyRE2 kSecret = {R"re("sharedSecretKey"\s*:\s*"([^"]*)")re"};
    std::string secret;
    if (!RE2::PartialMatch(*body, *kSecret, &secret) ||
        secret != options_.shared_secret) {
      absl::MutexLock lock(&mu_);
      ++refused_logins_;
      return Text(exchange, 401, "Unauthorized\n");
    }
    return exchange.Respond(
        200,
        {{"Set-Cookie",
          absl::StrCat(
              "sharedSecret=token-", secret,
              "; Path=/; Max-Age=2592000; HttpOnly; SameSite=Strict")}},
        "");
  }
  if (head.method == "GET" && RE2::FullMatch(head.target, *kDownload, &id)) {
    return GetEntry(exchange, id);
  }
  if (head.method == "DELETE" && RE2::FullMatch(head.target, *kEntry, &id)) {
    if (!Authorized(head)) return Text(exchange, 401, "Unauthorized\n");
    absl::MutexLock lock(&mu_);
    if (entries_.erase(id) == 0) return Text(exchange, 404, "not found\n");
    ++deletes_;
    return Text(exchange, 200, "");
  }
  if (head.method == "POST" && head.target == "/api/debug/db/clear" &&
      options_.debug_clear_route) {
    if (!Authorized(head)) return Text(exchange, 401, "Unauthorized\n");
    absl::MutexLock lock(&mu_);
    entries_.clear();
    ++clears_;
    return Text(exchange, 200, "");
  }
  return Text(exchange, 404, "404 page not found\n");
}

void FakePicoShare::PostEntry(HttpExchange& exchange) {
  const RequestHead& head = exchange.head();
  int attempt;
  {
    absl::MutexLock lock(&mu_);
    attempt = ++upload_attempts_;
  }
  if (attempt == options_.close_mid_upload) {
    exchange.DiscardBody(head.content_length / 2).IgnoreError();
    return exchange.DropConnection();
  }
  absl::StatusOr<std::vector<httplib::MultipartFormData>> form =
      exchange.ReadForm();
  if (attempt == options_.stall_upload) {
    server_->stopping().WaitForNotification();
    return;  // no answer: the connection drops
  }
  if (attempt == options_.fail_upload) {
    return Text(exchange, 500, "internal error: disk on fire\n");
  }
  if (!Authorized(head)) return Text(exchange, 401, "Unauthorized\n");
  if (!form.ok()) {
    return Text(exchange, 400, absl::StrCat(form.status().message(), "\n"));
  }
  auto part = std::find_if(
      form->begin(), form->end(),
      [](const httplib::MultipartFormData& p) { return p.name == "file"; });
  if (part == form->end()) return Text(exchange, 400, "no \"file\" part\n");
  std::string& file = part->content;

  Sha256 sha;
  sha.Update(file);
  absl::MutexLock lock(&mu_);
  const std::string id = absl::StrFormat("fake%06d", next_id_++);
  uploads_.push_back(Upload{file.size(), sha.HexDigest(), entries_.size()});
  entries_[id] = std::move(file);
  HttpExchange::Headers headers = {{"Content-Type", "application/json"}};
  if (options_.server_timing_ms >= 0) {
    headers.emplace_back("Server-Timing",
                         absl::StrCat("app;dur=", options_.server_timing_ms));
  }
  exchange.Respond(200, headers, absl::StrCat("{\"id\":\"", id, "\"}\n"));
}

void FakePicoShare::GetEntry(HttpExchange& exchange, const std::string& id) {
  absl::MutexLock lock(&mu_);
  const int attempt = ++download_attempts_;
  ++downloads_in_flight_;
  max_concurrent_downloads_ =
      std::max(max_concurrent_downloads_, downloads_in_flight_);
  AnswerDownload(exchange, attempt, id);
  --downloads_in_flight_;
}

void FakePicoShare::AwaitOrStop(const std::function<bool()>& done) {
  const absl::Notification& stopping = server_->stopping();
  const auto released = [&] { return done() || stopping.HasBeenNotified(); };
  // The stop notification does not wake a Mutex waiter: poll for it.
  while (!released()) {
    mu_.AwaitWithTimeout(absl::Condition(&released), absl::Milliseconds(50));
  }
}

void FakePicoShare::AnswerDownload(HttpExchange& exchange, int attempt,
                                   const std::string& id) {
  if (attempt == options_.stall_download) {
    AwaitOrStop([] { return false; });
    return;  // no answer: the connection drops
  }
  if (options_.rendezvous > 0 && attempt >= options_.rendezvous_from &&
      !rendezvous_open_) {
    if (++rendezvous_held_ >= options_.rendezvous) rendezvous_open_ = true;
    AwaitOrStop(
        [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return rendezvous_open_; });
    --rendezvous_held_;
  }
  if (options_.fail_downloads.count(attempt) > 0) {
    return Text(exchange, 500, "internal error: download on fire\n");
  }
  auto it = entries_.find(id);
  if (it == entries_.end()) return Text(exchange, 404, "not found\n");
  ++downloads_;
  std::string content = it->second;
  if (options_.flip_download_byte && !content.empty()) {
    content[content.size() / 2] ^= 0x01;
  }
  exchange.Respond(200, {{"Content-Type", "application/octet-stream"}},
                   std::move(content));
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
