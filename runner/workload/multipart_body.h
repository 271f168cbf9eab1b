// A multipart/form-data request body with one file field, generated on the fly.
//
// The file's bytes come from a PrngStream; the framing (boundary, part
// headers, closing boundary) is generated around them. The total size is
// known up front, so the request carries a Content-Length and no chunked
// encoding, and nothing is ever written to disk:
//
//   MultipartBody body(/*seed=*/42, /*file_bytes=*/1 << 30, "file",
//                      /*hash=*/true);
//   // Content-Type: body.content_type(); Content-Length: body.total_size()
//   while (size_t n = body.Read(buf, sizeof(buf))) Send(buf, n);
//   body.FileSha256();  // sha256 of the 1 GiB file part, as hex
#ifndef PERFCELL_RUNNER_WORKLOAD_MULTIPART_BODY_H_
#define PERFCELL_RUNNER_WORKLOAD_MULTIPART_BODY_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "runner/workload/prng_stream.h"
#include "tools/cc/sha256.h"

namespace perfcell {

class MultipartBody {
 public:
  // `field` is the form field name ("file" for PicoShare). With `hash`, the
  // file bytes are hashed as they are generated (costs CPU: only ask for it
  // when the digest is needed).
  MultipartBody(uint64_t seed, uint64_t file_bytes, absl::string_view field,
                bool hash);

  // Copies the next bytes of the body into `out`; returns how many, 0 at the
  // end. Reads of any size are fine.
  size_t Read(char* out, size_t size);

  // The Content-Type header value, with the boundary.
  const std::string& content_type() const { return content_type_; }
  // Framing plus file bytes: the Content-Length.
  uint64_t total_size() const { return total_size_; }
  uint64_t file_bytes() const { return file_bytes_; }
  // Bytes handed out so far.
  uint64_t position() const { return position_; }
  // File bytes handed out so far (0..file_bytes()).
  uint64_t file_bytes_read() const;

  // Hex sha256 of the file part; empty unless constructed with `hash` and read
  // to the end.
  std::string FileSha256();

 private:
  std::string content_type_;
  std::string head_;  // boundary and part headers, before the file
  std::string tail_;  // after the file: CRLF and the closing boundary
  uint64_t file_bytes_;
  uint64_t total_size_;
  uint64_t position_ = 0;
  PrngStream stream_;
  std::unique_ptr<Sha256> sha256_;  // null unless hashing
  std::string digest_;
};

}  // namespace perfcell

#endif  // PERFCELL_RUNNER_WORKLOAD_MULTIPART_BODY_H_
