// Writes one HTTP/1.1 response to a connection: the head with a
// Content-Length, then the body in as many pieces as the handler likes.
//
//   ResponseWriter out(&conn, keep_alive_check);
//   out.AddHeader("Content-Type", "text/plain");
//   RETURN_IF_ERROR(out.WriteHead(200, 5));
//   RETURN_IF_ERROR(out.WriteBody("hello"));
#ifndef PERFCELL_EXAMPLES_CHUNKSTORE_HTTP_RESPONSE_H_
#define PERFCELL_EXAMPLES_CHUNKSTORE_HTTP_RESPONSE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "examples/chunkstore/connection.h"

namespace chunkstore {

// "OK" for 200, "Not Found" for 404, ...
absl::string_view ReasonPhrase(int status);

class ResponseWriter {
 public:
  static constexpr size_t kHeldBackTail = 1024;

  // `keep_alive` runs once, just before the head is written, and says
  // whether the connection can serve another request afterwards; when it
  // returns false the head carries "Connection: close".
  ResponseWriter(Connection* conn, std::function<bool()> keep_alive);

  void AddHeader(absl::string_view name, absl::string_view value);

  // Runs before every write to the connection (the head and each body
  // piece), told whether that write is the last of the response: the
  // server's calibration delays (see pacing.h) go there. While a hook is
  // set, a last body piece longer than kHeldBackTail goes out in two
  // writes, the final kHeldBackTail bytes last: whatever the hook does
  // before it, the client cannot have the whole response yet.
  void set_before_write(std::function<void(bool last)> hook) {
    before_write_ = std::move(hook);
  }

  // Writes the status line and headers, announcing `content_length` bytes.
  // A header whose name is not a token or whose value holds CR, LF, NUL or
  // another control character (HTAB aside) is never sent: the response
  // becomes an empty 500 with "Connection: close", and Internal is returned.
  absl::Status WriteHead(int status, int64_t content_length);
  // Writes the next piece of the body.
  absl::Status WriteBody(absl::string_view data);
  // Writes a whole response with a body.
  absl::Status Send(int status, absl::string_view content_type,
                    absl::string_view body);
  // Writes a text/plain error response whose body is `message` + newline.
  absl::Status SendError(int status, absl::string_view message);

  bool head_written() const { return head_written_; }
  // True when the body announced by WriteHead was written in full.
  bool complete() const {
    return head_written_ && body_written_ == content_length_;
  }
  bool keep_alive() const { return keep_alive_result_; }
  int status() const { return status_; }
  int64_t body_bytes() const { return body_written_; }

 private:
  Connection* conn_;
  std::function<bool()> keep_alive_;
  std::function<void(bool last)> before_write_;
  std::vector<std::pair<std::string, std::string>> headers_;
  bool head_written_ = false;
  bool keep_alive_result_ = false;
  int status_ = 0;
  int64_t content_length_ = 0;
  int64_t body_written_ = 0;
};

}  // namespace chunkstore

#endif  // PERFCELL_EXAMPLES_CHUNKSTORE_HTTP_RESPONSE_H_
