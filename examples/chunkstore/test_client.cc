#include "examples/chunkstore/test_client.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "re2/re2.h"
#include "tools/cc/sha256.h"

namespace chunkstore_test {
namespace {

constexpr size_t kKeptBody = 1 << 20;

// xorshift64*: fast, deterministic bytes; block i depends only on (seed, i).
uint64_t Mix(uint64_t x) {
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  return x * 0x2545F4914F6CDD1DULL;
}

// Fills `out` with bytes [offset, offset + n) of stream `seed`.
void FillPattern(uint64_t seed, int64_t offset, char* out, size_t n) {
  for (size_t i = 0; i < n;) {
    int64_t pos = offset + i;
    uint64_t word = Mix((seed + 1) * 0x9E3779B97F4A7C15ULL + pos / 8 + 1);
    size_t skip = pos % 8;
    size_t take = std::min<size_t>(8 - skip, n - i);
    std::memcpy(out + i, reinterpret_cast<char*>(&word) + skip, take);
    i += take;
  }
}

struct Received {
  HttpResult* result;
  perfcell::Sha256 hash;
};

size_t OnBody(char* data, size_t size, size_t nmemb, void* arg) {
  auto* r = static_cast<Received*>(arg);
  size_t n = size * nmemb;
  r->hash.Update(data, n);
  r->result->body_size += n;
  if (r->result->body.size() < kKeptBody) {
    r->result->body.append(data,
                           std::min(n, kKeptBody - r->result->body.size()));
  }
  return n;
}

size_t OnHeader(char* data, size_t size, size_t nmemb, void* arg) {
  auto* result = static_cast<HttpResult*>(arg);
  absl::string_view line(data, size * nmemb);
  size_t colon = line.find(':');
  if (colon != absl::string_view::npos) {
    result->headers[absl::AsciiStrToLower(line.substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  }
  return size * nmemb;
}

struct Pattern {
  uint64_t seed;
  int64_t size;
  int64_t pos = 0;
};

size_t ReadPattern(char* buf, size_t size, size_t nitems, void* arg) {
  auto* p = static_cast<Pattern*>(arg);
  size_t n = std::min<int64_t>(size * nitems, p->size - p->pos);
  FillPattern(p->seed, p->pos, buf, n);
  p->pos += n;
  return n;
}

int SeekPattern(void* arg, curl_off_t offset, int origin) {
  auto* p = static_cast<Pattern*>(arg);
  if (origin != SEEK_SET) return CURL_SEEKFUNC_CANTSEEK;
  p->pos = offset;
  return CURL_SEEKFUNC_OK;
}

// Runs `curl` and fills a result; `curl` is cleaned up.
HttpResult Perform(CURL* curl, curl_slist* headers) {
  HttpResult result;
  Received received{&result, {}};
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &received);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK) {
    result.error = curl_easy_strerror(rc);
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  result.body_sha256 = received.hash.HexDigest();
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return result;
}

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

void SendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += n;
  }
}

}  // namespace

std::string PatternBytes(uint64_t seed, int64_t offset, int64_t size) {
  std::string out(size, '\0');
  FillPattern(seed, offset, out.data(), size);
  return out;
}

std::string PatternSha256(uint64_t seed, int64_t size) {
  perfcell::Sha256 hash;
  std::string block(1 << 20, '\0');
  for (int64_t pos = 0; pos < size; pos += block.size()) {
    size_t n = std::min<int64_t>(block.size(), size - pos);
    FillPattern(seed, pos, block.data(), n);
    hash.Update(block.data(), n);
  }
  return hash.HexDigest();
}

TestClient::TestClient(int port)
    : base_url_(absl::StrCat("http://127.0.0.1:", port)) {}

TestClient::~TestClient() = default;

HttpResult TestClient::Auth(const std::string& secret) {
  HttpResult result =
      Request("POST", "/api/auth",
              absl::StrCat("{\"sharedSecretKey\": \"", secret, "\"}"),
              "application/json");
  auto it = result.headers.find("set-cookie");
  if (result.status == 200 && it != result.headers.end()) {
    cookie_ = it->second.substr(0, it->second.find(';'));
  }
  return result;
}

HttpResult TestClient::Upload(int64_t size, uint64_t seed,
                              const std::string& expiration, bool chunked,
                              const std::string& filename) {
  CURL* curl = curl_easy_init();
  std::string url = absl::StrCat(base_url_, "/api/entry");
  if (!expiration.empty()) {
    char* escaped = curl_easy_escape(curl, expiration.c_str(), 0);
    absl::StrAppend(&url, "?expiration=", escaped);
    curl_free(escaped);
  }
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  Pattern pattern{seed, size};
  curl_mime* mime = curl_mime_init(curl);
  curl_mimepart* part = curl_mime_addpart(mime);
  curl_mime_name(part, "file");
  curl_mime_filename(part, filename.c_str());
  curl_mime_type(part, "application/octet-stream");
  curl_mime_data_cb(part, chunked ? -1 : size, ReadPattern, SeekPattern,
                    nullptr, &pattern);
  curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
  if (!cookie_.empty()) curl_easy_setopt(curl, CURLOPT_COOKIE, cookie_.c_str());
  HttpResult result = Perform(curl, nullptr);
  curl_mime_free(mime);
  return result;
}

HttpResult TestClient::Request(const std::string& method,
                               const std::string& target,
                               const std::string& body,
                               const std::string& content_type,
                               const std::optional<std::string>& range) {
  CURL* curl = curl_easy_init();
  std::string url = base_url_ + target;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "POST" || !body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(body.size()));
  }
  curl_slist* headers = nullptr;
  if (!content_type.empty()) {
    headers = curl_slist_append(
        headers, absl::StrCat("Content-Type: ", content_type).c_str());
  }
  if (range.has_value()) curl_easy_setopt(curl, CURLOPT_RANGE, range->c_str());
  if (!cookie_.empty()) curl_easy_setopt(curl, CURLOPT_COOKIE, cookie_.c_str());
  return Perform(curl, headers);
}

std::string IdFromJson(const std::string& body) {
  std::string id;
  RE2::FullMatch(body, R"re(\{"id":"([^"]+)"\}\n)re", &id);
  return id;
}

std::string RawExchange(int port, const std::string& data, bool half_close) {
  int fd = Connect(port);
  if (fd < 0) return "";
  SendAll(fd, data);
  if (half_close) shutdown(fd, SHUT_WR);
  std::string answer;
  char buf[65536];
  while (true) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    answer.append(buf, n);
  }
  close(fd);
  return answer;
}

void SendAndDisconnect(int port, const std::string& data) {
  int fd = Connect(port);
  if (fd < 0) return;
  SendAll(fd, data);
  close(fd);
}

}  // namespace chunkstore_test
