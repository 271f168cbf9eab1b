#include "examples/chunkstore/http_response.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace chunkstore {

absl::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 206:
      return "Partial Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 416:
      return "Range Not Satisfiable";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    case 507:
      return "Insufficient Storage";
    default:
      return "Unknown";
  }
}

ResponseWriter::ResponseWriter(Connection* conn,
                               std::function<bool()> keep_alive)
    : conn_(conn), keep_alive_(std::move(keep_alive)) {}

void ResponseWriter::AddHeader(absl::string_view name,
                               absl::string_view value) {
  headers_.emplace_back(std::string(name), std::string(value));
}

namespace {

// True for a field name that is an RFC 9110 token and a value without CR,
// LF or NUL (or other controls but HTAB): nothing that could end the header
// early and start another one.
bool SafeHeader(absl::string_view name, absl::string_view value) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (!absl::ascii_isalnum(c) && !absl::StrContains("!#$%&'*+-.^_`|~", c)) {
      return false;
    }
  }
  for (unsigned char c : value) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

absl::Status ResponseWriter::WriteHead(int status, int64_t content_length) {
  if (head_written_) return absl::FailedPreconditionError("head already sent");
  for (const auto& [name, value] : headers_) {
    if (SafeHeader(name, value)) continue;
    // Never emit it: answer 500 without any of the handler's headers.
    headers_.clear();
    head_written_ = true;
    status_ = 500;
    content_length_ = 0;
    keep_alive_result_ = false;
    absl::Status sent = conn_->WriteAll(
        "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
        "Connection: close\r\n\r\n");
    (void)sent;
    return absl::InternalError(
        absl::StrCat("refused to send header \"", absl::CEscape(name),
                     "\" with a control character in its name or value"));
  }
  if (before_write_) before_write_(/*last=*/content_length == 0);
  head_written_ = true;
  status_ = status;
  content_length_ = content_length;
  keep_alive_result_ = keep_alive_ ? keep_alive_() : false;
  std::string head =
      absl::StrCat("HTTP/1.1 ", status, " ", ReasonPhrase(status), "\r\n");
  for (const auto& [name, value] : headers_) {
    absl::StrAppend(&head, name, ": ", value, "\r\n");
  }
  absl::StrAppend(&head, "Content-Length: ", content_length, "\r\n");
  if (!keep_alive_result_) absl::StrAppend(&head, "Connection: close\r\n");
  absl::StrAppend(&head, "\r\n");
  return conn_->WriteAll(head);
}

absl::Status ResponseWriter::WriteBody(absl::string_view data) {
  if (body_written_ + static_cast<int64_t>(data.size()) > content_length_) {
    return absl::InternalError("body longer than its Content-Length");
  }
  if (!before_write_) {
    absl::Status status = conn_->WriteAll(data);
    if (status.ok()) body_written_ += data.size();
    return status;
  }
  const bool last =
      body_written_ + static_cast<int64_t>(data.size()) == content_length_;
  if (last && data.size() > kHeldBackTail) {
    const absl::string_view most = data.substr(0, data.size() - kHeldBackTail);
    before_write_(/*last=*/false);
    absl::Status status = conn_->WriteAll(most);
    if (!status.ok()) return status;
    body_written_ += most.size();
    data.remove_prefix(most.size());
  }
  before_write_(last);
  absl::Status status = conn_->WriteAll(data);
  if (status.ok()) body_written_ += data.size();
  return status;
}

absl::Status ResponseWriter::Send(int status, absl::string_view content_type,
                                  absl::string_view body) {
  if (!content_type.empty()) AddHeader("Content-Type", content_type);
  absl::Status s = WriteHead(status, body.size());
  if (!s.ok()) return s;
  return WriteBody(body);
}

absl::Status ResponseWriter::SendError(int status, absl::string_view message) {
  return Send(status, "text/plain; charset=utf-8", absl::StrCat(message, "\n"));
}

}  // namespace chunkstore
