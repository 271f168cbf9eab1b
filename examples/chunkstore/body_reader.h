// Reads one request body from a connection, whichever framing the client
// chose: Content-Length, or Transfer-Encoding: chunked (libcurl sends that
// when it does not know the size up front).
//
//   ASSIGN_OR_RETURN(BodyFraming framing, FramingOf(request));
//   BodyReader body(&connection, framing, [&] { return Send100Continue(); });
//   body.Read(buf, sizeof(buf));  // decoded body bytes, 0 at its end
#ifndef PERFCELL_EXAMPLES_CHUNKSTORE_BODY_READER_H_
#define PERFCELL_EXAMPLES_CHUNKSTORE_BODY_READER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "examples/chunkstore/byte_source.h"
#include "tools/cc/http_request.h"

namespace chunkstore {

struct BodyFraming {
  bool chunked = false;
  int64_t content_length = 0;  // when not chunked
};

// Returns how `req`'s body is framed. InvalidArgument for a malformed
// Content-Length, Content-Length headers (or list items) that disagree, or
// a transfer coding other than chunked. Identical duplicates are accepted.
absl::StatusOr<BodyFraming> FramingOf(const perfcell::HttpRequest& req);

class BodyReader : public ByteSource {
 public:
  // Reads from `wire` (not owned). `before_first_read` runs once, before the
  // first byte is requested from the wire: the server answers
  // "Expect: 100-continue" there.
  BodyReader(ByteSource* wire, BodyFraming framing,
             std::function<absl::Status()> before_first_read = nullptr);

  // Reads decoded body bytes. Returns 0 at the end of the body. Errors:
  // DataLoss when the client closed before the end of the body,
  // InvalidArgument for broken chunked framing, and the wire's own errors.
  absl::StatusOr<size_t> Read(char* buf, size_t n) override;

  // True once the whole body (and chunked trailers) has been read, so the
  // connection is positioned at the next request.
  bool finished() const { return state_ == State::kDone; }

  // Total decoded body bytes returned so far.
  int64_t bytes_read() const { return bytes_read_; }

  // Reads and discards the rest of the body if it is at most `limit` bytes.
  // Returns true when the body is then finished.
  bool DrainUpTo(int64_t limit);

 private:
  enum class State {
    kChunkSize,
    kChunkData,
    kChunkEnd,
    kTrailers,
    kData,
    kDone
  };

  absl::StatusOr<std::string> ReadLine();
  absl::Status ReadChunkSize();
  absl::Status ReadExactCrlf();

  ByteSource* wire_;
  State state_;
  int64_t remaining_ = 0;  // bytes left in the current chunk or body
  int64_t bytes_read_ = 0;
  std::function<absl::Status()> before_first_read_;
};

}  // namespace chunkstore

#endif  // PERFCELL_EXAMPLES_CHUNKSTORE_BODY_READER_H_
