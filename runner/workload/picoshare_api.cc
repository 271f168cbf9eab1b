#include "runner/workload/picoshare_api.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "runner/workload/response_parse.h"

namespace perfcell {
namespace {

// The start of an error body, for messages: enough to recognise it.
constexpr size_t kSnippetBytes = 120;

std::string Snippet(absl::string_view body) {
  body = body.substr(0, kSnippetBytes);
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) {
    body.remove_suffix(1);
  }
  return body.empty() ? "" : absl::StrCat(": \"", absl::CEscape(body), "\"");
}

std::string JsonQuote(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      absl::StrAppend(&out, "\\", std::string(1, c));
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppend(
          &out, "\\u00",
          absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace

absl::Status PicoShareApi::Expect200(
    absl::string_view what, const absl::StatusOr<HttpResponse>& response) {
  if (!response.ok()) return response.status();
  if (response->status == 200) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(
      what, " answered HTTP ", response->status, Snippet(response->body)));
}

absl::Status PicoShareApi::Login(absl::string_view shared_secret) {
  HttpRequest request;
  request.method = "POST";
  request.path = "/api/auth";
  request.headers = {"Content-Type: application/json"};
  request.body =
      absl::StrCat("{\"sharedSecretKey\":", JsonQuote(shared_secret), "}");
  absl::StatusOr<HttpResponse> response = client_->Send(request);
  if (response.ok() && response->status == 401) {
    return absl::PermissionDeniedError(
        "login refused: POST /api/auth answered 401 (wrong shared secret?)");
  }
  return Expect200("login: POST /api/auth", response);
}

absl::Status PicoShareApi::Health() {
  HttpRequest request;
  request.path = "/api/health";
  return Expect200("GET /api/health", client_->Send(request));
}

Exchange PicoShareApi::Upload(MultipartBody& body) {
  HttpRequest request;
  request.method = "POST";
  request.path = absl::StrCat("/api/entry?expiration=", kExpiration);
  request.headers = {absl::StrCat("Content-Type: ", body.content_type())};
  request.body_size = body.total_size();
  request.body_reader = [&body](char* out, size_t size) {
    return body.Read(out, size);
  };

  Exchange exchange;
  absl::StatusOr<HttpResponse> response = client_->Send(request);
  exchange.bytes = body.file_bytes_read();
  if (!response.ok()) {
    exchange.status = response.status();
    return exchange;
  }
  exchange.http_status = response->status;
  if (absl::StatusOr<std::string> timing =
          FindHeader(response->headers, "Server-Timing");
      timing.ok()) {
    if (absl::StatusOr<double> s = ParseServerTimingSeconds(*timing); s.ok()) {
      exchange.server_seconds = *s;
    }
  }
  exchange.status = Expect200("POST /api/entry", response);
  if (!exchange.status.ok()) return exchange;
  if (body.position() != body.total_size()) {
    exchange.status = absl::DataLossError(absl::StrCat(
        "POST /api/entry answered 200 after only ", body.position(), " of ",
        body.total_size(), " body bytes were sent"));
    return exchange;
  }
  absl::StatusOr<std::string> id = ParseEntryId(response->body);
  if (!id.ok()) {
    exchange.status = id.status();
    return exchange;
  }
  exchange.entry_id = *id;
  return exchange;
}

Exchange PicoShareApi::Download(absl::string_view entry_id,
                                uint64_t expected_bytes, Sha256* sha256) {
  HttpRequest request;
  request.path = absl::StrCat("/-", entry_id);
  // The body is dropped, but its start names the error of a non-200 answer.
  std::string start;
  request.on_body_data = [sha256, &start](const char* data, size_t size) {
    if (start.size() < kSnippetBytes) {
      start.append(data, std::min(size, kSnippetBytes - start.size()));
    }
    if (sha256 != nullptr) sha256->Update(data, size);
  };

  Exchange exchange;
  exchange.entry_id = std::string(entry_id);
  absl::StatusOr<HttpResponse> response = client_->Send(request);
  if (!response.ok()) {
    exchange.status = response.status();
    return exchange;
  }
  exchange.http_status = response->status;
  exchange.bytes = response->body_bytes;
  if (response->status != 200) {
    exchange.status = absl::InternalError(
        absl::StrCat("GET ", request.path, " answered HTTP ", response->status,
                     Snippet(start)));
    return exchange;
  }
  if (response->body_bytes != expected_bytes) {
    exchange.status = absl::DataLossError(absl::StrCat(
        "GET ", request.path, ": short body: got ", response->body_bytes,
        " bytes, expected ", expected_bytes));
  }
  return exchange;
}

absl::Status PicoShareApi::DeleteEntry(absl::string_view entry_id) {
  HttpRequest request;
  request.method = "DELETE";
  request.path = absl::StrCat("/api/entry/", entry_id);
  return Expect200(absl::StrCat("DELETE ", request.path),
                   client_->Send(request));
}

absl::Status PicoShareApi::ClearDatabase() {
  HttpRequest request;
  request.method = "POST";
  request.path = "/api/debug/db/clear";
  absl::StatusOr<HttpResponse> response = client_->Send(request);
  if (response.ok() && response->status == 404) {
    return absl::NotFoundError(
        "POST /api/debug/db/clear answered 404: this server has no debug "
        "clear route (a PicoShare release?); use the \"picoshare\" profile");
  }
  return Expect200("POST /api/debug/db/clear", response);
}

}  // namespace perfcell
