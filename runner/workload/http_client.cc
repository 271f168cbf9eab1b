#include "runner/workload/http_client.h"

#include <curl/curl.h>

#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace perfcell {
namespace {

// Large buffers: fewer callbacks and syscalls per GiB (libcurl's maxima).
constexpr long kUploadBufferSize = 2 * 1024 * 1024;
constexpr long kDownloadBufferSize = 512 * 1024;

struct Transfer {
  const HttpRequest* request;
  HttpResponse* response;
};

size_t OnRead(char* out, size_t size, size_t count, void* user) {
  Transfer* t = static_cast<Transfer*>(user);
  const size_t n = t->request->body_reader(out, size * count);
  t->response->bytes_sent += n;
  return n;
}

size_t OnWrite(char* data, size_t size, size_t count, void* user) {
  Transfer* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  t->response->body_bytes += n;
  if (t->request->on_body_data) {
    t->request->on_body_data(data, n);
  } else {
    t->response->body.append(data, n);
  }
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  Transfer* t = static_cast<Transfer*>(user);
  absl::string_view line(data, size * count);
  // A new status line (after a 100 Continue or a redirect) starts a new block.
  if (absl::StartsWith(line, "HTTP/")) t->response->headers.clear();
  t->response->headers.append(line.data(), line.size());
  return line.size();
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpClient>> HttpClient::Create(
    absl::string_view base_url, absl::Duration timeout) {
  if (!absl::StartsWith(base_url, "http://") &&
      !absl::StartsWith(base_url, "https://")) {
    return absl::InvalidArgumentError(
        absl::StrCat("base URL \"", base_url, "\" is not http(s)://..."));
  }
  InitCurlOnce();
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return absl::InternalError("curl_easy_init failed");
  // Options every request shares, set once. The handle is never
  // curl_easy_reset: a reset drops the cookie engine's file list without
  // freeing it (libcurl 7.88), so re-enabling the engine after each reset
  // leaked an entry per request. Send() sets every option that varies.
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_COOKIEFILE, "");  // in-memory cookie engine
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnWrite);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, &OnRead);
  curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, kDownloadBufferSize);
  curl_easy_setopt(curl, CURLOPT_UPLOAD_BUFFERSIZE, kUploadBufferSize);
  if (timeout > absl::ZeroDuration()) {
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(absl::ToInt64Milliseconds(timeout)));
  }
  return std::unique_ptr<HttpClient>(new HttpClient(
      std::string(absl::StripSuffix(base_url, "/")), timeout, curl));
}

HttpClient::HttpClient(std::string base_url, absl::Duration timeout, void* curl)
    : base_url_(std::move(base_url)), timeout_(timeout), curl_(curl) {}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

absl::StatusOr<HttpResponse> HttpClient::Send(const HttpRequest& request) {
  CURL* curl = static_cast<CURL*>(curl_);
  HttpResponse response;
  Transfer transfer{&request, &response};
  char error[CURL_ERROR_SIZE] = {0};
  const std::string url = absl::StrCat(base_url_, request.path);

  // Every option that differs from one request to the next is set here, each
  // time, so nothing of the previous request (its method, body or headers)
  // carries over. The connection and the cookies do.
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, nullptr);
  if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    if (request.body_reader) {
      // Without POSTFIELDS, libcurl reads the body through OnRead.
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, nullptr);
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body_size));
    } else {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    }
  } else {
    // HTTPGET drops the POST method and body; another method only changes
    // the request line's word. (Setting POSTFIELDS selects POST: it goes
    // first.)
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, nullptr);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t{-1});
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    if (request.method != "GET") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
  }

  // No "Expect: 100-continue" round trip before large bodies: it adds a
  // server-dependent wait to every timed upload.
  curl_slist* headers = curl_slist_append(nullptr, "Expect:");
  for (const std::string& header : request.headers) {
    headers = curl_slist_append(headers, header.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  const CURLcode code = curl_easy_perform(curl);
  // The handle outlives this call: it must not keep pointers into it.
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_slist_free_all(headers);

  const std::string what = absl::StrCat(request.method, " ", request.path);
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return absl::DeadlineExceededError(
        absl::StrCat(what, ": timed out after ", absl::FormatDuration(timeout_),
                     " (", error[0] ? error : curl_easy_strerror(code), ")"));
  }
  if (code == CURLE_SEND_FAIL_REWIND) {
    // libcurl wanted to send the body again on a new connection after the
    // server dropped this one; a timed request is never silently retried.
    return absl::UnavailableError(absl::StrCat(
        what, ": the server closed the connection before answering (",
        response.bytes_sent, " body bytes sent; not retried)"));
  }
  if (code != CURLE_OK) {
    return absl::UnavailableError(
        absl::StrCat(what, ": ", curl_easy_strerror(code), " (curl error ",
                     static_cast<int>(code), error[0] ? ": " : "", error, ")"));
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

absl::StatusOr<std::string> FindHeader(absl::string_view headers,
                                       absl::string_view name) {
  for (absl::string_view line : absl::StrSplit(headers, "\r\n")) {
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    if (absl::EqualsIgnoreCase(line.substr(0, colon), name)) {
      return std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
    }
  }
  return absl::NotFoundError(absl::StrCat("no \"", name, "\" header"));
}

}  // namespace perfcell
