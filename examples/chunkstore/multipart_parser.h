// A streaming multipart/form-data reader (RFC 7578): parts are read one
// after another straight from the request body, through a fixed-size buffer,
// so a 10 GiB file part never sits in memory.
//
//   ASSIGN_OR_RETURN(std::string boundary, MultipartBoundary(content_type));
//   MultipartReader form(&body, boundary);
//   PartHeaders part;
//   while (true) {
//     ASSIGN_OR_RETURN(bool more, form.NextPart(&part));
//     if (!more) break;
//     // form.Read(buf, n) returns part.name's content, 0 at its end.
//   }
#ifndef PERFCELL_EXAMPLES_CHUNKSTORE_MULTIPART_PARSER_H_
#define PERFCELL_EXAMPLES_CHUNKSTORE_MULTIPART_PARSER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "examples/chunkstore/byte_source.h"

namespace chunkstore {

// Returns the boundary of a "multipart/form-data; boundary=..." content type.
// InvalidArgument when the type is different or the boundary is missing.
//   MultipartBoundary("multipart/form-data; boundary=\"ab c\"");  // "ab c"
absl::StatusOr<std::string> MultipartBoundary(absl::string_view content_type);

// What a part's headers say about it.
struct PartHeaders {
  std::string name;                     // form field name
  std::optional<std::string> filename;  // set for file fields
  std::string content_type;             // "" when the part has none
};

class MultipartReader : public ByteSource {
 public:
  // Largest header block accepted for one part, counted from the end of
  // its boundary to the end of the empty line after its headers.
  static constexpr size_t kMaxPartHeaderSize = 16 * 1024;

  // Reads the form from `body` (not owned).
  MultipartReader(ByteSource* body, absl::string_view boundary);

  // Skips the rest of the current part (and the preamble before the first)
  // and reads the next part's headers into `part`. Returns false after the
  // closing boundary. InvalidArgument when the body is not a well-formed
  // form, ends before its closing boundary, or a part header line (split on
  // CRLF) holds a bare CR, LF or NUL; the body's own errors pass through.
  absl::StatusOr<bool> NextPart(PartHeaders* part);

  // Reads up to `n` bytes of the current part's content; 0 at its end.
  absl::StatusOr<size_t> Read(char* buf, size_t n) override;

 private:
  // Reads more of the body into the buffer. Returns false at its end.
  absl::StatusOr<bool> Fill();
  // Makes at least `k` bytes available unless the body ends first.
  absl::Status Ensure(size_t k);
  absl::string_view Pending() const {
    return absl::string_view(buf_.data() + start_, end_ - start_);
  }

  ByteSource* body_;
  std::string delimiter_;  // "\r\n--" + boundary
  std::vector<char> buf_;
  size_t start_ = 0;
  size_t end_ = 0;
  bool body_ended_ = false;
  bool in_part_ = true;  // the preamble counts as a part nobody reads
  bool closed_ = false;  // closing boundary seen
};

}  // namespace chunkstore

#endif  // PERFCELL_EXAMPLES_CHUNKSTORE_MULTIPART_PARSER_H_
